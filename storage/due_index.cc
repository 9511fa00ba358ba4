#include "storage/due_index.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

std::string DueKey(const DueItem& item) {
  return KeyWriter()
      .I64(item.due_us)
      .Byte(static_cast<uint8_t>(item.kind))
      .String(item.lead)
      .U64(item.id)
      .key();
}

absl::StatusOr<DueItem> ParseDueKey(absl::string_view key) {
  KeyReader reader(key);
  DueItem item;
  ASSIGN_OR_RETURN(item.due_us, reader.I64());
  ASSIGN_OR_RETURN(const uint8_t kind, reader.Byte());
  if (kind != static_cast<uint8_t>(DueKind::kSlaStep) &&
      kind != static_cast<uint8_t>(DueKind::kTask)) {
    return absl::DataLossError(absl::StrCat("due index: unknown kind ", kind));
  }
  item.kind = static_cast<DueKind>(kind);
  ASSIGN_OR_RETURN(item.lead, reader.String());
  ASSIGN_OR_RETURN(item.id, reader.U64());
  if (!reader.done()) return absl::DataLossError("due index: trailing bytes in a key");
  return item;
}

std::vector<DueItem> PendingSlaRows(const v1::Lead& lead) {
  std::vector<DueItem> rows;
  for (const v1::SlaStep& step : lead.sla_steps()) {
    if (!SlaStepPending(lead, step)) continue;
    rows.push_back({TimeUtil::TimestampToMicroseconds(step.due_time()), DueKind::kSlaStep,
                    lead.name(), static_cast<uint64_t>(step.index())});
  }
  return rows;
}

}  // namespace

bool SlaStepPending(const v1::Lead& lead, const v1::SlaStep& step) {
  return step.has_due_time() && !step.has_apply_time() && !lead.has_sla_stop_time();
}

absl::Status UpdateSlaDue(WriteTxn& txn, const v1::Lead* before, const v1::Lead& after) {
  const std::vector<DueItem> was = before ? PendingSlaRows(*before) : std::vector<DueItem>();
  const std::vector<DueItem> now = PendingSlaRows(after);
  for (const DueItem& row : was) {
    if (std::find(now.begin(), now.end(), row) == now.end()) RETURN_IF_ERROR(DeleteDue(txn, row));
  }
  for (const DueItem& row : now) {
    if (std::find(was.begin(), was.end(), row) == was.end()) RETURN_IF_ERROR(PutDue(txn, row));
  }
  return absl::OkStatus();
}

absl::Status PutDue(WriteTxn& txn, const DueItem& item) {
  return txn.Put(ColumnFamily::kDue, DueKey(item), "");
}

absl::Status DeleteDue(WriteTxn& txn, const DueItem& item) {
  return txn.Delete(ColumnFamily::kDue, DueKey(item));
}

absl::StatusOr<bool> HasDue(const ReadView& view, const DueItem& item) {
  ASSIGN_OR_RETURN(const std::optional<std::string> value,
                   view.Get(ColumnFamily::kDue, DueKey(item)));
  return value.has_value();
}

absl::StatusOr<std::vector<DueItem>> ListDue(const ReadView& view, int64_t until_us, size_t limit) {
  std::vector<DueItem> items;
  if (limit == 0) return items;
  // Every key due at or before `until_us` sorts before the first key of the next microsecond.
  const std::string end = until_us == std::numeric_limits<int64_t>::max()
                              ? std::string()
                              : KeyWriter().I64(until_us + 1).key();
  RETURN_IF_ERROR(view.Scan(ColumnFamily::kDue, "", end, ScanOrder::kAscending,
                            [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                              ASSIGN_OR_RETURN(DueItem item, ParseDueKey(key));
                              items.push_back(std::move(item));
                              return items.size() < limit;
                            }));
  return items;
}

absl::StatusOr<uint64_t> CountDue(const ReadView& view) {
  uint64_t count = 0;
  RETURN_IF_ERROR(view.Scan(ColumnFamily::kDue, "", "", ScanOrder::kAscending,
                            [&](absl::string_view, absl::string_view) -> absl::StatusOr<bool> {
                              ++count;
                              return true;
                            }));
  return count;
}

}  // namespace leadrouter::storage
