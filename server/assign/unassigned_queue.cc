#include "server/assign/unassigned_queue.h"

#include <algorithm>
#include <utility>

#include "dsl/base/status_macros.h"
#include "storage/assignment_store.h"
#include "storage/keys.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"

namespace leadrouter::server {

absl::Status UnassignedQueue::Rebuild(storage::Database& db) {
  std::map<std::string, Entry> by_lead;
  storage::DatabaseView view(db);
  absl::Status inner = absl::OkStatus();
  RETURN_IF_ERROR(storage::ListLeads(view, "", [&](const storage::LeadRecord& record) {
    const leadrouter::v1::Lead& lead = record.lead();
    if (lead.state() != leadrouter::v1::LEAD_STATE_UNASSIGNED) return true;
    Entry entry;
    entry.lead = lead.name();
    // The entry that left it unassigned is the lead's newest history entry.
    absl::Status listed =
        storage::ListLeadHistory(view, lead.name(), [&](const storage::HistoryRecord& history) {
          entry.since = history.sequence();
          entry.reason = history.assignment().unassigned_reason();
          return true;
        });
    if (!listed.ok()) {
      inner = listed;
      return false;
    }
    by_lead.emplace(entry.lead, std::move(entry));
    return true;
  }));
  RETURN_IF_ERROR(inner);
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
