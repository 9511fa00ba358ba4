#include "server/jobs/periodic_job.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace leadrouter::server {

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval,
                         std::function<absl::Status()> run)
    : name_(std::move(name)),
      interval_(interval),
      run_(std::move(run)),
      thread_([this] { Loop(); }) {}

PeriodicJob::~PeriodicJob() { Stop(); }

void PeriodicJob::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void PeriodicJob::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    if (absl::Status status = run_(); !status.ok()) {
      spdlog::error("job={} status={}", name_, status.ToString());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace leadrouter::server
