#include "storage/span_facts.h"

#include <limits>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/assignment_store.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/lead_store.h"
#include "storage/records.h"
#include "storage/rep_store.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

int64_t Micros(const google::protobuf::Timestamp& time) {
  return TimeUtil::TimestampToMicroseconds(time);
}

bool Ended(const SpanFact& fact) { return fact.end_kind() != v1::ASSIGNMENT_KIND_UNSPECIFIED; }

absl::StatusOr<std::optional<SpanFact>> ReadSpanFact(const ReadView& view, SpanRef span) {
  return ReadMessage<SpanFact>(view, ColumnFamily::kSpanFacts,
                               keys::SpanFactRow(span.decide_us, span.sequence),
                               absl::StrCat("span fact of entry ", span.sequence));
}

absl::Status WriteSpanFact(WriteTxn& txn, const SpanFact& fact) {
  return WriteMessage(txn, ColumnFamily::kSpanFacts,
                      keys::SpanFactRow(fact.decide_us(), fact.sequence()), fact);
}

// The lead's last span's row, which its record names: DATA_LOSS when the row is missing.
absl::StatusOr<std::optional<SpanFact>> LastSpanFact(const ReadView& view,
                                                     const LeadRecord& record) {
  const SpanRef span = LastSpanOf(record);
  if (span.sequence == 0) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<SpanFact> fact, ReadSpanFact(view, span));
  if (!fact.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "lead ", record.lead().name(), " names the missing span fact of entry ", span.sequence));
  }
  return fact;
}

// The sequence of an entry's name ("{lead}/assignments/{16 hex digits}"); nullopt for another.
std::optional<uint64_t> EntrySequence(absl::string_view name) {
  const size_t slash = name.rfind('/');
  uint64_t sequence = 0;
  if (slash == absl::string_view::npos || !absl::SimpleHexAtoi(name.substr(slash + 1), &sequence)) {
    return std::nullopt;
  }
  return sequence;
}

}  // namespace

bool MadeOwner(const v1::Assignment& entry) {
  if (entry.outcome() != v1::OUTCOME_ASSIGNED || entry.rep().empty()) return false;
  return entry.kind() == v1::ASSIGNMENT_KIND_REVIEW || entry.rep() != entry.previous_rep();
}

bool EndsOwnership(const v1::Assignment& later, absl::string_view owner) {
  if (later.kind() == v1::ASSIGNMENT_KIND_CLOSE || later.kind() == v1::ASSIGNMENT_KIND_RELEASE) {
    return true;
  }
  const bool has_rep =
      later.outcome() == v1::OUTCOME_ASSIGNED || later.outcome() == v1::OUTCOME_PENDING_REVIEW;
  return has_rep && later.rep() != owner;
}

SpanFact NewSpanFact(const HistoryRecord& record, const v1::Lead& lead, const v1::Rep* rep) {
  const v1::Assignment& entry = record.assignment();
  SpanFact fact;
  fact.set_sequence(record.sequence());
  fact.set_decide_us(Micros(entry.decide_time()));
  fact.set_lead(entry.lead());
  fact.set_rep(entry.rep());
  fact.set_kind(entry.kind());
  if (entry.has_rule()) *fact.mutable_rule() = entry.rule();
  fact.set_rule_version(entry.rule_version());
  if (rep != nullptr) {
    fact.set_rep_known(true);
    fact.set_team(rep->team());
    fact.set_level(rep->level());
  }
  fact.set_source(lead.source());
  fact.set_preferred_channel(lead.preferred_channel());
  fact.set_region(lead.region());
  fact.set_industry(lead.industry());
  if (lead.has_quality()) fact.set_quality(lead.quality());
  if (lead.has_value()) fact.set_value(lead.value());
  if (lead.has_score()) fact.set_score(lead.score());
  if (entry.has_sla_deadline()) fact.set_sla_deadline_us(Micros(entry.sla_deadline()));
  return fact;
}

void EndSpan(SpanFact& fact, const v1::Assignment& end, const v1::Lead& lead) {
  fact.set_end_kind(end.kind());
  fact.set_end_us(Micros(end.decide_time()));
  if (end.kind() != v1::ASSIGNMENT_KIND_CLOSE) return;
  fact.set_closed_state(lead.state());
  if (lead.has_value()) fact.set_closed_value(lead.value());
}

bool InSpan(const SpanFact& fact, const v1::FollowUp& followup) {
  const int64_t at_us = Micros(followup.create_time());
  return followup.rep() == fact.rep() && at_us >= fact.decide_us() &&
         (!Ended(fact) || at_us <= fact.end_us());
}

void AddFollowUp(SpanFact& fact, const v1::FollowUp& followup) {
  if (followup.first_contact() && !fact.has_first_contact_us()) {
    fact.set_first_contact_us(Micros(followup.contact_time()));
    fact.set_first_contact_channel(followup.channel());
    fact.set_first_contact_channel_name(followup.channel_name());
    fact.set_first_contact_within_sla(followup.within_sla());
  }
  for (SpanFact::ChannelCount& count : *fact.mutable_followups()) {
    if (count.channel() == followup.channel() && count.channel_name() == followup.channel_name()) {
      count.set_count(count.count() + 1);
      return;
    }
  }
  SpanFact::ChannelCount& count = *fact.add_followups();
  count.set_channel(followup.channel());
  count.set_channel_name(followup.channel_name());
  count.set_count(1);
}

