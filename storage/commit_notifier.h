// Wakes the readers that wait for new commits (an event stream waiting for the next event) as
// soon as the writer has committed a group, without a polling loop.
//
//   const uint64_t seen = notifier.generation();
//   ... read what is committed ...
//   notifier.WaitAfter(seen, deadline);  // returns at the next commit (or at once if one came)
//
// Thread-safe: the writer notifies, any number of threads wait.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/time/time.h"

namespace leadrouter::storage {

class CommitNotifier {
 public:
  // How many times Notify has been called: read it before reading the database, so that a commit
  // between the read and the wait is not missed.
  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

  // A group was committed (the writer, storage/commit_queue.cc), or a waiter must look again for
  // another reason (a server shutting down its streams).
  void Notify() {
    {
      std::lock_guard lock(mu_);
      ++generation_;
    }
    changed_.notify_all();
  }

  // Waits until generation() is past `seen` or `deadline` passes. True when it is past `seen`.
  bool WaitAfter(uint64_t seen, absl::Time deadline) const {
    std::unique_lock lock(mu_);
    const auto past = [&] { return generation_ != seen; };
    if (deadline == absl::InfiniteFuture()) {
      changed_.wait(lock, past);
      return true;
    }
    return changed_.wait_until(lock, absl::ToChronoTime(deadline), past);
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  uint64_t generation_ = 0;  // guarded by mu_
};

}  // namespace leadrouter::storage
