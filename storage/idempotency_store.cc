#include "storage/idempotency_store.h"

#include <algorithm>
#include <string>
#include <vector>

#include "dsl/base/status_macros.h"
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

absl::StatusOr<int64_t> PurgeIdempotency(Storage& storage, int64_t cutoff_us, size_t batch_size) {
  std::vector<std::string> expired;
  {
    DatabaseView view(storage.database());
    RETURN_IF_ERROR(view.Scan(
        ColumnFamily::kIdempotency, "", "", ScanOrder::kAscending,
        [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
          IdempotencyRecord record;
          RETURN_IF_ERROR(DecodeProto(value, record, "idempotency record"));
          if (google::protobuf::util::TimeUtil::TimestampToMicroseconds(record.create_time()) <
              cutoff_us) {
            expired.emplace_back(key);
          }
          return true;
        }));
  }
  const size_t step = std::max<size_t>(1, batch_size);
  for (size_t begin = 0; begin < expired.size(); begin += step) {
    const size_t end = std::min(expired.size(), begin + step);
    RETURN_IF_ERROR(storage.commits().Commit([&](WriteTxn& txn) -> absl::Status {
      for (size_t i = begin; i < end; ++i) {
        RETURN_IF_ERROR(txn.Delete(ColumnFamily::kIdempotency, expired[i]));
      }
      return absl::OkStatus();
    }));
  }
  return static_cast<int64_t>(expired.size());
}

}  // namespace leadrouter::storage
