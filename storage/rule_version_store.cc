#include "storage/rule_version_store.h"

#include <openssl/sha.h>

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace leadrouter::storage {
namespace {

absl::StatusOr<uint64_t> LastVersion(const ReadView& view) {
  uint64_t last = 0;
  RETURN_IF_ERROR(view.Scan(ColumnFamily::kRuleVersions, "", "", ScanOrder::kDescending,
                            [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                              KeyReader reader(key);
                              ASSIGN_OR_RETURN(uint64_t version, reader.U64());
                              last = version;
                              return false;
                            }));
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
  ASSIGN_OR_RETURN(uint64_t active, ReadActiveRuleVersion(txn));
  ASSIGN_OR_RETURN(uint64_t last, LastVersion(txn));
  const uint64_t number = last + 1;
  version.set_version(static_cast<int64_t>(number));
  version.set_name(absl::StrCat("rules/versions/", number));
  version.set_content_hash(ContentHash(version.source()));
  *version.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(change.now_us);
  version.set_active(false);
  RETURN_IF_ERROR(
      WriteMessage(txn, ColumnFamily::kRuleVersions, keys::RuleVersion(number), version));
  RETURN_IF_ERROR(txn.Put(ColumnFamily::kMeta, std::string(meta_key::kActiveRuleVersion),
                          EncodeInteger(number)));
  RETURN_IF_ERROR(AuditChange(txn, change, version.name(), active, number).status());
  version.set_active(true);
  return version;
}

absl::StatusOr<std::optional<leadrouter::v1::RuleVersion>> ReadRuleVersion(const ReadView& view,
                                                                           uint64_t version) {
  ASSIGN_OR_RETURN(std::optional<leadrouter::v1::RuleVersion> stored,
                   ReadMessage<leadrouter::v1::RuleVersion>(
                       view, ColumnFamily::kRuleVersions, keys::RuleVersion(version),
                       absl::StrCat("rule version ", version)));
  if (!stored.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(const uint64_t active, ReadActiveRuleVersion(view));
  stored->set_active(active == version);
  return stored;
}

absl::StatusOr<uint64_t> ReadActiveRuleVersion(const ReadView& view) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   view.Get(ColumnFamily::kMeta, std::string(meta_key::kActiveRuleVersion)));
  if (!stored.has_value()) return 0;
  return DecodeInteger(*stored, "active rule version");
}

absl::Status ListRuleVersions(const ReadView& view, uint64_t before,
                              absl::FunctionRef<bool(const leadrouter::v1::RuleVersion&)> visit) {
  ASSIGN_OR_RETURN(uint64_t active, ReadActiveRuleVersion(view));
  const std::string end = before == 0 ? std::string() : keys::RuleVersion(before);
  return view.Scan(ColumnFamily::kRuleVersions, "", end, ScanOrder::kDescending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     leadrouter::v1::RuleVersion version;
                     RETURN_IF_ERROR(DecodeProto(value, version, "rule version"));
                     version.set_active(static_cast<uint64_t>(version.version()) == active);
                     return visit(version);
                   });
}

}  // namespace leadrouter::storage