void PutTaskFact(SpanFact& fact, uint64_t task_sequence, const v1::Task& task) {
  SpanFact::TaskFact* found = nullptr;
  for (SpanFact::TaskFact& known : *fact.mutable_tasks()) {
    if (known.sequence() == task_sequence) found = &known;
  }
  if (found == nullptr) found = fact.add_tasks();
  found->set_sequence(task_sequence);
  found->set_due_us(Micros(task.due_time()));
  found->set_state(task.state());
  found->set_close_us(task.has_close_time() ? Micros(task.close_time()) : 0);
}

void AddBreach(SpanFact& fact, v1::SlaAction action) {
  if (action == v1::SLA_ACTION_ESCALATE) {
    fact.set_breaches_escalated(fact.breaches_escalated() + 1);
  } else {
    fact.set_breaches_reassigned(fact.breaches_reassigned() + 1);
  }
}

SpanRef LastSpanOf(const LeadRecord& record) {
  return SpanRef{record.open_span_decide_us(), record.open_span_sequence()};
}

absl::StatusOr<SpanRef> UpdateSpanFacts(WriteTxn& txn, const LeadRecord& previous,
                                        const HistoryRecord& record, const v1::Lead& lead) {
  const v1::Assignment& entry = record.assignment();
  SpanRef last = LastSpanOf(previous);
  ASSIGN_OR_RETURN(std::optional<SpanFact> open, LastSpanFact(txn, previous));
  if (open.has_value() && !Ended(*open) && EndsOwnership(entry, open->rep())) {
    EndSpan(*open, entry, lead);
    RETURN_IF_ERROR(WriteSpanFact(txn, *open));
  }
  if (MadeOwner(entry)) {
    ASSIGN_OR_RETURN(const std::optional<RepRecord> rep, ReadRep(txn, entry.rep()));
    const SpanFact fact = NewSpanFact(record, lead, rep.has_value() ? &rep->rep() : nullptr);
    RETURN_IF_ERROR(WriteSpanFact(txn, fact));
    last = SpanRef{fact.decide_us(), fact.sequence()};
  }
  return last;
}

absl::Status RecordSpanFollowUp(WriteTxn& txn, const v1::FollowUp& followup) {
  ASSIGN_OR_RETURN(const std::optional<LeadRecord> lead, ReadLead(txn, followup.lead()));
  if (!lead.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<SpanFact> fact, LastSpanFact(txn, *lead));
  if (!fact.has_value() || !InSpan(*fact, followup)) return absl::OkStatus();
  AddFollowUp(*fact, followup);
  return WriteSpanFact(txn, *fact);
}

absl::Status RecordSpanTask(WriteTxn& txn, uint64_t task_sequence, const v1::Task& task) {
  const std::optional<uint64_t> entry_sequence = EntrySequence(task.assignment());
  if (!entry_sequence.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::optional<LeadRecord> lead, ReadLead(txn, task.lead()));
  SpanRef span;
  if (lead.has_value() && LastSpanOf(*lead).sequence == *entry_sequence) {
    span = LastSpanOf(*lead);
  } else {
    // A task of an earlier span (cancelled by the move that ended it): its entry says when.
    ASSIGN_OR_RETURN(const std::optional<HistoryRecord> entry,
                     ReadHistoryEntry(txn, task.lead(), *entry_sequence));
    if (!entry.has_value() || !MadeOwner(entry->assignment())) return absl::OkStatus();
    span = SpanRef{Micros(entry->assignment().decide_time()), *entry_sequence};
  }
  ASSIGN_OR_RETURN(std::optional<SpanFact> fact, ReadSpanFact(txn, span));
  if (!fact.has_value()) return absl::OkStatus();
  PutTaskFact(*fact, task_sequence, task);
  return WriteSpanFact(txn, *fact);
}

absl::Status CountSpanBreach(WriteTxn& txn, const LeadRecord& lead, v1::SlaAction action) {
  ASSIGN_OR_RETURN(std::optional<SpanFact> fact, LastSpanFact(txn, lead));
  if (!fact.has_value() || Ended(*fact) || fact->rep() != lead.lead().owner()) {
    return absl::OkStatus();
  }
  AddBreach(*fact, action);
  return WriteSpanFact(txn, *fact);
}

absl::Status ForEachSpanFact(const ReadView& view, int64_t from_us, int64_t to_us,
                             absl::FunctionRef<absl::Status(const SpanFact&)> visit) {
  const std::string begin =
      from_us == std::numeric_limits<int64_t>::min() ? "" : KeyWriter().I64(from_us).key();
  const std::string end =
      to_us == std::numeric_limits<int64_t>::max() ? "" : KeyWriter().I64(to_us).key();
  SpanFact fact;  // reused: parsing into it keeps its strings' and lists' memory
  return view.Scan(ColumnFamily::kSpanFacts, begin, end, ScanOrder::kAscending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     RETURN_IF_ERROR(DecodeProto(value, fact, "span fact"));
                     RETURN_IF_ERROR(visit(fact));
                     return true;
                   });
}

}  // namespace leadrouter::storage
