#include "storage/counter_recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

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

class InMemoryCounters final : public CounterAccess {
 public:
  absl::StatusOr<CounterValue> Read(const std::string& key) override {
    const auto it = values_.find(key);
    return it == values_.end() ? CounterValue() : it->second;
  }
  absl::Status Write(const std::string& key, const CounterValue& value) override {
    values_[key] = value;
    return absl::OkStatus();
  }
  const std::map<std::string, CounterValue>& values() const { return values_; }

 private:
  std::map<std::string, CounterValue> values_;
};

std::string Describe(absl::string_view key) {
  absl::StatusOr<CounterKey> decoded = DecodeCounterKey(key);
  return decoded.ok() ? DescribeCounterKey(*decoded) : "undecodable key";
}

std::string Show(const CounterValue& value) { return value.ShortDebugString(); }

}  // namespace

absl::StatusOr<CounterCheckReport> CheckCounters(Database& db, bool repair) {
  CounterCheckReport report;
  DatabaseView view(db);

  // Replay in commit order: sequences are handed out in commit order by the single writer.
  std::vector<std::pair<uint64_t, std::vector<StoredDelta>>> entries;
  RETURN_IF_ERROR(ListAllHistory(view, [&](const HistoryRecord& record) {
    entries.emplace_back(record.sequence(),
                         std::vector<StoredDelta>(record.deltas().begin(), record.deltas().end()));
    return true;
  }));
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  report.history_entries = static_cast<int64_t>(entries.size());
  InMemoryCounters rebuilt;
  for (const auto& [sequence, deltas] : entries) {
    for (const StoredDelta& delta : deltas) {
      RETURN_IF_ERROR(ApplyStateDelta(rebuilt, FromStoredDelta(delta)));
    }
  }
  report.counters = static_cast<int64_t>(rebuilt.values().size());

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

  std::map<std::string, CounterValue>::const_iterator next = rebuilt.values().begin();
  RETURN_IF_ERROR(
      view.Scan(ColumnFamily::kCounters, "", "", ScanOrder::kAscending,
                [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                  // Counters history implies but the column family lacks.
                  for (; next != rebuilt.values().end() && next->first < key; ++next) {
                    disagree(next->first, "absent", &next->second);
                  }
                  CounterValue stored;
                  const absl::Status decoded = DecodeProto(value, stored, "counter");
                  const std::string shown = decoded.ok() ? Show(stored) : "undecodable";
                  if (next != rebuilt.values().end() && next->first == key) {
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
  for (; next != rebuilt.values().end(); ++next) disagree(next->first, "absent", &next->second);

  if (report.disagreements > 0 && repair) {
    rocksdb::WriteOptions synced;
    synced.sync = true;
    RETURN_IF_ERROR(FromRocksDb(db.raw().Write(synced, &fixes), "repair counters"));
    report.repaired = true;
  }
  return report;
}

}  // namespace leadrouter::storage
