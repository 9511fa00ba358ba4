#include "storage/assignment_store.h"

#include <limits>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/counter_store.h"
#include "storage/event_log.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/lead_store.h"
#include "storage/records.h"
#include "storage/rule_version_store.h"
#include "storage/span_facts.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

using google::protobuf::util::TimeUtil;

absl::StatusOr<bool> VisitHistoryValue(absl::string_view value,
                                       absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  HistoryRecord record;
  RETURN_IF_ERROR(DecodeProto(value, record, "history entry"));
  return visit(record);
}

// Credits back the counted delta of the lead's current entry, if it has one. Returns the delta
// applied, if any.
absl::StatusOr<std::optional<dsl::StateDelta>> CreditPrevious(WriteTxn& txn, const LeadRecord& lead,
                                                              PreviousCounts previous) {
  if (previous == PreviousCounts::kKeep || lead.current_sequence() == 0) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<HistoryRecord> entry,
                   ReadHistoryEntry(txn, lead.lead().name(), lead.current_sequence()));
  if (!entry.has_value()) {
    return absl::DataLossError(absl::StrCat("history entry ", lead.current_sequence(), " of ",
                                            lead.lead().name(), " is missing"));
  }
  const HistoryRecord& record = *entry;
  if (record.credited_delta() < 0 || record.credited_delta() >= record.deltas_size()) {
    return std::nullopt;
  }
  const dsl::StateDelta counted = FromStoredDelta(record.deltas(record.credited_delta()));
  dsl::StateDelta credit =
      previous == PreviousCounts::kCreditBack ? dsl::CreditBack(counted) : dsl::Closed(counted);
  TxnCounterAccess counters(txn);
  RETURN_IF_ERROR(ApplyStateDelta(counters, credit));
  return credit;
}

// An entry of a history index: `key` (after any prefix) holds the decide time and the sequence,
// `value` the lead. A missing entry is DataLoss, `missing` followed by its sequence.
absl::StatusOr<bool> VisitIndexedEntry(const ReadView& view, absl::string_view key,
                                       absl::string_view value, absl::string_view missing,
                                       absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  KeyReader reader(key);
  RETURN_IF_ERROR(reader.I64().status());  // the decide time: the order of the index
  ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
  KeyReader lead_reader(value);
  ASSIGN_OR_RETURN(const std::string lead, lead_reader.String());
  ASSIGN_OR_RETURN(const std::optional<HistoryRecord> entry,
                   ReadHistoryEntry(view, lead, sequence));
  if (!entry.has_value()) return absl::DataLossError(absl::StrCat(missing, sequence));
  return visit(*entry);
}

}  // namespace

ExplanationBuilder Built(leadrouter::v1::Explanation explanation) {
  return [explanation = std::move(explanation)]() mutable { return std::move(explanation); };
}

absl::StatusOr<uint64_t> NextAssignmentSequence(WriteTxn& txn) {
  return txn.NextSequence(std::string(meta_key::kAssignmentSequence));
}

std::string AssignmentName(absl::string_view lead, uint64_t sequence) {
  return absl::StrCat(lead, "/assignments/", keys::FormatId(sequence));
}

absl::StatusOr<NextEntry> NextAssignment(WriteTxn& txn, absl::string_view lead) {
  ASSIGN_OR_RETURN(const uint64_t sequence, NextAssignmentSequence(txn));
  return NextEntry{sequence, AssignmentName(lead, sequence)};
}

absl::StatusOr<uint64_t> LastAssignmentSequence(const ReadView& view) {
  const std::string key(meta_key::kAssignmentSequence);
  ASSIGN_OR_RETURN(std::optional<std::string> stored, view.Get(ColumnFamily::kMeta, key));
  if (!stored.has_value()) return 0;
  return DecodeInteger(*stored, key);
}

