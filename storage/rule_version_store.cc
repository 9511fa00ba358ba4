#include "storage/rule_version_store.h"

#include <openssl/sha.h>

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace leadrouter::storage {
namespace {

absl::StatusOr<uint64_t> LastVersion(const ReadView& view) {
  uint64_t last = 0;
  absl::Status status =
      view.Scan(ColumnFamily::kRuleVersions, "", "", ScanOrder::kDescending,
                [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                  KeyReader reader(key);
                  absl::StatusOr<uint64_t> version = reader.U64();
                  if (!version.ok()) return version.status();
                  last = *version;
                  return false;
                });
  if (!status.ok()) return status;
  return last;
}

}  // namespace

std::string ContentHash(absl::string_view source) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(source.data()), source.size(), digest.data());
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(digest.data()), digest.size())));
}

absl::StatusOr<leadrouter::v1::RuleVersion> PublishRuleVersion(WriteTxn& txn,
                                                               leadrouter::v1::RuleVersion version,
                                                               const ChangeInfo& change) {
  absl::StatusOr<uint64_t> active = ReadActiveRuleVersion(txn);
  if (!active.ok()) return active.status();
  absl::StatusOr<uint64_t> last = LastVersion(txn);
  if (!last.ok()) return last.status();
  const uint64_t number = *last + 1;
  version.set_version(static_cast<int64_t>(number));
  version.set_name(absl::StrCat("rules/versions/", number));
  version.set_content_hash(ContentHash(version.source()));
  *version.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(change.now_us);
  version.set_active(false);
  if (absl::Status status =
          WriteMessage(txn, ColumnFamily::kRuleVersions, keys::RuleVersion(number), version);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = txn.Put(ColumnFamily::kMeta, std::string(meta_key::kActiveRuleVersion),
                                    EncodeInteger(number));
      !status.ok()) {
    return status;
  }
  if (absl::StatusOr<uint64_t> audited = AuditChange(txn, change, version.name(), *active, number);
      !audited.ok()) {
    return audited.status();
  }
  version.set_active(true);
  return version;
}

absl::StatusOr<std::optional<leadrouter::v1::RuleVersion>> ReadRuleVersion(const ReadView& view,
                                                                           uint64_t version) {
  absl::StatusOr<std::optional<leadrouter::v1::RuleVersion>> stored =
      ReadMessage<leadrouter::v1::RuleVersion>(view, ColumnFamily::kRuleVersions,
                                               keys::RuleVersion(version),
                                               absl::StrCat("rule version ", version));
  if (!stored.ok() || !stored->has_value()) return stored;
  absl::StatusOr<uint64_t> active = ReadActiveRuleVersion(view);
  if (!active.ok()) return active.status();
  (*stored)->set_active(*active == version);
  return stored;
}

absl::StatusOr<uint64_t> ReadActiveRuleVersion(const ReadView& view) {
  absl::StatusOr<std::optional<std::string>> stored =
      view.Get(ColumnFamily::kMeta, std::string(meta_key::kActiveRuleVersion));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return 0;
  return DecodeInteger(**stored, "active rule version");
}

absl::Status ListRuleVersions(const ReadView& view, uint64_t before,
                              absl::FunctionRef<bool(const leadrouter::v1::RuleVersion&)> visit) {
  absl::StatusOr<uint64_t> active = ReadActiveRuleVersion(view);
  if (!active.ok()) return active.status();
  const std::string end = before == 0 ? std::string() : keys::RuleVersion(before);
  return view.Scan(ColumnFamily::kRuleVersions, "", end, ScanOrder::kDescending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     leadrouter::v1::RuleVersion version;
                     if (absl::Status status = DecodeProto(value, version, "rule version");
                         !status.ok()) {
                       return status;
                     }
                     version.set_active(static_cast<uint64_t>(version.version()) == *active);
                     return visit(version);
                   });
}

}  // namespace leadrouter::storage
