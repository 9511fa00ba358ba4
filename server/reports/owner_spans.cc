#include "server/reports/owner_spans.h"

#include <limits>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/assignment_store.h"
#include "storage/followup_store.h"
#include "storage/lead_store.h"
#include "storage/task_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// An entry that made `rep` the lead's owner: a new owner, or a manager approving a proposal.
bool MadeOwner(const v1::Assignment& entry) {
  if (entry.outcome() != v1::OUTCOME_ASSIGNED || entry.rep().empty()) return false;
  return entry.kind() == v1::ASSIGNMENT_KIND_REVIEW || entry.rep() != entry.previous_rep();
}

// Whether `later` took the lead from `owner`.
bool EndsOwnership(const v1::Assignment& later, const std::string& owner) {
  if (later.kind() == v1::ASSIGNMENT_KIND_CLOSE || later.kind() == v1::ASSIGNMENT_KIND_RELEASE) {
    return true;
  }
  const bool has_rep =
      later.outcome() == v1::OUTCOME_ASSIGNED || later.outcome() == v1::OUTCOME_PENDING_REVIEW;
  return has_rep && later.rep() != owner;
}

bool InScope(const ReportScope& scope, const v1::Assignment& entry, const v1::Rep* rep) {
  if (!scope.kinds.contains(entry.kind())) return false;
  if (!scope.reps.empty() && !scope.reps.contains(entry.rep())) return false;
  if (!scope.team.empty() && (rep == nullptr || rep->team() != scope.team)) return false;
  if (!scope.rules.empty() && !scope.rules.contains(entry.rule().name())) return false;
  if (!scope.rule_versions.empty() && !scope.rule_versions.contains(entry.rule_version())) {
    return false;
  }
  return true;
}

// The rest of the span after the lead's history: its end and its breaches.
absl::Status FillFromHistory(const storage::ReadView& view, const storage::HistoryRecord& record,
                             OwnerSpan& span) {
  const std::string& owner = record.assignment().rep();
  return storage::ListLeadHistory(
      view, record.assignment().lead(), [&](const storage::HistoryRecord& later) {
        if (later.sequence() <= record.sequence()) return true;
        const v1::Assignment& entry = later.assignment();
        if (entry.kind() == v1::ASSIGNMENT_KIND_SLA_BREACH && entry.previous_rep() == owner) {
          span.breaches.push_back(entry);
        }
        if (!EndsOwnership(entry, owner)) return true;
        span.end = entry;
        return false;
      });
}

absl::Status FillFollowUps(const storage::ReadView& view, const storage::HistoryRecord& record,
                           OwnerSpan& span) {
  const v1::Assignment& entry = record.assignment();
  const int64_t end_us = span.end.has_value()
                             ? TimeUtil::TimestampToMicroseconds(span.end->decide_time())
                             : std::numeric_limits<int64_t>::max();
  RETURN_IF_ERROR(
      storage::ListLeadFollowUps(view, entry.lead(), [&](uint64_t, const v1::FollowUp& followup) {
        const int64_t at_us = TimeUtil::TimestampToMicroseconds(followup.create_time());
        if (followup.rep() == entry.rep() && at_us >= span.start_us && at_us <= end_us) {
          span.followups.push_back(followup);
        }
        return true;
      }));
  return storage::ListLeadTasks(view, entry.lead(),
                                [&](uint64_t, const v1::Task& task) -> absl::StatusOr<bool> {
                                  if (task.assignment() == entry.name()) span.tasks.push_back(task);
                                  return true;
                                });
}

}  // namespace

absl::Status ForEachOwnerSpan(const storage::ReadView& view, const ReportScope& scope,
                              const RosterCache& roster, SpanNeeds needs,
                              absl::FunctionRef<absl::Status(const OwnerSpan&)> visit) {
  std::map<std::string, v1::Rep> reps;
  for (v1::Rep& rep : roster.List()) {
    const std::string name = rep.name();
    reps.emplace(name, std::move(rep));
  }
  absl::Status failed;
  RETURN_IF_ERROR(storage::ListTimeHistory(
      view, scope.start_us, scope.end_us, storage::ScanOrder::kAscending,
      [&](const storage::HistoryRecord& record) {
        const v1::Assignment& entry = record.assignment();
        if (!MadeOwner(entry)) return true;
        const auto rep = reps.find(entry.rep());
        OwnerSpan span;
        span.rep = rep == reps.end() ? nullptr : &rep->second;
        if (!InScope(scope, entry, span.rep)) return true;
        failed = [&]() -> absl::Status {
          ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> lead,
                           storage::ReadLead(view, entry.lead()));
          if (!lead.has_value()) {
            return absl::DataLossError(
                absl::StrCat("history entry ", entry.name(), " names a missing lead"));
          }
          if (!scope.sources.empty() && !scope.sources.contains(lead->lead().source())) {
            return absl::OkStatus();
          }
          span.record = &record;
          span.lead = &lead->lead();
          span.start_us = TimeUtil::TimestampToMicroseconds(entry.decide_time());
          // A lead whose current entry is this one has had nothing happen to it since.
          const bool moved_on = lead->lead().current_assignment() != entry.name();
          if ((needs.end || needs.followups) && moved_on) {
            RETURN_IF_ERROR(FillFromHistory(view, record, span));
          }
          if (needs.followups) RETURN_IF_ERROR(FillFollowUps(view, record, span));
          return visit(span);
        }();
        return failed.ok();
      }));
  return failed;
}

}  // namespace leadrouter::server
