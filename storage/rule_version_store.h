// Rule versions: column family `rule_versions`, keyed by version number (1, 2, ...), plus the
// active version in `meta`.
//
// Versions are immutable and never deleted. Publishing stores the source with its author, message,
// time and content hash, makes it active and audits the change (before/after = the active version
// before and after), all in one change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leadrouter/v1/rules.pb.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

// "sha256:" + 64 lowercase hex digits of `source`.
std::string ContentHash(absl::string_view source);

// Stores `version` as the next version number and makes it active. Its `version`, `name`,
// `content_hash` and `create_time` (= change.now_us) are set here; `active` is not stored (it is
// derived from meta). The author is `version.author()`. Returns the version as stored.
[[nodiscard]] absl::StatusOr<leadrouter::v1::RuleVersion> PublishRuleVersion(
    WriteTxn& txn, leadrouter::v1::RuleVersion version, const ChangeInfo& change);

// The stored version, nullopt when absent; `active` filled in.
[[nodiscard]] absl::StatusOr<std::optional<leadrouter::v1::RuleVersion>> ReadRuleVersion(
    const ReadView& view, uint64_t version);

// The active version number; 0 when none was published.
[[nodiscard]] absl::StatusOr<uint64_t> ReadActiveRuleVersion(const ReadView& view);

// Visits versions newest first, starting below `before` (0: from the newest).
[[nodiscard]] absl::Status ListRuleVersions(
    const ReadView& view, uint64_t before,
    absl::FunctionRef<bool(const leadrouter::v1::RuleVersion&)> visit);

}  // namespace leadrouter::storage
