#include "storage/committed_cache.h"

#include <utility>

namespace leadrouter::storage {

const CommittedCache::Value* CommittedCache::Find(absl::string_view key) {
  if (const auto it = current_.find(key); it != current_.end()) return &it->second;
  const auto old = previous_.find(key);
  if (old == previous_.end()) return nullptr;
  // Still in use: promote it so that it survives the next generation change.
  Value value = std::move(old->second);
  previous_.erase(old);
  ReserveOne();
  return &current_.insert_or_assign(std::string(key), std::move(value)).first->second;
}

void CommittedCache::Put(absl::string_view key, Value value) {
  if (capacity_ == 0) return;
  if (const auto it = current_.find(key); it != current_.end()) {
    it->second = std::move(value);
    return;
  }
  previous_.erase(key);
  ReserveOne();
  current_.emplace(std::string(key), std::move(value));
}

void CommittedCache::Clear() {
  current_.clear();
  previous_.clear();
}

void CommittedCache::ReserveOne() {
  if (current_.size() < capacity_) return;
  previous_ = std::move(current_);
  current_ = Map();
}

}  // namespace leadrouter::storage
