#include "storage/commit_queue.h"

#include <utility>
#include <vector>

#include "dsl/base/status_macros.h"
#include "rocksdb/comparator.h"
#include "storage/status.h"

namespace leadrouter::storage {

CommitQueue::CommitQueue(Database& db, const CommitQueueOptions& options)
    : db_(db),
      options_(options),
      counter_cache_(options.counter_cache_entries),
      writer_([this] { WriterLoop(); }) {}

CommitQueue::~CommitQueue() { Shutdown(); }

void CommitQueue::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  if (writer_.joinable()) writer_.join();
}

absl::Status CommitQueue::Commit(Mutation mutation, std::string_view principal) {
  return CommitOrRollBack(
      [mutation](WriteTxn& txn) -> absl::StatusOr<MutationResult> {
        RETURN_IF_ERROR(mutation(txn));
        return MutationResult::kCommit;
      },
      principal);
}

absl::Status CommitQueue::CommitOrRollBack(RollBackableMutation mutation,
                                           std::string_view principal) {
  Pending pending(mutation, principal);
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) return absl::UnavailableError("storage is shutting down");
  queue_.push_back(&pending);
  work_ready_.notify_one();
  while (true) {
    pending.finished.wait(lock,
                          [&] { return pending.done || pending.encoding == Encoding::kOffered; });
    if (pending.done) break;
    pending.encoding = Encoding::kByCaller;
    lock.unlock();
    pending.txn->EncodeLater(pending.later_begin, pending.later_end);
    lock.lock();
    pending.encoding = Encoding::kDone;
    encoded_.notify_one();
  }
  return std::move(pending.status);
}

void CommitQueue::WriterLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has been committed
    std::deque<Pending*> group;
    const size_t max_group = options_.max_group_size == 0 ? 1 : options_.max_group_size;
    while (!queue_.empty() && group.size() < max_group) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    CommitGroup(group);
    lock.lock();
    for (Pending* pending : group) {
      pending->done = true;
      pending->finished.notify_one();
    }
  }
}

void CommitQueue::CommitGroup(std::deque<Pending*>& group) {
  // overwrite_key: reads inside the group see the latest staged value of a key, and iterators over
  // the batch show one entry per key.
  rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  WriteTxn txn(db_, batch, counter_cache_, &counter_rows_);
  // Every change of the group that had succeeded, and every one not yet run, gets `status`; a
  // rolled-back one wrote nothing and keeps its OK.
  // The decoded counters may hold values the failed group staged: they are forgotten with it.
  const auto fail_group = [this, &group](const absl::Status& status) {
    counter_rows_.Clear();
    for (Pending* pending : group) {
      if (pending->status.ok() && !pending->rolled_back) pending->status = status;
    }
  };
  bool any_committed = false;
  for (Pending* pending : group) {
    txn.StartMutation(pending->principal);
    const size_t later_begin = txn.later_count();
    const absl::StatusOr<MutationResult> result = pending->mutation(txn);
    if (result.ok() && *result == MutationResult::kCommit) {
      any_committed = true;
      txn.KeepMutation();
      pending->txn = &txn;
      pending->later_begin = later_begin;
      pending->later_end = txn.later_count();
      continue;
    }
    pending->status = result.status();
    if (const absl::Status failed = txn.DiscardMutation(); !failed.ok()) {
      // The batch can no longer be trusted to hold whole changes: commit none of the group.
      fail_group(failed);
      return;
    }
    pending->rolled_back = result.ok();
  }
  if (!any_committed) return;
  EncodeLater(txn, group);
  if (const absl::Status sealed = txn.Seal(); !sealed.ok()) {
    fail_group(sealed);
    return;
  }
  if (batch.GetWriteBatch()->Count() == 0) return;
  const absl::Status written =
      FromRocksDb(db_.raw().Write(db_.write_options(), batch.GetWriteBatch()), "commit changes");
  if (written.ok()) {
    for (const auto& [key, value] : txn.staged_counters()) counter_cache_.Put(key, value);
    notifier_.Notify();
    return;
  }
  // A failed write may or may not have reached the database: trust nothing remembered.
  counter_cache_.Clear();
  fail_group(written);
}

void CommitQueue::EncodeLater(WriteTxn& txn, std::deque<Pending*>& group) {
  std::vector<Pending*> encoding;
  for (Pending* pending : group) {
    if (pending->later_end > pending->later_begin) encoding.push_back(pending);
  }
  // One caller's records: waking it would cost more than the writer encoding them. Seal encodes
  // whatever is left.
  if (!options_.encode_on_callers || encoding.size() < 2) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Pending* pending : encoding) {
      pending->encoding = Encoding::kOffered;
      pending->finished.notify_one();
    }
  }
  // The callers wake in queue order; the writer takes from the other end meanwhile.
  for (auto it = encoding.rbegin(); it != encoding.rend(); ++it) {
    Pending* pending = *it;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (pending->encoding != Encoding::kOffered) continue;
      pending->encoding = Encoding::kByWriter;
    }
    txn.EncodeLater(pending->later_begin, pending->later_end);
  }
  std::unique_lock<std::mutex> lock(mutex_);
  encoded_.wait(lock, [&] {
    for (const Pending* pending : encoding) {
      if (pending->encoding == Encoding::kByCaller) return false;
    }
    return true;
  });
  for (Pending* pending : encoding) pending->encoding = Encoding::kNone;
}

}  // namespace leadrouter::storage
