// Span facts: column family `span_facts`, one SpanFact row (storage_records.proto) per owner span,
// keyed like `assignments_by_time` by the opening entry's decide time and sequence.
//
// An owner span is the time a lead stays with the owner one history entry gave it: it opens with
// an entry that makes its rep the owner (MadeOwner) and ends with the next entry that takes the
// lead from that owner (EndsOwnership: another owner or proposal, a release, the close). Its row
// holds everything ReportService reads of it (docs/reports.md): the owner's team and level and the
// lead's fields at the decision, the SLA deadline, the owner's first contact and follow-ups by
// channel, the SLA steps that came due, the entry's tasks, the end and the close. So a report is
// one sequential range scan of this family and nothing else (ForEachSpanFact).
//
// The row is exact because it is written in the commit of each change that moves it, through the
// store functions those changes already call: CommitAssignment (open, end, close),
// PutFollowUp, PutTask, and CountSpanBreach for an SLA step that comes due. The lead's record
// names its last span (LeadRecord.open_span_*), so each of them finds the row with one point read.
// A database from before the family gets its rows built from history at open
// (BuildSpanFactsIfMissing, storage/span_facts_backfill.h).
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/followups.pb.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

// The fold: what each event does to a span's row. The writer and the rebuild from history apply
// the same functions, so a row means the same whichever wrote it.

// Whether `entry` made its rep the lead's owner: a new owner, or a manager approving a proposal.
bool MadeOwner(const leadrouter::v1::Assignment& entry);
// Whether `later` took the lead from `owner`.
bool EndsOwnership(const leadrouter::v1::Assignment& later, absl::string_view owner);
// The row a span opens with: `record` made the owner (MadeOwner), `lead` is the lead as that
// entry stored it, `rep` the owner as the roster had them then (null: not in the roster).
SpanFact NewSpanFact(const HistoryRecord& record, const leadrouter::v1::Lead& lead,
                     const leadrouter::v1::Rep* rep);
// `end` ended the span; `lead` is the lead as `end` stored it (its state and value at a close).
void EndSpan(SpanFact& fact, const leadrouter::v1::Assignment& end,
             const leadrouter::v1::Lead& lead);
// Whether `followup` is the owner's, recorded in the span.
bool InSpan(const SpanFact& fact, const leadrouter::v1::FollowUp& followup);
// Counts `followup` (InSpan) in the span: its channel, and the first contact.
void AddFollowUp(SpanFact& fact, const leadrouter::v1::FollowUp& followup);
// Records `task` (one the opening entry created) as it stands now.
void PutTaskFact(SpanFact& fact, uint64_t task_sequence, const leadrouter::v1::Task& task);
// Counts an SLA step of `action` (reassign or escalate) that came due in the span.
void AddBreach(SpanFact& fact, leadrouter::v1::SlaAction action);

// The writer's side, each in the caller's mutation.

// The lead's last span, as its record names it.
struct SpanRef {
  int64_t decide_us = 0;
  uint64_t sequence = 0;  // 0: the lead never had an owner
};
SpanRef LastSpanOf(const LeadRecord& record);

// What `record` (just committed for the lead whose record was `previous`; `lead` as it stores it)
// does to the spans: ends the last one when it takes the lead from its owner, opens one when it
// makes an owner. Returns the lead's last span after it.
[[nodiscard]] absl::StatusOr<SpanRef> UpdateSpanFacts(WriteTxn& txn, const LeadRecord& previous,
                                                      const HistoryRecord& record,
                                                      const leadrouter::v1::Lead& lead);
// Counts `followup` (stored now) in the lead's last span when it is the owner's and in it.
[[nodiscard]] absl::Status RecordSpanFollowUp(WriteTxn& txn,
                                              const leadrouter::v1::FollowUp& followup);
// Records `task` (stored now as `task_sequence`) in the span its entry opened, if it opened one.
[[nodiscard]] absl::Status RecordSpanTask(WriteTxn& txn, uint64_t task_sequence,
                                          const leadrouter::v1::Task& task);
// Counts an SLA step of `action` that came due for the lead's owner now, whether it moved the lead
// or not (a pinned lead stays; so does one nobody else qualifies for).
[[nodiscard]] absl::Status CountSpanBreach(WriteTxn& txn, const LeadRecord& lead,
                                           leadrouter::v1::SlaAction action);

// The reader's side: the rows of the spans opened in [from_us, to_us), in decide-time order, each
// parsed into one message reused for the whole scan (valid during its visit only). A visit's
// error stops the scan and is returned.
[[nodiscard]] absl::Status ForEachSpanFact(const ReadView& view, int64_t from_us, int64_t to_us,
                                           absl::FunctionRef<absl::Status(const SpanFact&)> visit);

}  // namespace leadrouter::storage
