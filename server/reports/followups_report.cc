// Reports::FollowUps: how fast and how reliably each group's owners followed up the leads they
// received: first contact (wall clock and working time), SLA compliance and breaches, follow-ups
// and the entry's tasks.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/percentile.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/plan_proto.h"
#include "server/reports/owner_spans.h"
#include "server/reports/report_keys.h"
#include "server/reports/report_scope.h"
#include "server/reports/reports.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

constexpr int64_t kMicrosPerHour = int64_t{3600} * 1'000'000;

struct Tally {
  int64_t leads = 0;
  int64_t contacted = 0;
  int64_t sla_leads = 0;
  int64_t sla_met = 0;
  int64_t breaches = 0;
  int64_t breaches_reassigned = 0;
  int64_t breaches_escalated = 0;
  int64_t followups = 0;
  int64_t tasks_done_on_time = 0;
  int64_t tasks_done_late = 0;
  int64_t tasks_overdue = 0;
  int64_t under_1h = 0;
  int64_t from_1h_to_8h = 0;
  int64_t from_8h_to_24h = 0;
  int64_t from_24h = 0;
  // Time to first contact of each contacted lead, µs.
  std::vector<int64_t> wall_us;
  std::vector<int64_t> working_us;

  void Add(const Tally& other) {
    leads += other.leads;
    contacted += other.contacted;
    sla_leads += other.sla_leads;
    sla_met += other.sla_met;
    breaches += other.breaches;
    breaches_reassigned += other.breaches_reassigned;
    breaches_escalated += other.breaches_escalated;
    followups += other.followups;
    tasks_done_on_time += other.tasks_done_on_time;
    tasks_done_late += other.tasks_done_late;
    tasks_overdue += other.tasks_overdue;
    under_1h += other.under_1h;
    from_1h_to_8h += other.from_1h_to_8h;
    from_8h_to_24h += other.from_8h_to_24h;
    from_24h += other.from_24h;
    wall_us.insert(wall_us.end(), other.wall_us.begin(), other.wall_us.end());
    working_us.insert(working_us.end(), other.working_us.begin(), other.working_us.end());
  }
};

// The nearest-rank percentile `p` in (0, 1] of `values` (sorted in place); 0 when empty.
int64_t Percentile(std::vector<int64_t>& values, double p) {
  std::sort(values.begin(), values.end());
  return dsl::NearestRankPercentile(values, p);
}

google::protobuf::Duration ToDuration(int64_t micros) {
  return TimeUtil::MicrosecondsToDuration(micros);
}

// A follow-up channel as a row's key spells it: the custom channel's name, else ChannelKey.
absl::string_view ChannelOf(v1::Channel channel, const std::string& name) {
  return name.empty() ? ChannelKey(channel) : absl::string_view(name);
}

v1::FollowUpsRow ToRow(Tally& tally) {
  v1::FollowUpsRow row;
  row.set_leads(tally.leads);
  row.set_contacted(tally.contacted);
  row.set_contact_rate(tally.leads == 0 ? 0
                                        : static_cast<double>(tally.contacted) /
                                              static_cast<double>(tally.leads));
  if (!tally.wall_us.empty()) {
    int64_t sum = 0;
    for (const int64_t us : tally.wall_us) sum += us;
    *row.mutable_first_contact_mean() =
        ToDuration(sum / static_cast<int64_t>(tally.wall_us.size()));
    *row.mutable_first_contact_median() = ToDuration(Percentile(tally.wall_us, 0.5));
    *row.mutable_first_contact_p90() = ToDuration(Percentile(tally.wall_us, 0.9));
    *row.mutable_first_contact_working_median() = ToDuration(Percentile(tally.working_us, 0.5));
    *row.mutable_first_contact_working_p90() = ToDuration(Percentile(tally.working_us, 0.9));
  }
  row.set_sla_leads(tally.sla_leads);
  row.set_sla_met(tally.sla_met);
  row.set_sla_compliance(tally.sla_leads == 0 ? 1
                                              : static_cast<double>(tally.sla_met) /
                                                    static_cast<double>(tally.sla_leads));
  row.set_breaches(tally.breaches);
  row.set_breaches_reassigned(tally.breaches_reassigned);
  row.set_breaches_escalated(tally.breaches_escalated);
  row.set_followups(tally.followups);
  row.set_tasks_done_on_time(tally.tasks_done_on_time);
  row.set_tasks_done_late(tally.tasks_done_late);
  row.set_tasks_overdue(tally.tasks_overdue);
  row.set_first_contact_under_1h(tally.under_1h);
  row.set_first_contact_1h_to_8h(tally.from_1h_to_8h);
  row.set_first_contact_8h_to_24h(tally.from_8h_to_24h);
  row.set_first_contact_24h_or_more(tally.from_24h);
  return row;
}

}  // namespace

