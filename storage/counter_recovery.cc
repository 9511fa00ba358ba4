#include "storage/counter_recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "rocksdb/write_batch.h"
#include "storage/assignment_store.h"
#include "storage/counter_keys.h"
#include "storage/counter_store.h"
#include "storage/read_view.h"
#include "storage/status.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

using Counters = std::map<std::string, CounterValue>;

// The checkpoint's header key: empty, before every counter key (they start with a scope byte).
constexpr absl::string_view kHeaderKey = "";
// Past every counter key: the end of the checkpoint's range.
const std::string& CheckpointEnd() {
  static const std::string* const end = new std::string(1, '\xff');
  return *end;
}

std::string Describe(absl::string_view key) {
  absl::StatusOr<CounterKey> decoded = DecodeCounterKey(key);
  return decoded.ok() ? DescribeCounterKey(*decoded) : "undecodable key";
}

std::string Show(const CounterValue& value) { return value.ShortDebugString(); }

// FNV-1a 64, fed the key's length, the key, the value's length and the value of each row.
class Digest {
 public:
  void Add(absl::string_view key, absl::string_view value) {
    AddLength(key.size());
    AddBytes(key);
    AddLength(value.size());
    AddBytes(value);
  }
  uint64_t value() const { return hash_; }

 private:
  void AddBytes(absl::string_view bytes) {
    for (const char c : bytes) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
  }
  void AddLength(size_t length) {
    for (int i = 0; i < 8; ++i) {
      hash_ ^= static_cast<unsigned char>(length >> (8 * i));
      hash_ *= 0x100000001b3ULL;
    }
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

uint64_t DigestOf(const Counters& counters) {
  Digest digest;
  for (const auto& [key, value] : counters) digest.Add(key, EncodeProto(value));
  return digest.value();
}

// The whole history's deltas applied in sequence order (sequences are handed out in commit order
// by the single writer). Returns the entries replayed; `last` is the largest sequence.
absl::StatusOr<int64_t> ReplayAll(const ReadView& view, CounterAccess& counters, uint64_t& last) {
  std::vector<std::pair<uint64_t, std::vector<StoredDelta>>> entries;
  RETURN_IF_ERROR(ListAllHistory(view, [&](const HistoryRecord& record) {
    entries.emplace_back(record.sequence(),
                         std::vector<StoredDelta>(record.deltas().begin(), record.deltas().end()));
    return true;
  }));
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  last = 0;
  for (const auto& [sequence, deltas] : entries) {
    for (const StoredDelta& delta : deltas) {
      RETURN_IF_ERROR(ApplyStateDelta(counters, FromStoredDelta(delta)));
    }
    last = std::max(last, sequence);
  }
  return static_cast<int64_t>(entries.size());
}

struct Checkpoint {
  CounterCheckpointHeader header;
  Counters counters;
};

// The checkpoint, or why it cannot be used (a NotFound / DataLoss status with the reason). Any
// other error is a read error.
absl::StatusOr<Checkpoint> LoadCheckpoint(const ReadView& view) {
  Checkpoint checkpoint;
  bool has_header = false;
  Digest digest;
  absl::Status bad = absl::OkStatus();
  RETURN_IF_ERROR(view.Scan(
      ColumnFamily::kCounterCheckpoint, "", "", ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        if (key == kHeaderKey) {
          const absl::Status decoded = DecodeProto(value, checkpoint.header, "checkpoint header");
          if (!decoded.ok()) {
            bad = absl::DataLossError(
                absl::StrCat("the checkpoint header does not decode: ", decoded.message()));
            return false;
          }
          has_header = true;
          return true;
        }
        CounterValue counter;
        const absl::Status decoded = DecodeProto(value, counter, "checkpoint counter");
        if (!decoded.ok()) {
          bad = absl::DataLossError(
              absl::StrCat("checkpoint row ", Describe(key), " does not decode"));
          return false;
        }
        digest.Add(key, value);
        checkpoint.counters.emplace(std::string(key), std::move(counter));
        return true;
      }));
  RETURN_IF_ERROR(bad);
  if (!has_header) {
    return checkpoint.counters.empty()
               ? absl::NotFoundError("no checkpoint")
               : absl::DataLossError("the checkpoint has rows but no header");
  }
  const CounterCheckpointHeader& header = checkpoint.header;
  if (header.replay_version() != kCounterReplayVersion) {
    return absl::DataLossError(absl::StrCat("the checkpoint is of replay version ",
                                            header.replay_version(), ", this build's is ",
                                            kCounterReplayVersion));
  }
  if (header.counters() != static_cast<int64_t>(checkpoint.counters.size())) {
    return absl::DataLossError(absl::StrCat("the checkpoint header says ", header.counters(),
                                            " counters but it has ", checkpoint.counters.size()));
  }
  if (header.digest() != digest.value()) {
    return absl::DataLossError("the checkpoint's rows do not match the digest of its header");
  }
  // The sequence can only grow: a checkpoint past the last sequence handed out would skip the
  // entries numbered again below it.
  ASSIGN_OR_RETURN(const uint64_t last, LastAssignmentSequence(view));
  if (header.sequence() > last) {
    return absl::DataLossError(absl::StrCat("the checkpoint is at sequence ", header.sequence(),
                                            " but the last sequence handed out is ", last));
  }
  return checkpoint;
}

// Compares what history implies with the `counters` column family, logging and (when repairing)
// rewriting every counter that differs, is missing or exists without history.
absl::Status CompareWithCounters(Database& db, const ReadView& view, const Counters& rebuilt,
                                 bool repair, CounterCheckReport& report) {
  rocksdb::WriteBatch fixes;
  rocksdb::ColumnFamilyHandle* counters = db.handle(ColumnFamily::kCounters);
  auto disagree = [&](absl::string_view key, const std::string& stored,
                      const CounterValue* expected) {
    ++report.disagreements;
    spdlog::warn("counter check: {} is {} but history says {}{}", Describe(key), stored,
                 expected != nullptr ? Show(*expected) : "nothing",
                 repair ? "; rewritten from history" : "");
    const rocksdb::Slice slice(key.data(), key.size());
    if (expected != nullptr) {
      (void)fixes.Put(counters, slice, EncodeProto(*expected));
    } else {
      (void)fixes.Delete(counters, slice);
    }
  };

  Counters::const_iterator next = rebuilt.begin();
  RETURN_IF_ERROR(view.Scan(
      ColumnFamily::kCounters, "", "", ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        // Counters history implies but the column family lacks.
        for (; next != rebuilt.end() && next->first < key; ++next) {
          disagree(next->first, "absent", &next->second);
        }
        if (next != rebuilt.end() && next->first == key && value == EncodeProto(next->second)) {
          ++next;  // the same bytes: equal (the usual case, without parsing)
          return true;
        }
        CounterValue stored;
        const absl::Status decoded = DecodeProto(value, stored, "counter");
        const std::string shown = decoded.ok() ? Show(stored) : "undecodable";
        if (next != rebuilt.end() && next->first == key) {
          if (!decoded.ok() ||
              !google::protobuf::util::MessageDifferencer::Equals(stored, next->second)) {
            disagree(key, shown, &next->second);
          }
          ++next;
        } else {
          disagree(key, shown, nullptr);
        }
        return true;
      }));
  for (; next != rebuilt.end(); ++next) disagree(next->first, "absent", &next->second);

