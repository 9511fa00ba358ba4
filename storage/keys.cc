#include "storage/keys.h"

#include "absl/strings/str_format.h"
#include "storage/key_codec.h"

namespace leadrouter::storage::keys {

std::string Lead(absl::string_view lead) { return KeyWriter().String(lead).key(); }
std::string Rep(absl::string_view rep) { return KeyWriter().String(rep).key(); }

std::string RepVersion(absl::string_view rep, uint64_t sequence, uint64_t revision) {
  return KeyWriter().String(rep).U64(sequence).U64(revision).key();
}

std::string Assignment(absl::string_view lead, uint64_t sequence) {
  return KeyWriter().String(lead).U64(sequence).key();
}
std::string AssignmentsOfLead(absl::string_view lead) { return KeyWriter().String(lead).key(); }

std::string AssignmentByRep(absl::string_view rep, int64_t decide_time_us, uint64_t sequence) {
  return KeyWriter().String(rep).I64(decide_time_us).U64(sequence).key();
}
std::string AssignmentsOfRep(absl::string_view rep) { return KeyWriter().String(rep).key(); }

std::string AssignmentByTime(int64_t decide_time_us, uint64_t sequence) {
  return KeyWriter().I64(decide_time_us).U64(sequence).key();
}

std::string AssignmentBySequence(uint64_t sequence) { return KeyWriter().U64(sequence).key(); }

std::string SpanFactRow(int64_t decide_time_us, uint64_t sequence) {
  return AssignmentByTime(decide_time_us, sequence);
}

std::string Explanation(uint64_t sequence) { return KeyWriter().U64(sequence).key(); }

std::string RuleVersion(uint64_t version) { return KeyWriter().U64(version).key(); }

std::string ScoreModel(uint64_t version) { return KeyWriter().U64(version).key(); }

std::string FollowUp(absl::string_view lead, uint64_t sequence) {
  return KeyWriter().String(lead).U64(sequence).key();
}
std::string FollowUpsOfLead(absl::string_view lead) { return KeyWriter().String(lead).key(); }

std::string Task(absl::string_view lead, uint64_t sequence) {
  return KeyWriter().String(lead).U64(sequence).key();
}
std::string TasksOfLead(absl::string_view lead) { return KeyWriter().String(lead).key(); }

std::string TaskByRep(absl::string_view rep, int64_t due_time_us, uint64_t sequence) {
  return KeyWriter().String(rep).I64(due_time_us).U64(sequence).key();
}
std::string TasksOfRep(absl::string_view rep) { return KeyWriter().String(rep).key(); }

std::string Idempotency(absl::string_view scope, absl::string_view key) {
  return KeyWriter().String(scope).String(key).key();
}

std::string Audit(uint64_t sequence) { return KeyWriter().U64(sequence).key(); }

std::string Event(uint64_t sequence) { return KeyWriter().U64(sequence).key(); }
std::string EventByLead(absl::string_view lead, uint64_t sequence) {
  return KeyWriter().String(lead).U64(sequence).key();
}
std::string EventsOfLead(absl::string_view lead) { return KeyWriter().String(lead).key(); }

std::string FormatId(uint64_t sequence) { return absl::StrFormat("%016x", sequence); }

}  // namespace leadrouter::storage::keys
