// The decision writer's memory of committed counter values.
//
// Why: one decision reads every candidate rep's counters (four per rep, five more per rep for
// each rule it tries), so a roster of tens of reps costs one to two hundred RocksDB point reads,
// and those reads, not gRPC or the fsync, bounded Assign throughput. All counter writes go through
// the single writer (storage/commit_queue.h), so the writer can keep what it has read and written
// and answer later reads from memory: nobody else changes a counter behind its back.
//
// What it holds: the committed value of a key, or the fact that the key is absent. It never holds
// staged writes; the commit queue folds a group's writes in only after RocksDB accepted them, and
// forgets everything when a write fails (the database state is then not known for sure).
//
// Bounded memory, approximately least-recently-used: entries live in two generations. A lookup
// that hits the older generation moves the entry to the current one; when the current generation
// is full it becomes the older one and the previous older one is dropped. So at most
// 2 x `generation_capacity` entries are kept, and counters of past days and idle reps age out.
//
// Thread safety: none; only the writer thread uses it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace leadrouter::storage {

class CommittedCache {
 public:
  // A committed value: the bytes stored, or nullopt for a key known to be absent.
  using Value = std::optional<std::string>;

  // `generation_capacity` 0 disables the cache (every Find misses).
  explicit CommittedCache(size_t generation_capacity) : capacity_(generation_capacity) {}

  // The cached committed value of `key`, or nullptr when the cache does not know it. The pointer
  // is valid until the next non-const call.
  const Value* Find(absl::string_view key);

  // Records the committed value of `key`.
  void Put(absl::string_view key, Value value);

  // Forgets everything.
  void Clear();

  size_t size() const { return current_.size() + previous_.size(); }

 private:
  using Map = absl::flat_hash_map<std::string, Value>;

  // Makes room for one more entry in the current generation.
  void ReserveOne();

  const size_t capacity_;
  Map current_;
  Map previous_;
};

}  // namespace leadrouter::storage
