// The one scan every report reads: the history entries that gave a lead an owner in the scope's
// range, in decide-time order, through the time index (`assignments_by_time`), each with what the
// report needs of the time the lead stayed with that owner (the "span"): the lead, the entry that
// ended the span, the SLA breaches in it, the owner's follow-ups and the entry's tasks.
//
// Cost: one range of the time index and a point read of each entry in the range, a point read of
// each counted entry's lead, and only for the entries that need them (the lead moved or closed
// since, or the report reads follow-ups) a prefix scan of the lead's history, follow-ups or tasks.
// Nothing outside the range is scanned, and nothing is written.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/followups.pb.h"
#include "server/reports/report_scope.h"
#include "server/roster/roster_cache.h"
#include "storage/read_view.h"
#include "storage_records.pb.h"

namespace leadrouter::server {

// What a report reads beyond the entry and its lead.
struct SpanNeeds {
  // The entry that ended the span (reassigned away, closed).
  bool end = false;
  // The breaches, the owner's follow-ups and the entry's tasks.
  bool followups = false;
};

struct OwnerSpan {
  const storage::HistoryRecord* record = nullptr;  // the entry that gave the owner
  const leadrouter::v1::Lead* lead = nullptr;      // the lead as stored now
  // The owner as the roster has it now; nullopt for a removed rep.
  const leadrouter::v1::Rep* rep = nullptr;
  int64_t start_us = 0;  // record's decide time
  // The next entry that took the lead from the owner: another owner or proposal, a release, or
  // the close; nullopt while the owner still has it.
  std::optional<leadrouter::v1::Assignment> end;
  // SLA_BREACH entries in the span that name this owner as the late one.
  std::vector<leadrouter::v1::Assignment> breaches;
  // The owner's follow-ups recorded in the span, in recording order.
  std::vector<leadrouter::v1::FollowUp> followups;
  // The tasks the entry created.
  std::vector<leadrouter::v1::Task> tasks;
};

// Calls `visit` with each span of the scope, in decide-time order; a visit's error stops the scan
// and is returned. The span lives only during its visit.
[[nodiscard]] absl::Status ForEachOwnerSpan(
    const storage::ReadView& view, const ReportScope& scope, const RosterCache& roster,
    SpanNeeds needs, absl::FunctionRef<absl::Status(const OwnerSpan&)> visit);

}  // namespace leadrouter::server
