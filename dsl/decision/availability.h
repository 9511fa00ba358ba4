// Whether a rep can take a lead now, by the rep's own state: its status, and its own caps
// (daily_cap, max_open) against its counters across every rule. The decision removes a rep for
// these reasons before any rule's own filters (dsl/decision/decide.h), and the server's manual
// reassign refuses, or forces past, the same ones; both ask this header, so the two cannot
// disagree on who is available or on how it is said.
//
//   const Availability availability = CheckAvailability(rep, counters);
//   if (!availability.available()) {
//     // AvailabilityMessage(availability): "rep daily_cap reached (10 of 10 today)"
//     // availability.cap(), availability.count: the numbers behind it
//   }
//
// The counters are the rep's as the decision reads them: DecisionState::ReadRepCounters for the
// periods of the decision time (dsl/decision/decision_state.h), so `assigned_day` is today's count
// in the configured time zone. A rep's `away_until` is not part of RepInfo: the server turns an
// expired away back to active (RepRegistry::EndExpiredAways), and the status is what counts here.
#pragma once

#include <cstdint>
#include <string>

#include "dsl/decision/decision_state.h"
#include "dsl/decision/explanation.h"
#include "dsl/decision/roster.h"

namespace leadrouter::dsl {

// Why a rep cannot take a lead, with the numbers an explanation or an error shows.
struct Availability {
  // kNone: available. Otherwise kStatusAway, kStatusOff, or kCapReached (a cap of the rep itself,
  // CapScope::kRep).
  RemovalReason reason = RemovalReason::kNone;
  // kCapReached: kRepDailyCapDetail (daily_cap, counted per day) or kRepMaxOpenDetail (max_open,
  // counted in open leads), as in CandidateTrace::detail.
  uint16_t cap_detail = kRepDailyCapDetail;
  // kCapReached: the rep's count (>= limit) and the cap's limit.
  int64_t count = 0;
  int64_t limit = 0;

  bool available() const { return reason == RemovalReason::kNone; }
  // kCapReached: the cap as an explanation holds it (scope kRep, unit kDay or kOpen, no range).
  CapTrace cap() const;
};

// The status alone: kStatusAway, kStatusOff, or available. The decision asks this before it reads
// any counters (it reads them only for reps with an active status).
Availability StatusAvailability(const RepInfo& rep);

// The rep's own caps alone, in this order: daily_cap (counters.assigned_day), then max_open
// (counters.open). A cap is reached when the count is at or above the limit.
Availability CapAvailability(const RepInfo& rep, const RepCounters& counters);

// Status, then caps: the first reason that applies, as the decision would report it.
Availability CheckAvailability(const RepInfo& rep, const RepCounters& counters);

// One phrase, the same in explanations and in the server's errors: "status away", "status off",
// "rep daily_cap reached (10 of 10 today)", "rep max_open reached (40 of 40 open)"; empty when
// available.
std::string AvailabilityMessage(const Availability& availability);

}  // namespace leadrouter::dsl
