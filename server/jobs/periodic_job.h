// A background job run every `interval` on its own thread until stopped: the server's sweeps
// (reps whose AWAY time ended, ...). A run that fails is logged and the job keeps its schedule; a
// sweep that cannot run now will run at the next tick.
//
// Thread safety: Stop may be called from any thread, more than once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace leadrouter::server {

class PeriodicJob {
 public:
  // Starts the thread; the first run is immediate.
  PeriodicJob(std::string name, std::chrono::milliseconds interval,
              std::function<absl::Status()> run);
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;
  ~PeriodicJob();

  // Waits for a run in progress to finish, then ends the thread.
  void Stop();

 private:
  void Loop();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<absl::Status()> run_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace leadrouter::server