  if (report.disagreements > 0 && repair) {
    rocksdb::WriteOptions synced;
    synced.sync = true;
    RETURN_IF_ERROR(FromRocksDb(db.raw().Write(synced, &fixes), "repair counters"));
    report.repaired = true;
  }
  return absl::OkStatus();
}

// Writes the checkpoint of `rebuilt` at `sequence` in one synced batch: every row (after clearing
// the column family) when `touched` is null, else only the rows in `touched`.
absl::StatusOr<int64_t> WriteCheckpoint(Database& db, const Counters& rebuilt, uint64_t sequence,
                                        int64_t history_entries,
                                        const std::set<std::string>* touched) {
  rocksdb::ColumnFamilyHandle* cf = db.handle(ColumnFamily::kCounterCheckpoint);
  rocksdb::WriteBatch batch;
  int64_t rows = 0;
  if (touched == nullptr) {
    RETURN_IF_ERROR(FromRocksDb(batch.DeleteRange(cf, "", CheckpointEnd()), "clear checkpoint"));
    for (const auto& [key, value] : rebuilt) {
      RETURN_IF_ERROR(FromRocksDb(batch.Put(cf, key, EncodeProto(value)), "stage checkpoint"));
      ++rows;
    }
  } else {
    for (const std::string& key : *touched) {
      const auto it = rebuilt.find(key);
      if (it == rebuilt.end()) continue;  // never: a replay only adds counters
      RETURN_IF_ERROR(FromRocksDb(batch.Put(cf, key, EncodeProto(it->second)), "stage checkpoint"));
      ++rows;
    }
  }
  CounterCheckpointHeader header;
  header.set_sequence(sequence);
  header.set_history_entries(history_entries);
  header.set_counters(static_cast<int64_t>(rebuilt.size()));
  header.set_digest(DigestOf(rebuilt));
  header.set_replay_version(kCounterReplayVersion);
  RETURN_IF_ERROR(FromRocksDb(batch.Put(cf, std::string(kHeaderKey), EncodeProto(header)),
                              "stage checkpoint header"));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  RETURN_IF_ERROR(FromRocksDb(db.raw().Write(synced, &batch), "write the counter checkpoint"));
  return rows;
}

