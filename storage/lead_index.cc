#include "storage/lead_index.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/layout.h"
#include "storage/lead_store.h"
#include "storage/status.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

absl::string_view IndexName(LeadIndex index) {
  switch (index) {
    case LeadIndex::kAll:
      return "all";
    case LeadIndex::kOwner:
      return "owner";
    case LeadIndex::kState:
      return "state";
    case LeadIndex::kSource:
      return "source";
  }
  return "all";
}

std::string Prefix(LeadIndex index, absl::string_view value) {
  return KeyWriter().String(IndexName(index)).String(value).key();
}

std::string Key(LeadIndex index, absl::string_view value, int64_t receive_us,
                absl::string_view lead) {
  return KeyWriter(Prefix(index, value)).I64(receive_us).String(lead).key();
}

int64_t ReceiveMicros(const v1::Lead& lead) {
  return lead.has_receive_time() ? TimeUtil::TimestampToMicroseconds(lead.receive_time()) : 0;
}

}  // namespace

std::string LeadStateIndexValue(v1::LeadState state) {
  return std::string(v1::LeadState_Name(state).substr(sizeof("LEAD_STATE_") - 1));
}

std::vector<std::string> LeadIndexKeys(const v1::Lead& lead) {
  const int64_t at = ReceiveMicros(lead);
  std::vector<std::string> keys;
  keys.push_back(Key(LeadIndex::kAll, "", at, lead.name()));
  if (!lead.owner().empty()) keys.push_back(Key(LeadIndex::kOwner, lead.owner(), at, lead.name()));
  keys.push_back(Key(LeadIndex::kState, LeadStateIndexValue(lead.state()), at, lead.name()));
  if (!lead.source().empty()) {
    keys.push_back(Key(LeadIndex::kSource, lead.source(), at, lead.name()));
  }
  return keys;
}

absl::Status UpdateLeadIndex(WriteTxn& txn, const v1::Lead* before, const v1::Lead& after) {
  const std::vector<std::string> now = LeadIndexKeys(after);
  if (before != nullptr) {
    for (const std::string& key : LeadIndexKeys(*before)) {
      if (std::find(now.begin(), now.end(), key) == now.end()) {
        RETURN_IF_ERROR(txn.Delete(ColumnFamily::kLeadIndex, key));
      }
    }
  }
  for (const std::string& key : now) RETURN_IF_ERROR(txn.Put(ColumnFamily::kLeadIndex, key, ""));
  return absl::OkStatus();
}

absl::Status ScanLeadIndex(
    const ReadView& view, LeadIndex index, absl::string_view value, int64_t from_us, int64_t to_us,
    const std::optional<LeadIndexPosition>& after,
    absl::FunctionRef<absl::StatusOr<bool>(const LeadIndexPosition&)> visit) {
  const std::string prefix = Prefix(index, value);
  const std::string begin = KeyWriter(prefix).I64(from_us).key();
  std::string end = KeyWriter(prefix).I64(to_us).key();
  if (after.has_value()) {
    end = std::min(end, Key(index, value, after->receive_us, after->lead));
  }
  return view.Scan(ColumnFamily::kLeadIndex, begin, end, ScanOrder::kDescending,
                   [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                     KeyReader reader(key.substr(prefix.size()));
                     LeadIndexPosition position;
                     ASSIGN_OR_RETURN(position.receive_us, reader.I64());
                     ASSIGN_OR_RETURN(position.lead, reader.String());
                     return visit(position);
                   });
}

absl::StatusOr<int64_t> BuildLeadIndexIfMissing(Database& db) {
  rocksdb::ColumnFamilyHandle* meta = db.handle(ColumnFamily::kMeta);
  const std::string marker(meta_key::kLeadIndexBuilt);
  std::string stored;
  const rocksdb::Status found = db.raw().Get(rocksdb::ReadOptions(), meta, marker, &stored);
  if (found.ok()) return 0;
  if (!found.IsNotFound()) return FromRocksDb(found, "read the lead index marker");

  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* index = db.handle(ColumnFamily::kLeadIndex);
  int64_t leads = 0;
  DatabaseView view(db);
  RETURN_IF_ERROR(ListLeads(view, "", [&](const LeadRecord& record) {
    for (const std::string& key : LeadIndexKeys(record.lead())) (void)batch.Put(index, key, "");
    ++leads;
    return true;
  }));
  (void)batch.Put(meta, marker, EncodeInteger(1));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  RETURN_IF_ERROR(FromRocksDb(db.raw().Write(synced, &batch), "build the lead index"));
  if (leads > 0) spdlog::info("lead index built at open: {} leads indexed", leads);
  return leads;
}

}  // namespace leadrouter::storage