absl::StatusOr<CommittedAssignment> CommitAssignment(WriteTxn& txn, AssignmentChange change) {
  const std::string& lead_name = change.lead.name();
  if (lead_name.empty()) return absl::InvalidArgumentError("lead name is empty");
  if (change.sequence == 0) return absl::InvalidArgumentError("assignment sequence is 0");

  ASSIGN_OR_RETURN(std::optional<LeadRecord> before, ReadLead(txn, lead_name));
  const LeadRecord previous = before.value_or(LeadRecord());

  HistoryRecord history;
  history.set_sequence(change.sequence);
  history.set_credited_delta(-1);
  ASSIGN_OR_RETURN(std::optional<dsl::StateDelta> credit,
                   CreditPrevious(txn, previous, change.previous));
  if (credit.has_value()) *history.add_deltas() = ToStoredDelta(*credit);
  if (change.delta.has_value()) {
    TxnCounterAccess counters(txn);
    RETURN_IF_ERROR(ApplyStateDelta(counters, *change.delta));
    history.set_credited_delta(history.deltas_size());
    *history.add_deltas() = ToStoredDelta(*change.delta);
  }
  // The entry becomes the lead's current one when it changes whose counts the lead is in; an
  // attempt that kept the owner leaves the current entry (and what a later reassign credits back)
  // as it was.
  const bool moves_counts = change.delta.has_value() || change.previous != PreviousCounts::kKeep;

  leadrouter::v1::Assignment& entry = *history.mutable_assignment();
  entry = std::move(change.entry);
  const std::string name = AssignmentName(lead_name, change.sequence);
  entry.set_name(name);
  entry.set_lead(lead_name);
  entry.set_principal(std::string(txn.principal()));
  entry.set_previous_rep(previous.lead().owner());
  if (!entry.has_decide_time()) {
    *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(change.change.now_us);
  }
  const int64_t decide_us = TimeUtil::TimestampToMicroseconds(entry.decide_time());

  // A new sequence's records: written once, read back rarely before the group commits.
  RETURN_IF_ERROR(txn.PutUnindexed(ColumnFamily::kAssignments,
                                   keys::Assignment(lead_name, change.sequence),
                                   EncodeProto(history)));
  if (!entry.rep().empty()) {
    RETURN_IF_ERROR(txn.PutUnindexed(ColumnFamily::kAssignmentsByRep,
                                     keys::AssignmentByRep(entry.rep(), decide_us, change.sequence),
                                     keys::Lead(lead_name)));
  }
  RETURN_IF_ERROR(txn.PutUnindexed(ColumnFamily::kAssignmentsByTime,
                                   keys::AssignmentByTime(decide_us, change.sequence),
                                   keys::Lead(lead_name)));
  RETURN_IF_ERROR(txn.PutUnindexed(ColumnFamily::kAssignmentsBySequence,
                                   keys::AssignmentBySequence(change.sequence),
                                   keys::Lead(lead_name)));
  if (change.explanation) {
    RETURN_IF_ERROR(txn.PutLater(ColumnFamily::kExplanations, keys::Explanation(change.sequence),
                                 [build = std::move(change.explanation), name]() mutable {
                                   leadrouter::v1::Explanation explanation = std::move(build)();
                                   explanation.set_assignment(name);
                                   StripRangeFiles(explanation);
                                   return EncodeProto(explanation);
                                 }));
  }

  if (moves_counts) change.lead.set_current_assignment(name);
  *change.lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(change.change.now_us);
  change.change.assignment = name;
  RETURN_IF_ERROR(
      AppendLeadEvents(txn, previous.lead(), change.lead,
                       EventContext{change.change.now_us,
                                    entry.actor().empty() ? change.change.actor : entry.actor(),
                                    entry.reason(), entry.rule_version(), name, entry.kind()}));
  ASSIGN_OR_RETURN(const SpanRef last_span, UpdateSpanFacts(txn, previous, history, change.lead));
  ASSIGN_OR_RETURN(
      LeadRecord stored,
      PutLead(txn, change.lead, change.change,
              moves_counts ? std::optional<uint64_t>(change.sequence) : std::nullopt, last_span));
  return CommittedAssignment{std::move(entry), std::move(stored)};
}

absl::StatusOr<std::optional<HistoryRecord>> ReadHistoryEntry(const ReadView& view,
                                                              absl::string_view lead,
                                                              uint64_t sequence) {
  return ReadMessage<HistoryRecord>(view, ColumnFamily::kAssignments,
                                    keys::Assignment(lead, sequence),
                                    absl::StrCat("history entry ", sequence, " of ", lead));
}

absl::Status ListLeadHistory(const ReadView& view, absl::string_view lead,
                             absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  return view.ScanPrefix(
      ColumnFamily::kAssignments, keys::AssignmentsOfLead(lead), ScanOrder::kAscending,
      [&](absl::string_view, absl::string_view value) { return VisitHistoryValue(value, visit); });
}

absl::Status ListRepHistory(const ReadView& view, absl::string_view rep, int64_t from_us,
                            int64_t to_us, ScanOrder order,
                            absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  const std::string prefix = keys::AssignmentsOfRep(rep);
  const std::string begin = KeyWriter().String(rep).I64(from_us).key();
  const std::string end = KeyWriter().String(rep).I64(to_us).key();
  const std::string missing = absl::StrCat("index entry of ", rep, " names missing history entry ");
  return view.Scan(ColumnFamily::kAssignmentsByRep, begin, end, order,
                   [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                     return VisitIndexedEntry(view, key.substr(prefix.size()), value, missing,
                                              visit);
                   });
}

