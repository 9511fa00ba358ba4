// The single ordered writer: every change to leadrouter's state is a mutation run here, one at a
// time, in submission order, and committed in groups.
//
// Why one writer: a decision reads many reps' counters, picks one rep and moves its counters. With
// one writer, each mutation sees every change committed or staged before it, so "read the caps,
// then write" can never race: caps hold and no counter update is lost, by construction rather
// than by locking discipline. The cost of serializing is small because decisions take
// microseconds while an fsync takes milliseconds, and mutations that arrive while a group is being
// synced are committed together in the next group: one RocksDB write and one fsync for all of them
// (group commit).
//
// Each group is one atomic WriteBatch: a mutation's writes reach the database all together or not
// at all, and a failed mutation leaves nothing behind (its writes are rolled back to a save point
// while the rest of the group proceeds).
//
// The writer runs only what must be ordered. Records a mutation stages with WriteTxn::PutLater
// (history entries, explanations, audit records, events) are built and encoded after the group's
// last mutation, before its write: each caller encodes its own while the writer encodes those of
// callers not awake yet, from the group's end. So with many calls in flight that work is spread
// over the callers' threads instead of serialised in the writer.
//
// Thread safety: Commit may be called from any number of threads at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "storage/commit_notifier.h"
#include "storage/committed_cache.h"
#include "storage/counter_rows.h"
#include "storage/database.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

struct CommitQueueOptions {
  // The most mutations committed in one group (one RocksDB write, one fsync in Durability::kSync).
  // Larger groups raise throughput under load and lengthen the wait of the group's first caller.
  // Default: 256
  size_t max_group_size = 256;

  // Counters the writer keeps in memory (storage/committed_cache.h), per generation; at most
  // twice this many are kept. 0 reads every counter from RocksDB.
  // Default: 131072 (some tens of MiB at most)
  size_t counter_cache_entries = 131072;

  // Whether the callers of a group encode their own staged-later records (WriteTxn::PutLater)
  // when the group holds two or more mutations that staged some; false: the writer encodes all.
  // Waking the callers costs each a futex round trip; it pays when they have cores of their own
  // (docs/performance.md, "Little work in the writer"). Default: true on more than two cores
  bool encode_on_callers = std::thread::hardware_concurrency() > 2;
};

// Runs on the writer thread. Reads and stages writes through the WriteTxn; returns OK to commit
// what it staged or an error to discard it. It must not block on other commits (that would
// deadlock the writer) and must not keep references to the WriteTxn.
using Mutation = absl::FunctionRef<absl::Status(WriteTxn&)>;

// How a mutation that succeeded ends (CommitOrRollBack).
enum class MutationResult {
  // Its writes are committed with the group.
  kCommit,
  // Its writes are discarded and its caller gets OK: it only wanted what it computed on the way
  // (a validate_only request, a retry that found nothing to change).
  kRollBack,
};
// A Mutation that may also end in kRollBack; an error discards its writes as for a Mutation.
using RollBackableMutation = absl::FunctionRef<absl::StatusOr<MutationResult>(WriteTxn&)>;

class CommitQueue {
 public:
  // `db` must outlive the queue.
  explicit CommitQueue(Database& db, const CommitQueueOptions& options = {});
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;
  // Commits what is queued, then stops the writer.
  ~CommitQueue();

  // Runs `mutation` after every mutation submitted before it and commits its writes. Returns once
  // they are durable as DatabaseOptions::durability says (then whatever the mutation produced for
  // its caller is valid), or the mutation's own error (nothing written), or the commit's error
  // (nothing of the group written: a failed RocksDB write is all-or-nothing). After Shutdown:
  // UNAVAILABLE.
  //
  // `principal` is whom the change is made for: the principal the call's bearer token
  // authenticated (empty when authentication is off, and for background jobs). The store stamps it
  // on every audit record and history entry the mutation writes (WriteTxn::principal): an
  // operation passes it once here instead of to each record. Every server call site made for a
  // caller must pass `call.principal`; the default is for storage tests and jobs.
  [[nodiscard]] absl::Status Commit(Mutation mutation, std::string_view principal = {});
  // As Commit; a mutation that returns kRollBack leaves nothing behind, and this returns OK once
  // its group is done, whether or not the rest of the group then commits.
  [[nodiscard]] absl::Status CommitOrRollBack(RollBackableMutation mutation,
                                              std::string_view principal = {});

  // Commits what is queued and stops the writer; later Commit calls fail. Idempotent.
  void Shutdown();

  Database& database() const { return db_; }

  // Notified after every group whose write reached the database (and by whoever else needs its
  // waiters to look again): readers of new commits wait on it instead of polling.
  CommitNotifier& notifier() { return notifier_; }

 private:
  // Who encodes a kept mutation's staged-later records (guarded by mutex_).
  enum class Encoding { kNone, kOffered, kByCaller, kByWriter, kDone };

  struct Pending {
    Pending(RollBackableMutation m, std::string_view p) : mutation(m), principal(p) {}
    RollBackableMutation mutation;
    std::string_view principal;  // the caller's, who waits until done
    absl::Status status;
    bool rolled_back = false;  // writer thread only until done
    // Its staged-later writes, [later_begin, later_end) of *txn, once kept.
    WriteTxn* txn = nullptr;
    size_t later_begin = 0;
    size_t later_end = 0;
    Encoding encoding = Encoding::kNone;  // guarded by mutex_
    bool done = false;                    // guarded by mutex_
    // Each caller waits on its own condition variable: finishing a group wakes exactly the
    // callers in it, not every waiting thread.
    std::condition_variable finished;
  };

  void WriterLoop();
  void CommitGroup(std::deque<Pending*>& group);
  // Has the group's staged-later records encoded (by their callers and the writer) and returns
  // once all are.
  void EncodeLater(WriteTxn& txn, std::deque<Pending*>& group);

  Database& db_;
  const CommitQueueOptions options_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable encoded_;  // a caller finished encoding (the writer waits on it)
  std::deque<Pending*> queue_;       // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  CommittedCache counter_cache_;     // writer thread only
  CounterRows counter_rows_;         // writer thread only
  CommitNotifier notifier_;
  std::thread writer_;
};

}  // namespace leadrouter::storage
