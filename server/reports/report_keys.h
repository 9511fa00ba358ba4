// The row a span belongs to: its group (GroupBy) and its time bucket (Interval), and the table of
// rows a report adds spans into, ordered by key value then bucket start.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "leadrouter/v1/reports.pb.h"
#include "server/roster/roster_cache.h"
#include "storage_records.pb.h"

namespace leadrouter::server {

// Reports return at most this many rows (RESOURCE_EXHAUSTED TOO_MANY_ROWS beyond).
inline constexpr size_t kMaxReportRows = 10'000;

// The roster as it is now, by rep name: the labels of rep groups, the owners' schedules.
class CurrentReps {
 public:
  explicit CurrentReps(const RosterCache& roster);
  // Null for a rep removed since.
  const leadrouter::v1::Rep* Find(const std::string& name) const;

 private:
  absl::flat_hash_map<std::string, leadrouter::v1::Rep> reps_;
};

// The group of a span under `group_by`, and its label. Team and level are the owner's at the
// decision; a rep group is labelled with the rep's display name now.
struct GroupValue {
  std::string value;
  std::string label;
};
GroupValue GroupOf(const storage::SpanFact& span, leadrouter::v1::GroupBy group_by,
                   const CurrentReps& reps);
// A channel as keys spell it: the enum value's name without its prefix, "PHONE"; "" for none.
std::string ChannelKey(leadrouter::v1::Channel channel);
// The group of a rep (GROUP_BY_REP) with no span: its name, labelled by its display name.
GroupValue RepGroup(const leadrouter::v1::Rep& rep);

// The start (µs) of the bucket `at_us` falls in, in `zone`; nullopt without an interval. Weeks
// start on Monday.
std::optional<int64_t> BucketStart(leadrouter::v1::Interval interval, int64_t at_us,
                                   const absl::TimeZone& zone);

// RESOURCE_EXHAUSTED naming `group_by`, reason TOO_MANY_ROWS.
absl::Status TooManyReportRows();

// A row's key: the group value, then the bucket start (none sorts first).
using RowKey = std::pair<std::string, std::optional<int64_t>>;

// The rows of a report, each an accumulator `Row`, with the groups' labels.
template <typename Row>
class RowTable {
 public:
  // The row of (group, bucket), created empty; RESOURCE_EXHAUSTED once there would be more than
  // kMaxReportRows.
  absl::StatusOr<Row*> At(const GroupValue& group, std::optional<int64_t> bucket) {
    labels_.try_emplace(group.value, group.label);
    auto [it, added] = rows_.try_emplace(RowKey{group.value, bucket});
    if (added && rows_.size() > kMaxReportRows) return TooManyReportRows();
    return &it->second;
  }
  const std::map<RowKey, Row>& rows() const { return rows_; }
  const std::string& LabelOf(const std::string& value) const { return labels_.at(value); }

 private:
  std::map<RowKey, Row> rows_;
  std::map<std::string, std::string> labels_;
};

// The key of a row as the API returns it.
leadrouter::v1::GroupKey ToGroupKey(leadrouter::v1::GroupBy group_by, const RowKey& key,
                                    const std::string& label);

}  // namespace leadrouter::server
