#include "storage/storage.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dsl/base/status_macros.h"
#include "storage/lead_index.h"
#include "storage/rep_store.h"
#include "storage/span_facts_backfill.h"

namespace leadrouter::storage {

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const std::string& path,
                                                       const StorageOptions& options) {
  const absl::Time opening = absl::Now();
  ASSIGN_OR_RETURN(std::unique_ptr<Database> database, Database::Open(path, options.database));
  const absl::Time opened = absl::Now();
  std::unique_ptr<Storage> storage(new Storage());
  storage->database_ = std::move(database);
  storage->advance_checkpoint_at_close_ = options.advance_checkpoint_at_close;
  if (options.check_counters_at_open) {
    ASSIGN_OR_RETURN(CounterCheckReport report,
                     CheckCounters(*storage->database_, CounterCheckOptions{
                                                            .mode = options.counter_check,
                                                            .repair = true,
                                                            .write_checkpoint = true,
                                                        }));
    storage->counter_check_ = report;
    spdlog::info(
        "counters of {} checked against history ({}{}): {} history entries replayed, {} counters, "
        "in {} ms (the database opened in {} ms)",
        path, report.incremental ? "from the checkpoint at sequence " : "full",
        report.incremental ? std::to_string(report.checkpoint_sequence) : "",
        report.history_entries, report.counters, absl::ToInt64Milliseconds(absl::Now() - opened),
        absl::ToInt64Milliseconds(opened - opening));
    if (report.disagreements > 0) {
      spdlog::warn(
          "counter check of {}: {} of {} counters disagreed with {} history entries; "
          "rewritten from history",
          path, report.disagreements, report.counters, report.history_entries);
    }
  }
  RETURN_IF_ERROR(BuildLeadIndexIfMissing(*storage->database_).status());
  RETURN_IF_ERROR(BuildSpanFactsIfMissing(*storage->database_).status());
  RETURN_IF_ERROR(MarkRepVersionsStart(*storage->database_));
  storage->commits_ = std::make_unique<CommitQueue>(*storage->database_, options.commits);
  return storage;
}

Storage::~Storage() { (void)Close(); }

absl::StatusOr<CheckpointAdvance> Storage::AdvanceCounterCheckpoint() {
  const std::lock_guard<std::mutex> lock(checkpoint_mu_);
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(const CheckpointAdvance advance, storage::AdvanceCounterCheckpoint(*database_));
  if (advance.advanced) {
    spdlog::info(
        "counter checkpoint moved from sequence {} to {}: {} history entries replayed, {} rows "
        "written, in {} ms",
        advance.from_sequence, advance.to_sequence, advance.history_entries, advance.rows_written,
        absl::ToInt64Milliseconds(absl::Now() - start));
  }
  return advance;
}

absl::Status Storage::Close() {
  if (commits_ != nullptr) commits_->Shutdown();
  const bool served = commits_ != nullptr;
  commits_.reset();
  if (database_ == nullptr) return absl::OkStatus();
  if (served && advance_checkpoint_at_close_) {
    if (const absl::StatusOr<CheckpointAdvance> advance = AdvanceCounterCheckpoint();
        !advance.ok()) {
      spdlog::warn(
          "the counter checkpoint was not moved at close ({}); the next open replays the "
          "entries after the previous one",
          advance.status().ToString());
    }
  }
  absl::Status status = database_->Close();
  database_.reset();
  return status;
}

}  // namespace leadrouter::storage