// The entries after `from` applied to `rebuilt` (the checkpoint's counters at `from`), in sequence
// order through the sequence index; `touched` gets the rows they moved. A DataLoss status means
// the sequence index names a missing entry.
struct ReplayedAfter {
  int64_t entries = 0;
  uint64_t last = 0;  // the last entry replayed (`from` when none)
};
absl::StatusOr<ReplayedAfter> ReplayAfter(const ReadView& view, uint64_t from, Counters& rebuilt,
                                          std::set<std::string>& touched) {
  MapCounterAccess access(rebuilt, &touched);
  ReplayedAfter replayed{.entries = 0, .last = from};
  absl::Status applied = absl::OkStatus();
  RETURN_IF_ERROR(ListHistoryAfter(view, from, [&](const HistoryRecord& r) {
    for (const StoredDelta& delta : r.deltas()) {
      applied = ApplyStateDelta(access, FromStoredDelta(delta));
      if (!applied.ok()) return false;
    }
    replayed.last = r.sequence();
    ++replayed.entries;
    return true;
  }));
  RETURN_IF_ERROR(applied);
  return replayed;
}

}  // namespace

absl::StatusOr<CounterCheckReport> CheckCounters(Database& db, bool repair) {
  return CheckCounters(db, CounterCheckOptions{.mode = CounterCheckMode::kFull, .repair = repair});
}

