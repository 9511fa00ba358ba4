#include "storage/idempotency_store.h"

#include <string>
#include <vector>

#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace leadrouter::storage {

absl::StatusOr<std::optional<IdempotencyRecord>> ReadIdempotency(const ReadView& view,
                                                                 absl::string_view scope,
                                                                 absl::string_view key) {
  return ReadMessage<IdempotencyRecord>(view, ColumnFamily::kIdempotency,
                                        keys::Idempotency(scope, key), "idempotency record");
}

absl::Status WriteIdempotency(WriteTxn& txn, absl::string_view scope, absl::string_view key,
                              const IdempotencyRecord& record) {
  return WriteMessage(txn, ColumnFamily::kIdempotency, keys::Idempotency(scope, key), record);
}

absl::StatusOr<int64_t> PurgeIdempotency(WriteTxn& txn, int64_t cutoff_us) {
  std::vector<std::string> expired;
  absl::Status scanned = txn.Scan(
      ColumnFamily::kIdempotency, "", "", ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        IdempotencyRecord record;
        if (absl::Status status = DecodeProto(value, record, "idempotency record"); !status.ok()) {
          return status;
        }
        if (google::protobuf::util::TimeUtil::TimestampToMicroseconds(record.create_time()) <
            cutoff_us) {
          expired.emplace_back(key);
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  for (const std::string& key : expired) {
    if (absl::Status status = txn.Delete(ColumnFamily::kIdempotency, key); !status.ok()) {
      return status;
    }
  }
  return static_cast<int64_t>(expired.size());
}

}  // namespace leadrouter::storage