absl::StatusOr<v1::FollowUpsResponse> Reports::FollowUps(
    const v1::FollowUpsRequest& request) const {
  const int64_t now_us = absl::ToUnixMicros(clock_.Now());
  ASSIGN_OR_RETURN(const ReportScope scope, CheckReportScope(request.filter(), request.group_by(),
                                                             request.interval(), roster_, now_us));
  // Each owner's schedule (as the roster has it now), read once per call.
  const CurrentReps reps(roster_);
  std::map<std::string, dsl::WorkSchedule> schedules;
  const auto schedule_of = [&](const std::string& rep) -> absl::StatusOr<const dsl::WorkSchedule*> {
    auto it = schedules.find(rep);
    if (it != schedules.end()) return &it->second;
    dsl::WorkSchedule schedule = options_.default_schedule;
    const v1::Rep* const current = reps.Find(rep);
    if (current != nullptr && current->has_schedule()) {
      absl::StatusOr<dsl::WorkSchedule> own =
          FromWorkScheduleProto(current->schedule(), "rep.schedule");
      if (!own.ok()) {
        return absl::DataLossError(
            absl::StrCat("stored schedule of ", rep, ": ", own.status().message()));
      }
      schedule = *std::move(own);
    }
    return &schedules.emplace(rep, std::move(schedule)).first->second;
  };

  RowTable<Tally> table;
  std::string group_scratch;
  storage::DatabaseView view(db_);
  RETURN_IF_ERROR(ForEachOwnerSpan(view, scope, [&](const storage::SpanFact& span) -> absl::Status {
    const std::optional<int64_t> bucket =
        BucketStart(scope.interval, span.decide_us(), options_.calendar.zone());
    const bool contacted = span.has_first_contact_us();
    // By channel, a lead's row is the channel of its first contact ("" before one), and each
    // follow-up counts in the row of its own channel.
    const bool by_channel = scope.group_by == v1::GROUP_BY_CHANNEL;
    GroupValue group = GroupOf(span, scope.group_by, reps, group_scratch);
    if (by_channel) {
      const absl::string_view channel =
          contacted ? ChannelOf(span.first_contact_channel(), span.first_contact_channel_name())
                    : absl::string_view();
      group = GroupValue{channel, channel};
    }
    ASSIGN_OR_RETURN(Tally* const tally, table.At(group, bucket));
    tally->leads += 1;
    if (contacted) {
      const int64_t contact_us = span.first_contact_us();
      const int64_t wall_us = std::max<int64_t>(0, contact_us - span.decide_us());
      ASSIGN_OR_RETURN(const dsl::WorkSchedule* const schedule, schedule_of(span.rep()));
      ASSIGN_OR_RETURN(const absl::Duration working,
                       dsl::WorkingTimeBetween(absl::FromUnixMicros(span.decide_us()),
                                               absl::FromUnixMicros(contact_us), *schedule,
                                               options_.work_time_limits));
      tally->contacted += 1;
      tally->wall_us.push_back(wall_us);
      tally->working_us.push_back(absl::ToInt64Microseconds(working));
      if (wall_us < kMicrosPerHour) {
        tally->under_1h += 1;
      } else if (wall_us < 8 * kMicrosPerHour) {
        tally->from_1h_to_8h += 1;
      } else if (wall_us < 24 * kMicrosPerHour) {
        tally->from_8h_to_24h += 1;
      } else {
        tally->from_24h += 1;
      }
    }
    if (span.has_sla_deadline_us()) {
      const bool met = contacted && span.first_contact_within_sla();
      if (met || span.sla_deadline_us() <= now_us) tally->sla_leads += 1;
      if (met) tally->sla_met += 1;
    }
    tally->breaches += span.breaches_reassigned() + span.breaches_escalated();
    tally->breaches_reassigned += span.breaches_reassigned();
    tally->breaches_escalated += span.breaches_escalated();
    for (const storage::SpanFact::TaskFact& task : span.tasks()) {
      if (task.state() == v1::TASK_STATE_DONE) {
        (task.close_us() <= task.due_us() ? tally->tasks_done_on_time : tally->tasks_done_late) +=
            1;
      } else if (task.state() == v1::TASK_STATE_OPEN && task.due_us() < now_us) {
        tally->tasks_overdue += 1;
      }
    }
    for (const storage::SpanFact::ChannelCount& count : span.followups()) {
      if (!by_channel) {
        tally->followups += count.count();
        continue;
      }
      const absl::string_view channel = ChannelOf(count.channel(), count.channel_name());
      ASSIGN_OR_RETURN(Tally* const of_channel, table.At(GroupValue{channel, channel}, bucket));
      of_channel->followups += count.count();
    }
    return absl::OkStatus();
  }));

  v1::FollowUpsResponse response;
  Tally total;
  for (const auto& [key, tally] : table.rows()) total.Add(tally);
  for (const auto& [key, tally] : table.rows()) {
    Tally shown = tally;
    v1::FollowUpsRow& row = *response.add_rows();
    row = ToRow(shown);
    *row.mutable_key() = ToGroupKey(scope.group_by, key, table.LabelOf(key.first));
  }
  *response.mutable_total() = ToRow(total);
  response.mutable_total()->mutable_key()->set_group_by(scope.group_by);
  return response;
}

}  // namespace leadrouter::server