absl::StatusOr<CounterCheckReport> CheckCounters(Database& db, const CounterCheckOptions& options) {
  CounterCheckReport report;
  DatabaseView view(db);

  Counters rebuilt;
  uint64_t sequence = 0;          // the last entry replayed (or the checkpoint's)
  int64_t entries_in_total = 0;   // every entry the counters reflect
  std::set<std::string> touched;  // kIncremental: the rows the new entries moved
  bool incremental = false;
  if (options.mode == CounterCheckMode::kIncremental) {
    absl::StatusOr<Checkpoint> checkpoint = LoadCheckpoint(view);
    if (checkpoint.ok()) {
      rebuilt = std::move(checkpoint->counters);
      sequence = checkpoint->header.sequence();
      report.checkpoint_sequence = sequence;
      const absl::StatusOr<ReplayedAfter> replayed = ReplayAfter(view, sequence, rebuilt, touched);
      if (replayed.ok()) {
        incremental = true;
        report.incremental = true;
        report.history_entries = replayed->entries;
        entries_in_total = checkpoint->header.history_entries() + replayed->entries;
        sequence = replayed->last;
      } else if (absl::IsDataLoss(replayed.status())) {
        report.fallback = std::string(replayed.status().message());
      } else {
        return replayed.status();
      }
    } else if (absl::IsNotFound(checkpoint.status()) || absl::IsDataLoss(checkpoint.status())) {
      report.fallback = std::string(checkpoint.status().message());
    } else {
      return checkpoint.status();
    }
    if (!incremental) {
      // A database without a checkpoint yet (new, or from before checkpoints) is the usual case
      // and only noted; a checkpoint that cannot be used is worth a warning.
      if (report.fallback == "no checkpoint") {
        spdlog::info("counters: no checkpoint yet; replaying the whole history");
      } else {
        spdlog::warn("the checkpoint of the counters is not used ({}); replaying the whole history",
                     report.fallback);
      }
      rebuilt.clear();
      touched.clear();
      report.checkpoint_sequence = 0;
    }
  }
  if (!incremental) {
    MapCounterAccess access(rebuilt);
    ASSIGN_OR_RETURN(report.history_entries, ReplayAll(view, access, sequence));
    entries_in_total = report.history_entries;
  }
  report.counters = static_cast<int64_t>(rebuilt.size());

  RETURN_IF_ERROR(CompareWithCounters(db, view, rebuilt, options.repair, report));

  if (options.write_checkpoint &&
      (!incremental || !touched.empty() || sequence != report.checkpoint_sequence)) {
    ASSIGN_OR_RETURN(
        report.checkpoint_rows_written,
        WriteCheckpoint(db, rebuilt, sequence, entries_in_total, incremental ? &touched : nullptr));
    report.checkpoint_written = true;
    report.new_checkpoint_sequence = sequence;
  }
  return report;
}

absl::StatusOr<CheckpointAdvance> AdvanceCounterCheckpoint(Database& db) {
  CheckpointAdvance advance;
  const DatabaseView view(db);
  absl::StatusOr<Checkpoint> checkpoint = LoadCheckpoint(view);
  if (absl::IsNotFound(checkpoint.status()) || absl::IsDataLoss(checkpoint.status())) {
    advance.skipped = std::string(checkpoint.status().message());
    return advance;
  }
  RETURN_IF_ERROR(checkpoint.status());
  advance.from_sequence = checkpoint->header.sequence();
  std::set<std::string> touched;
  const absl::StatusOr<ReplayedAfter> replayed =
      ReplayAfter(view, advance.from_sequence, checkpoint->counters, touched);
  if (absl::IsDataLoss(replayed.status())) {
    advance.skipped = std::string(replayed.status().message());
    return advance;
  }
  RETURN_IF_ERROR(replayed.status());
  advance.history_entries = replayed->entries;
  advance.to_sequence = replayed->last;
  if (replayed->entries == 0) {
    advance.skipped = "no entry after the checkpoint";
    return advance;
  }
  ASSIGN_OR_RETURN(
      advance.rows_written,
      WriteCheckpoint(db, checkpoint->counters, replayed->last,
                      checkpoint->header.history_entries() + replayed->entries, &touched));
  advance.advanced = true;
  return advance;
}

const char* CounterCheckModeName(CounterCheckMode mode) {
  return mode == CounterCheckMode::kFull ? "full" : "incremental";
}

std::optional<CounterCheckMode> ParseCounterCheckMode(std::string_view name) {
  if (name == "full") return CounterCheckMode::kFull;
  if (name == "incremental") return CounterCheckMode::kIncremental;
  return std::nullopt;
}

}  // namespace leadrouter::storage
