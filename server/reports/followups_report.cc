// Reports::FollowUps: how fast and how reliably each group's owners followed up the leads they
// received: first contact (wall clock and working time), SLA compliance and breaches, follow-ups
// and the entry's tasks.
#include <algorithm>
#include <cmath>
#include <map>
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

int64_t Micros(const google::protobuf::Timestamp& time) {
  return TimeUtil::TimestampToMicroseconds(time);
}

// The nearest-rank percentile `p` in (0, 1] of `values` (sorted in place); 0 when empty.
int64_t Percentile(std::vector<int64_t>& values, double p) {
  std::sort(values.begin(), values.end());
  return dsl::NearestRankPercentile(values, p);
}

google::protobuf::Duration ToDuration(int64_t micros) {
  return TimeUtil::MicrosecondsToDuration(micros);
}

// The owner's first contact in the span: the follow-up the server marked so.
const v1::FollowUp* FirstContact(const OwnerSpan& span) {
  for (const v1::FollowUp& followup : span.followups) {
    if (followup.first_contact()) return &followup;
  }
  return nullptr;
}

// The step of the entry's SLA chain a breach applied: the last reassign or escalate step due by
// the breach. Reassign when the chain does not say.
v1::SlaAction BreachAction(const v1::Assignment& entry, const v1::Assignment& breach) {
  v1::SlaAction action = v1::SLA_ACTION_REASSIGN;
  for (const v1::SlaStep& step : entry.sla().steps()) {
    const bool moves =
        step.action() == v1::SLA_ACTION_REASSIGN || step.action() == v1::SLA_ACTION_ESCALATE;
    if (moves && step.has_due_time() && Micros(step.due_time()) <= Micros(breach.decide_time())) {
      action = step.action();
    }
  }
  return action;
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
  // Each owner's schedule, read once per call.
  std::map<std::string, dsl::WorkSchedule> schedules;
  const auto schedule_of = [&](const OwnerSpan& span) -> absl::StatusOr<const dsl::WorkSchedule*> {
    const std::string& rep = span.record->assignment().rep();
    auto it = schedules.find(rep);
    if (it != schedules.end()) return &it->second;
    dsl::WorkSchedule schedule = options_.default_schedule;
    if (span.rep != nullptr && span.rep->has_schedule()) {
      absl::StatusOr<dsl::WorkSchedule> own =
          FromWorkScheduleProto(span.rep->schedule(), "rep.schedule");
      if (!own.ok()) {
        return absl::DataLossError(
            absl::StrCat("stored schedule of ", rep, ": ", own.status().message()));
      }
      schedule = *std::move(own);
    }
    return &schedules.emplace(rep, std::move(schedule)).first->second;
  };

  RowTable<Tally> table;
  storage::DatabaseView view(db_);
  RETURN_IF_ERROR(ForEachOwnerSpan(
      view, scope, roster_, SpanNeeds{.end = true, .followups = true},
      [&](const OwnerSpan& span) -> absl::Status {
        const v1::Assignment& entry = span.record->assignment();
        const v1::FollowUp* const first = FirstContact(span);
        // By channel, a lead's row is the channel of its first contact ("" before one).
        GroupValue group = GroupOf(span, scope.group_by);
        if (scope.group_by == v1::GROUP_BY_CHANNEL) {
          const std::string channel = first == nullptr                ? ""
                                      : first->channel_name().empty() ? ChannelKey(first->channel())
                                                                      : first->channel_name();
          group = GroupValue{channel, channel};
        }
        ASSIGN_OR_RETURN(
            Tally* const tally,
            table.At(group, BucketStart(scope.interval, span.start_us, options_.calendar.zone())));
        tally->leads += 1;
        if (first != nullptr) {
          const int64_t contact_us = Micros(first->contact_time());
          const int64_t wall_us = std::max<int64_t>(0, contact_us - span.start_us);
          ASSIGN_OR_RETURN(const dsl::WorkSchedule* const schedule, schedule_of(span));
          ASSIGN_OR_RETURN(const absl::Duration working,
                           dsl::WorkingTimeBetween(absl::FromUnixMicros(span.start_us),
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
        if (entry.has_sla_deadline()) {
          const bool met = first != nullptr && first->within_sla();
          if (met || Micros(entry.sla_deadline()) <= now_us) tally->sla_leads += 1;
          if (met) tally->sla_met += 1;
        }
        for (const v1::Assignment& breach : span.breaches) {
          tally->breaches += 1;
          if (BreachAction(entry, breach) == v1::SLA_ACTION_ESCALATE) {
            tally->breaches_escalated += 1;
          } else {
            tally->breaches_reassigned += 1;
          }
        }
        tally->followups += static_cast<int64_t>(span.followups.size());
        for (const v1::Task& task : span.tasks) {
          const int64_t due_us = Micros(task.due_time());
          if (task.state() == v1::TASK_STATE_DONE) {
            const bool on_time = Micros(task.close_time()) <= due_us;
            (on_time ? tally->tasks_done_on_time : tally->tasks_done_late) += 1;
          } else if (task.state() == v1::TASK_STATE_OPEN && due_us < now_us) {
            tally->tasks_overdue += 1;
          }
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
