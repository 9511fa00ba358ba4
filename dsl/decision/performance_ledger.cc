#include "dsl/decision/performance_ledger.h"

#include <algorithm>
#include <limits>

namespace leadrouter::dsl {

PerformanceLedger::Span* PerformanceLedger::OpenSpan(std::string_view lead) {
  const auto it = open_.find(std::string(lead));
  if (it == open_.end()) return nullptr;
  const auto span = spans_.find(it->second);
  return span == spans_.end() ? nullptr : &span->second;
}

void PerformanceLedger::Assigned(std::string_view lead, std::string_view rep, int64_t start_us,
                                 std::optional<int64_t> sla_deadline_us) {
  const uint64_t id = next_id_++;
  Span& span = spans_[id];
  span.rep = std::string(rep);
  span.outcome.start_us = start_us;
  span.outcome.sla_deadline_us = sla_deadline_us;
  open_[std::string(lead)] = id;
  ++version_;
}

void PerformanceLedger::Ended(std::string_view lead) { open_.erase(std::string(lead)); }

void PerformanceLedger::Closed(std::string_view lead, bool converted) {
  if (Span* span = OpenSpan(lead)) {
    span->outcome.converted = converted;
    ++version_;
  }
  Ended(lead);
}

void PerformanceLedger::FirstContact(std::string_view lead, std::string_view rep,
                                     int64_t contact_us, bool within_sla) {
  Span* span = OpenSpan(lead);
  if (span == nullptr || span->rep != rep || span->outcome.first_contact_us.has_value()) return;
  span->outcome.first_contact_us = contact_us;
  span->outcome.sla_met = span->outcome.sla_deadline_us.has_value() && within_sla;
  ++version_;
}

void PerformanceLedger::Forget(int64_t oldest_us) {
  for (auto it = spans_.begin(); it != spans_.end();) {
    it = it->second.outcome.start_us < oldest_us ? spans_.erase(it) : std::next(it);
  }
  // A lead whose span is gone has nothing left to count.
  std::erase_if(open_, [&](const auto& entry) { return !spans_.contains(entry.second); });
}

std::unordered_map<std::string, OutcomeTally> PerformanceLedger::TalliesAt(
    int64_t now_us, int64_t window_us) const {
  std::unordered_map<std::string, OutcomeTally> tallies;
  for (const auto& [id, span] : spans_) {
    const int64_t start = span.outcome.start_us;
    if (start < now_us - window_us || start > now_us) continue;
    tallies[span.rep].Add(span.outcome, now_us);
  }
  return tallies;
}

int64_t PerformanceLedger::NextChangeAfter(int64_t now_us, int64_t window_us) const {
  int64_t next = std::numeric_limits<int64_t>::max();
  for (const auto& [id, span] : spans_) {
    const SpanOutcome& outcome = span.outcome;
    // Leaves the window just after start + window; enters it at its start.
    const int64_t leaves = outcome.start_us + window_us + 1;
    if (leaves > now_us) next = std::min(next, leaves);
    if (outcome.start_us > now_us) next = std::min(next, outcome.start_us);
    if (outcome.sla_deadline_us && !outcome.sla_met && *outcome.sla_deadline_us > now_us) {
      next = std::min(next, *outcome.sla_deadline_us);
    }
  }
  return next;
}

}  // namespace leadrouter::dsl
