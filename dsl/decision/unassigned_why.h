// Why a lead was left without an owner, in one line a rule author can act on, from its
// explanation: for each rule that matched but kept nobody, the filter that removed most of its
// candidates (`"big deals": cap 10/day reached (3 of 3 reps)`). `leadctl dry-run` prints it for
// every unassigned lead and counts the lines in its summary, without --explain.
#pragma once

#include <string>

#include "dsl/decision/explanation.h"

namespace leadrouter::dsl {

// "" for an assigned lead. Otherwise, joined by "; ": each rule with no eligible rep as
// `<label>: <filter> (<n> of <m> reps)` (the most common removal; ties: the earlier filter), then
// the outcome: `otherwise unassigned`, `no rule matched`, or nothing more for no_eligible_rep.
// Filters are named without per-rep counts (`cap 10/day reached`, `status away`,
// `require failed: level >= 3`, `rep daily_cap reached`), so that equal causes count together.
std::string UnassignedWhy(const Explanation& explanation);

}  // namespace leadrouter::dsl