absl::Status ListTimeHistory(const ReadView& view, int64_t from_us, int64_t to_us, ScanOrder order,
                             absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  const std::string begin =
      from_us == std::numeric_limits<int64_t>::min() ? "" : KeyWriter().I64(from_us).key();
  const std::string end =
      to_us == std::numeric_limits<int64_t>::max() ? "" : KeyWriter().I64(to_us).key();
  return view.Scan(ColumnFamily::kAssignmentsByTime, begin, end, order,
                   [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                     return VisitIndexedEntry(view, key, value,
                                              "time index names missing history entry ", visit);
                   });
}

absl::Status ListAllHistory(const ReadView& view,
                            absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  return view.Scan(
      ColumnFamily::kAssignments, "", "", ScanOrder::kAscending,
      [&](absl::string_view, absl::string_view value) { return VisitHistoryValue(value, visit); });
}

absl::Status ListHistoryAfter(const ReadView& view, uint64_t after,
                              absl::FunctionRef<bool(const HistoryRecord&)> visit) {
  if (after == std::numeric_limits<uint64_t>::max()) return absl::OkStatus();
  return view.Scan(ColumnFamily::kAssignmentsBySequence, keys::AssignmentBySequence(after + 1), "",
                   ScanOrder::kAscending,
                   [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                     KeyReader reader(key);
                     ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
                     KeyReader lead_reader(value);
                     ASSIGN_OR_RETURN(const std::string lead, lead_reader.String());
                     ASSIGN_OR_RETURN(const std::optional<HistoryRecord> entry,
                                      ReadHistoryEntry(view, lead, sequence));
                     if (!entry.has_value()) {
                       return absl::DataLossError(absl::StrCat(
                           "sequence index names missing history entry ", sequence, " of ", lead));
                     }
                     return visit(*entry);
                   });
}

absl::StatusOr<std::optional<leadrouter::v1::Explanation>> ReadExplanation(const ReadView& view,
                                                                           uint64_t sequence) {
  ASSIGN_OR_RETURN(
      std::optional<leadrouter::v1::Explanation> explanation,
      ReadMessage<leadrouter::v1::Explanation>(view, ColumnFamily::kExplanations,
                                               keys::Explanation(sequence), "explanation"));
  if (!explanation.has_value() || explanation->rule_version() <= 0) return explanation;
  bool stripped = false;
  ForEachRange(*explanation, [&](leadrouter::v1::SourceRange& range) {
    stripped = stripped || range.file().empty();
  });
  if (!stripped) return explanation;
  ASSIGN_OR_RETURN(std::optional<leadrouter::v1::RuleVersion> version,
                   ReadRuleVersion(view, static_cast<uint64_t>(explanation->rule_version())));
  if (version.has_value()) {
    ForEachRange(*explanation, [&](leadrouter::v1::SourceRange& range) {
      if (range.file().empty()) range.set_file(version->file_name());
    });
  }
  return explanation;
}

void ForEachRange(leadrouter::v1::Explanation& explanation,
                  absl::FunctionRef<void(leadrouter::v1::SourceRange&)> visit) {
  const auto candidate = [&](leadrouter::v1::CandidateTrace& c) {
    if (!c.has_removed()) return;
    if (c.removed().has_expression() && c.removed().expression().has_range()) {
      visit(*c.mutable_removed()->mutable_expression()->mutable_range());
    }
    if (c.removed().has_cap() && c.removed().cap().has_range()) {
      visit(*c.mutable_removed()->mutable_cap()->mutable_range());
    }
  };
  for (leadrouter::v1::RuleTrace& rule : *explanation.mutable_rules()) {
    if (rule.has_rule() && rule.rule().has_range()) visit(*rule.mutable_rule()->mutable_range());
    if (rule.has_when() && rule.when().has_range()) visit(*rule.mutable_when()->mutable_range());
    for (leadrouter::v1::CandidateTrace& c : *rule.mutable_candidates()) candidate(c);
  }
  if (explanation.has_decided_by() && explanation.decided_by().has_range()) {
    visit(*explanation.mutable_decided_by()->mutable_range());
  }
  if (explanation.has_manual_target()) candidate(*explanation.mutable_manual_target());
}

void StripRangeFiles(leadrouter::v1::Explanation& explanation) {
  if (explanation.rule_version() <= 0) return;
  std::optional<std::string> file;
  bool one_file = true;
  ForEachRange(explanation, [&](leadrouter::v1::SourceRange& range) {
    if (!file) file = range.file();
    one_file = one_file && range.file() == *file;
  });
  if (!file || !one_file) return;
  ForEachRange(explanation, [](leadrouter::v1::SourceRange& range) { range.clear_file(); });
}

}  // namespace leadrouter::storage
