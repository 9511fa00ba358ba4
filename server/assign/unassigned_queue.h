// Leads that no rule or no rep could take, with the reason, waiting to be retried when a rep
// becomes available or a new rule version is published.
//
// The queue is an index over state the database already holds (leads in state UNASSIGNED and
// their last entry's reason): it is rebuilt from the database at start, and the Assigner keeps it
// current after each commit. Retrying is the Assigner's job (server/assign/assigner.h); the queue
// only says what to retry, oldest first, and wakes the retry worker.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "leadrouter/v1/explanation.pb.h"
#include "storage/database.h"

namespace leadrouter::server {

class UnassignedQueue {
 public:
  struct Entry {
    std::string lead;  // `leads/{lead}`
    leadrouter::v1::UnassignedReason reason = leadrouter::v1::UNASSIGNED_REASON_UNSPECIFIED;
    uint64_t since = 0;  // the assignment sequence that left it unassigned: the queue's order
  };

  // Replaces the contents with the UNASSIGNED leads stored in `db`.
  [[nodiscard]] absl::Status Rebuild(storage::Database& db);

  void Add(const std::string& lead, leadrouter::v1::UnassignedReason reason, uint64_t since);
  void Remove(const std::string& lead);

  // Oldest first.
  std::vector<Entry> Snapshot() const;
  size_t size() const;

  // Asks the retry worker for a pass (`why` is logged); cheap, never blocks.
  void RequestRetry(const std::string& why);
  // Blocks until a retry was requested or Stop() was called. Returns false after Stop(), and the
  // reason of the request otherwise.
  bool WaitForRetryRequest(std::string& why);
  void Stop();
  bool stopped() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Entry> by_lead_;  // guarded by mu_
  bool retry_requested_ = false;          // guarded by mu_
  std::string retry_reason_;              // guarded by mu_
  bool stopped_ = false;                  // guarded by mu_
};

}  // namespace leadrouter::server
