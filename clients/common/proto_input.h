// Requests built from what an admin types or keeps in files: resource names from bare ids, leads
// from JSON / JSON Lines / CSV files or `--field name=value` flags, reps from roster files
// (dsl/data/dataset.h's readers, so leadctl accepts exactly the files `leadctl dry-run` does).
//
// Errors are InvalidArgument (or the reader's NotFound / PermissionDenied) with a message naming
// the file, line and field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dsl/base/record.h"
#include "dsl/data/dataset.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::client {

// "L1" -> "leads/L1"; a name that already has the prefix is returned as is.
std::string LeadName(absl::string_view id_or_name);
// "ana" -> "reps/ana".
std::string RepName(absl::string_view id_or_name);
// 3 -> "rules/versions/3".
std::string VersionName(int64_t version);
// "3", "v3" or "rules/versions/3" -> 3; InvalidArgument otherwise.
absl::StatusOr<int64_t> ParseVersion(absl::string_view text);

// "phone" (any case, or "CHANNEL_PHONE") -> CHANNEL_PHONE.
absl::StatusOr<v1::Channel> ParseChannel(absl::string_view text);
// "active" / "away" / "off" (any case, or "REP_STATUS_AWAY") -> the status.
absl::StatusOr<v1::RepStatus> ParseRepStatus(absl::string_view text);

// A typed attribute value as the API carries it. Skill maps are not values: InvalidArgument.
absl::StatusOr<v1::Value> ValueFromAttribute(const dsl::AttributeValue& value);

// A lead row (dsl/data/dataset.h) as an API Lead: known fields to Lead fields (channel ->
// preferred_channel, created_at -> create_time), everything else to `attributes`. `score`, which
// the server computes, is left out.
absl::StatusOr<v1::Lead> LeadFromRow(const dsl::LeadRow& row);

// Leads from a file: `.json` (one object, or an array of objects), `.jsonl` or `.csv`, with the
// columns of dsl/data/dataset.h. Times without a zone are taken in UTC.
absl::StatusOr<std::vector<v1::Lead>> ReadLeads(const std::string& path);

// One lead from `name=value` assignments (typed like CSV cells: numbers, true / false, text), plus
// `id` when not empty.
absl::StatusOr<v1::Lead> LeadFromFields(const std::vector<std::string>& fields,
                                        absl::string_view id);

// A roster entry (dsl/data/dataset.h) as an API Rep.
absl::StatusOr<v1::Rep> RepFromInfo(const dsl::RepInfo& info);

// "name=value" (or "name:value") split at the first separator; InvalidArgument without one.
struct NameValue {
  std::string name;
  std::string value;
};
absl::StatusOr<NameValue> SplitAssignment(absl::string_view text);

}  // namespace leadrouter::client
