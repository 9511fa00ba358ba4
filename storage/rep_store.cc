#include "storage/rep_store.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/assignment_store.h"
#include "storage/audit_log.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/status.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {

absl::StatusOr<std::optional<RepRecord>> ReadRep(const ReadView& view, absl::string_view name) {
  return ReadMessage<RepRecord>(view, ColumnFamily::kReps, keys::Rep(name),
                                absl::StrCat("rep ", name));
}

namespace {

// Keeps the version a change replaces (an empty record: the rep did not exist), under the last
// assignment sequence: decisions up to it saw that version.
absl::Status KeepReplacedVersion(WriteTxn& txn, absl::string_view name,
                                 const std::optional<RepRecord>& before) {
  ASSIGN_OR_RETURN(const uint64_t last, LastAssignmentSequence(txn));
  const uint64_t revision = before.has_value() ? before->revision() : 0;
  return WriteMessage(txn, ColumnFamily::kRepVersions, keys::RepVersion(name, last, revision),
                      before.value_or(RepRecord()));
}

}  // namespace

absl::StatusOr<RepRecord> PutRep(WriteTxn& txn, const leadrouter::v1::Rep& rep,
                                 const ChangeInfo& change) {
  if (rep.name().empty()) return absl::InvalidArgumentError("rep name is empty");
  ASSIGN_OR_RETURN(std::optional<RepRecord> before, ReadRep(txn, rep.name()));
  const uint64_t before_revision = before.has_value() ? before->revision() : 0;
  RETURN_IF_ERROR(KeepReplacedVersion(txn, rep.name(), before));
  RepRecord record;
  *record.mutable_rep() = rep;
  record.set_revision(before_revision + 1);
  RETURN_IF_ERROR(WriteMessage(txn, ColumnFamily::kReps, keys::Rep(rep.name()), record));
  RETURN_IF_ERROR(
      AuditChange(txn, change, rep.name(), before_revision, record.revision()).status());
  return record;
}

absl::Status DeleteRep(WriteTxn& txn, absl::string_view name, const ChangeInfo& change) {
  ASSIGN_OR_RETURN(std::optional<RepRecord> before, ReadRep(txn, name));
  if (!before.has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  RETURN_IF_ERROR(KeepReplacedVersion(txn, name, before));
  RETURN_IF_ERROR(txn.Delete(ColumnFamily::kReps, keys::Rep(name)));
  return AuditChange(txn, change, name, before->revision(), 0).status();
}

absl::Status ListReps(const ReadView& view, absl::string_view start_after,
                      absl::FunctionRef<bool(const RepRecord&)> visit) {
  // The smallest key after `start_after` is its key plus a zero byte.
  std::string begin = start_after.empty() ? std::string() : keys::Rep(start_after) + '\0';
  return view.Scan(ColumnFamily::kReps, begin, "", ScanOrder::kAscending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     RepRecord record;
                     RETURN_IF_ERROR(DecodeProto(value, record, "rep"));
                     return visit(record);
                   });
}

absl::StatusOr<std::vector<leadrouter::v1::Rep>> RepsAsOf(const ReadView& view, uint64_t sequence) {
  const std::string from_key(meta_key::kRepVersionsFrom);
  ASSIGN_OR_RETURN(std::optional<std::string> from_value, view.Get(ColumnFamily::kMeta, from_key));
  uint64_t from = 1;
  if (from_value.has_value()) {
    ASSIGN_OR_RETURN(from, DecodeInteger(*from_value, from_key));
  }
  if (sequence < from) {
    return absl::FailedPreconditionError(absl::StrCat(
        "assignment ", sequence, " was decided before the server kept rep versions (from ", from,
        "): its roster cannot be rebuilt"));
  }
  // The current reps, then for each rep the first version replaced by a change committed after
  // the decision (its key's sequence >= `sequence`): the one the decision saw.
  std::map<std::string, std::optional<leadrouter::v1::Rep>> reps;
  RETURN_IF_ERROR(ListReps(view, "", [&](const RepRecord& record) {
    reps[record.rep().name()] = record.rep();
    return true;
  }));
  std::string decided;  // the last rep whose version this scan settled
  RETURN_IF_ERROR(
      view.Scan(ColumnFamily::kRepVersions, "", "", ScanOrder::kAscending,
                [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                  KeyReader reader(key);
                  ASSIGN_OR_RETURN(std::string name, reader.String());
                  ASSIGN_OR_RETURN(const uint64_t last, reader.U64());
                  if (last < sequence || name == decided) return true;
                  RepRecord replaced;
                  RETURN_IF_ERROR(DecodeProto(value, replaced, "rep version"));
                  if (replaced.revision() == 0) {
                    reps[name] = std::nullopt;  // created after the decision
                  } else {
                    reps[name] = replaced.rep();
                  }
                  decided = std::move(name);
                  return true;
                }));
  std::vector<leadrouter::v1::Rep> out;
  for (auto& [name, rep] : reps) {
    if (rep.has_value()) out.push_back(std::move(*rep));
  }
  return out;
}

absl::StatusOr<std::optional<leadrouter::v1::Rep>> RepAsOf(const ReadView& view,
                                                           absl::string_view name,
                                                           uint64_t sequence) {
  std::optional<RepRecord> seen;
  RETURN_IF_ERROR(view.Scan(
      ColumnFamily::kRepVersions, keys::RepVersion(name, sequence, 0), "", ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        KeyReader reader(key);
        ASSIGN_OR_RETURN(const std::string rep, reader.String());
        if (rep != name) return false;
        seen.emplace();
        RETURN_IF_ERROR(DecodeProto(value, *seen, "rep version"));
        return false;
      }));
  if (!seen.has_value()) {
    ASSIGN_OR_RETURN(seen, ReadRep(view, name));
  }
  if (!seen.has_value() || seen->revision() == 0) return std::nullopt;
  return seen->rep();
}

absl::Status MarkRepVersionsStart(Database& db) {
  rocksdb::ColumnFamilyHandle* meta = db.handle(ColumnFamily::kMeta);
  const std::string key(meta_key::kRepVersionsFrom);
  std::string value;
  const rocksdb::Status read = db.raw().Get(rocksdb::ReadOptions(), meta, key, &value);
  if (read.ok()) return absl::OkStatus();
  if (!read.IsNotFound()) return FromRocksDb(read, "read rep_versions_from");
  uint64_t last = 0;
  const rocksdb::Status last_read = db.raw().Get(
      rocksdb::ReadOptions(), meta, std::string(meta_key::kAssignmentSequence), &value);
  if (last_read.ok()) {
    ASSIGN_OR_RETURN(last, DecodeInteger(value, "sequence/assignment"));
  } else if (!last_read.IsNotFound()) {
    return FromRocksDb(last_read, "read the assignment sequence");
  }
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocksDb(db.raw().Put(synced, meta, key, EncodeInteger(last + 1)),
                     "record rep_versions_from");
}

}  // namespace leadrouter::storage
