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
#include "absl/strings/string_view.h"
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

// A group's value and its label, viewed: the strings live in the span, the roster, the enum's
// static names or the caller's scratch string, and RowTable::At copies them only for a new group.
// (A report visits a million spans: a copy of each span's key was most of its grouping's cost.)
struct GroupValue {
  absl::string_view value;
  absl::string_view label;
};
// The group of a span under `group_by`, and its label. Team and level are the owner's at the
// decision; a rep group is labelled with the rep's display name now. A value spelled from numbers
// (a level, an unnamed rule) is written into `scratch`, which must outlive the result's use.
GroupValue GroupOf(const storage::SpanFact& span, leadrouter::v1::GroupBy group_by,
                   const CurrentReps& reps, std::string& scratch);
// A channel as keys spell it: the enum value's name without its prefix, "PHONE"; "" for none.
absl::string_view ChannelKey(leadrouter::v1::Channel channel);
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
  // kMaxReportRows. A group's label is the one it was first seen with.
  absl::StatusOr<Row*> At(const GroupValue& group, std::optional<int64_t> bucket) {
    // A hash lookup by the viewed value, no string built: the ordered map is touched only by a
    // new row (its nodes stay put, so the index keeps pointers to them).
    auto group_it = groups_.find(group.value);
    if (group_it == groups_.end()) {
      group_it = groups_.try_emplace(group.value).first;
      group_it->second.label = std::string(group.label);
    }
    Group& of_group = group_it->second;
    const auto row_it = of_group.rows.find(bucket);
    if (row_it != of_group.rows.end()) return row_it->second;
    if (rows_.size() >= kMaxReportRows) return TooManyReportRows();
    Row* const row = &rows_.try_emplace(RowKey{std::string(group.value), bucket}).first->second;
    of_group.rows.emplace(bucket, row);
    return row;
  }
  const std::map<RowKey, Row>& rows() const { return rows_; }
  const std::string& LabelOf(const std::string& value) const { return groups_.at(value).label; }

 private:
  struct Group {
    std::string label;
    absl::flat_hash_map<std::optional<int64_t>, Row*> rows;  // by bucket start, into rows_
  };
  std::map<RowKey, Row> rows_;
  absl::flat_hash_map<std::string, Group> groups_;  // absl's string hash takes a string_view
};

// The key of a row as the API returns it.
leadrouter::v1::GroupKey ToGroupKey(leadrouter::v1::GroupBy group_by, const RowKey& key,
                                    const std::string& label);

}  // namespace leadrouter::server
