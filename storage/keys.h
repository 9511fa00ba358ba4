// The key of every record, per column family (storage/layout.h). docs/storage.md shows the same
// layout as a table.
//
// Strings are resource names as the API spells them ("leads/acme-1", "reps/ana"), escaped by
// KeyWriter::String; times are microseconds since the Unix epoch (I64); sequences are U64. Within
// a column family every key has the same shape, so a prefix of leading parts selects a range and a
// scan returns it in time or sequence order.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace leadrouter::storage::keys {

// leads: lead name.
std::string Lead(absl::string_view lead);
// reps: rep name.
std::string Rep(absl::string_view rep);
// rep_versions: rep name, the last assignment sequence handed out when the version was replaced,
// the replaced revision (0: the rep did not exist).
std::string RepVersion(absl::string_view rep, uint64_t sequence, uint64_t revision);

// assignments: lead name, sequence. A lead's history in order.
std::string Assignment(absl::string_view lead, uint64_t sequence);
std::string AssignmentsOfLead(absl::string_view lead);  // prefix
// assignments_by_rep: rep name, decide time, sequence.
std::string AssignmentByRep(absl::string_view rep, int64_t decide_time_us, uint64_t sequence);
std::string AssignmentsOfRep(absl::string_view rep);  // prefix
// assignments_by_time: decide time, sequence.
std::string AssignmentByTime(int64_t decide_time_us, uint64_t sequence);
// assignments_by_sequence: sequence. Every history entry in sequence (commit) order.
std::string AssignmentBySequence(uint64_t sequence);
// span_facts: the opening entry's decide time, sequence (as assignments_by_time).
std::string SpanFactRow(int64_t decide_time_us, uint64_t sequence);
// explanations: sequence.
std::string Explanation(uint64_t sequence);

// rule_versions: version.
std::string RuleVersion(uint64_t version);
// score_models, score_model_bytes: version.
std::string ScoreModel(uint64_t version);

// followups: lead name, sequence.
std::string FollowUp(absl::string_view lead, uint64_t sequence);
std::string FollowUpsOfLead(absl::string_view lead);  // prefix
// tasks: lead name, sequence.
std::string Task(absl::string_view lead, uint64_t sequence);
std::string TasksOfLead(absl::string_view lead);  // prefix
// tasks_by_rep: rep name, due time, sequence.
std::string TaskByRep(absl::string_view rep, int64_t due_time_us, uint64_t sequence);
std::string TasksOfRep(absl::string_view rep);  // prefix

// idempotency: scope ("assign", "reassign", "followup"), caller's key.
std::string Idempotency(absl::string_view scope, absl::string_view key);

// audit: sequence.
std::string Audit(uint64_t sequence);

// events: sequence.
std::string Event(uint64_t sequence);
// events_by_lead: lead name, sequence.
std::string EventByLead(absl::string_view lead, uint64_t sequence);
std::string EventsOfLead(absl::string_view lead);  // prefix

// The server-chosen id of an assignment, task or follow-up: the sequence as 16 lowercase hex
// digits, so ids sort like their sequences.
std::string FormatId(uint64_t sequence);

}  // namespace leadrouter::storage::keys
