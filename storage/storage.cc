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

absl::Status Storage::Close() {
  if (commits_ != nullptr) commits_->Shutdown();
  commits_.reset();
  if (database_ == nullptr) return absl::OkStatus();
  absl::Status status = database_->Close();
  database_.reset();
  return status;
}

}  // namespace leadrouter::storage
