// Reports::Distribution: leads, quality and value per group, and the Gini of count and quality
// across groups (for reps: across every rep who could have received, see EligibleReps).
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dsl/base/status_macros.h"
#include "dsl/decision/distribution_tally.h"
#include "dsl/decision/dry_run.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/reports/owner_spans.h"
#include "server/reports/report_keys.h"
#include "server/reports/report_scope.h"
#include "server/reports/reports.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

struct Tally {
  int64_t leads = 0;
  double quality_sum = 0;
  int64_t high_quality_leads = 0;
  double value_sum = 0;
  int64_t reassigned_away = 0;

  void Add(const Tally& other) {
    leads += other.leads;
    quality_sum += other.quality_sum;
    high_quality_leads += other.high_quality_leads;
    value_sum += other.value_sum;
    reassigned_away += other.reassigned_away;
  }
};

// The reps who could have received the scope's leads: every rep in the roster that is not OFF
// now, within the filter's reps and team. (A rep who did receive is a group anyway.)
std::vector<v1::Rep> EligibleReps(const RosterCache& roster, const ReportScope& scope) {
  std::vector<v1::Rep> eligible;
  for (v1::Rep& rep : roster.List()) {
    if (rep.status() == v1::REP_STATUS_OFF) continue;
    if (!scope.reps.empty() && !scope.reps.contains(rep.name())) continue;
    if (!scope.team.empty() && rep.team() != scope.team) continue;
    eligible.push_back(std::move(rep));
  }
  return eligible;
}

v1::DistributionRow ToRow(const Tally& tally, int64_t total_leads) {
  v1::DistributionRow row;
  row.set_leads(tally.leads);
  row.set_share(total_leads == 0 ? 0 : static_cast<double>(tally.leads) / total_leads);
  row.set_quality_sum(tally.quality_sum);
  const double leads = static_cast<double>(tally.leads);
  row.set_quality_mean(tally.leads == 0 ? 0 : tally.quality_sum / leads);
  row.set_high_quality_leads(tally.high_quality_leads);
  row.set_high_quality_share(tally.leads == 0 ? 0 : tally.high_quality_leads / leads);
  row.set_value_sum(tally.value_sum);
  row.set_reassigned_away(tally.reassigned_away);
  return row;
}

// Gini of count and quality over `groups`, each group's tally taken from `of` (absent: zero).
template <typename TallyOf>
std::pair<double, double> GiniOver(const std::set<std::string>& groups, TallyOf of) {
  std::vector<double> counts;
  std::vector<double> quality;
  for (const std::string& group : groups) {
    const Tally tally = of(group);
    counts.push_back(static_cast<double>(tally.leads));
    quality.push_back(tally.quality_sum);
  }
  return {dsl::Gini(std::move(counts)), dsl::Gini(std::move(quality))};
}

}  // namespace

absl::StatusOr<v1::DistributionResponse> Reports::Distribution(
    const v1::DistributionRequest& request) const {
  const int64_t now_us = absl::ToUnixMicros(clock_.Now());
  ASSIGN_OR_RETURN(const ReportScope scope, CheckReportScope(request.filter(), request.group_by(),
                                                             request.interval(), roster_, now_us));
  const double threshold =
      request.has_high_quality_threshold() ? request.high_quality_threshold() : dsl::kHighQuality;
  if (!std::isfinite(threshold)) {
    return InvalidField("high_quality_threshold", "must be a finite number");
  }

  RowTable<Tally> table;
  const CurrentReps reps(roster_);
  std::string group_scratch;
  storage::DatabaseView view(db_);
  RETURN_IF_ERROR(ForEachOwnerSpan(view, scope, [&](const storage::SpanFact& span) -> absl::Status {
    ASSIGN_OR_RETURN(
        Tally* const tally,
        table.At(GroupOf(span, scope.group_by, reps, group_scratch),
                 BucketStart(scope.interval, span.decide_us(), options_.calendar.zone())));
    const double quality = span.has_quality() ? span.quality() : 0;
    tally->leads += 1;
    tally->quality_sum += quality;
    if (quality >= threshold) tally->high_quality_leads += 1;
    tally->value_sum += span.has_value() ? span.value() : 0;
    if (span.end_kind() != v1::ASSIGNMENT_KIND_UNSPECIFIED &&
        span.end_kind() != v1::ASSIGNMENT_KIND_CLOSE) {
      tally->reassigned_away += 1;
    }
    return absl::OkStatus();
  }));

  // The groups fairness is measured over: every group with leads, and for reps every eligible
  // rep, with zeros (a rep who received nothing is the unfairness the index must show).
  std::set<std::string> groups;
  for (const auto& [key, tally] : table.rows()) groups.insert(key.first);
  if (scope.group_by == v1::GROUP_BY_REP) {
    for (const v1::Rep& rep : EligibleReps(roster_, scope)) {
      groups.insert(rep.name());
      if (scope.interval == v1::INTERVAL_UNSPECIFIED) {
        ASSIGN_OR_RETURN(Tally* const unused, table.At(RepGroup(rep), std::nullopt));
        static_cast<void>(unused);
      }
    }
  }

  Tally total;
  std::map<std::string, Tally> by_group;
  std::map<int64_t, std::map<std::string, Tally>> by_bucket;
  for (const auto& [key, tally] : table.rows()) {
    total.Add(tally);
    by_group[key.first].Add(tally);
    if (key.second.has_value()) by_bucket[*key.second][key.first].Add(tally);
  }

  v1::DistributionResponse response;
  for (const auto& [key, tally] : table.rows()) {
    v1::DistributionRow& row = *response.add_rows();
    row = ToRow(tally, total.leads);
    *row.mutable_key() = ToGroupKey(scope.group_by, key, table.LabelOf(key.first));
  }
  *response.mutable_total() = ToRow(total, total.leads);
  response.mutable_total()->mutable_key()->set_group_by(scope.group_by);
  const auto tally_in = [](const std::map<std::string, Tally>& tallies) {
    return [&tallies](const std::string& group) {
      const auto it = tallies.find(group);
      return it == tallies.end() ? Tally{} : it->second;
    };
  };
  const auto [gini_count, gini_quality] = GiniOver(groups, tally_in(by_group));
  response.set_gini_count(gini_count);
  response.set_gini_quality(gini_quality);
  response.set_high_quality_threshold(threshold);
  for (const auto& [bucket, tallies] : by_bucket) {
    const auto [count, quality] = GiniOver(groups, tally_in(tallies));
    v1::BucketFairness& fairness = *response.add_fairness_by_bucket();
    *fairness.mutable_bucket_start() = TimeUtil::MicrosecondsToTimestamp(bucket);
    fairness.set_gini_count(count);
    fairness.set_gini_quality(quality);
  }
  return response;
}

}  // namespace leadrouter::server
