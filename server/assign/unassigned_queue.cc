#include "server/assign/unassigned_queue.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "dsl/base/status_macros.h"
#include "storage/assignment_store.h"
#include "storage/keys.h"
#include "storage/lead_index.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"

namespace leadrouter::server {

absl::Status UnassignedQueue::Rebuild(storage::Database& db) {
  std::map<std::string, Entry> by_lead;
  storage::DatabaseView view(db);
  // The lead index's UNASSIGNED leads (storage/lead_index.h; Storage::Open builds the index), not
  // every lead: with a million leads, reading them all was seconds of every start.
  RETURN_IF_ERROR(storage::ScanLeadIndex(
      view, storage::LeadIndex::kState,
      storage::LeadStateIndexValue(leadrouter::v1::LEAD_STATE_UNASSIGNED),
      std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), std::nullopt,
      [&](const storage::LeadIndexPosition& position) -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> record,
                         storage::ReadLead(view, position.lead));
        if (!record.has_value() ||
            record->lead().state() != leadrouter::v1::LEAD_STATE_UNASSIGNED) {
          return true;
        }
        Entry entry;
        entry.lead = record->lead().name();
        // The entry that left it unassigned is the lead's newest history entry.
        RETURN_IF_ERROR(
            storage::ListLeadHistory(view, entry.lead, [&](const storage::HistoryRecord& history) {
              entry.since = history.sequence();
              entry.reason = history.assignment().unassigned_reason();
              return true;
            }));
        by_lead.emplace(entry.lead, std::move(entry));
        return true;
      }));
  std::lock_guard lock(mu_);
  by_lead_ = std::move(by_lead);
  return absl::OkStatus();
}

void UnassignedQueue::Add(const std::string& lead, leadrouter::v1::UnassignedReason reason,
                          uint64_t since) {
  std::lock_guard lock(mu_);
  Entry& entry = by_lead_[lead];
  entry.lead = lead;
  entry.reason = reason;
  if (entry.since == 0) entry.since = since;
}

void UnassignedQueue::Remove(const std::string& lead) {
  std::lock_guard lock(mu_);
  by_lead_.erase(lead);
}

std::vector<UnassignedQueue::Entry> UnassignedQueue::Snapshot() const {
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mu_);
    entries.reserve(by_lead_.size());
    for (const auto& [lead, entry] : by_lead_) entries.push_back(entry);
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.since < b.since; });
  return entries;
}

size_t UnassignedQueue::size() const {
  std::lock_guard lock(mu_);
  return by_lead_.size();
}

void UnassignedQueue::RequestRetry(const std::string& why) {
  {
    std::lock_guard lock(mu_);
    retry_requested_ = true;
    retry_reason_ = why;
  }
  wake_.notify_all();
}

bool UnassignedQueue::WaitForRetryRequest(std::string& why) {
  std::unique_lock lock(mu_);
  wake_.wait(lock, [this] { return retry_requested_ || stopped_; });
  if (stopped_) return false;
  retry_requested_ = false;
  why = std::move(retry_reason_);
  return true;
}

void UnassignedQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  wake_.notify_all();
}

}  // namespace leadrouter::server

namespace leadrouter::server {

bool UnassignedQueue::stopped() const {
  std::lock_guard lock(mu_);
  return stopped_;
}

}  // namespace leadrouter::server
