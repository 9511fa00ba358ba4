// Model's booster and the lock that serialises calls on it. Private to dsl/score/.
#pragma once

#include <utility>

#include "absl/synchronization/mutex.h"
#include "dsl/score/internal/xgb.h"
#include "dsl/score/model.h"

namespace leadrouter::dsl::score {

class Model::Booster {
 public:
  explicit Booster(internal::Booster booster) : booster_(std::move(booster)) {}

  template <typename F>
  auto With(F&& f) const {
    absl::MutexLock lock(&mutex_);
    return f(booster_);
  }

 private:
  mutable absl::Mutex mutex_;
  internal::Booster booster_;
};

}  // namespace leadrouter::dsl::score
