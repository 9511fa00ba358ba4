// Whom `escalate "team:managers"` / `escalate "rep:r-17"` hands a lead to. The rule file cannot
// know the roster, so the checker checks only the form (ParseEscalationTarget); the server checks
// at run time that the team or rep exists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leadrouter::dsl {

struct EscalationTarget {
  enum class Kind : uint8_t {
    kDefault,  // `escalate` without a target: the server's configured escalation target
    kTeam,     // "team:NAME"
    kRep,      // "rep:ID"
  };
  Kind kind = Kind::kDefault;
  std::string name;  // the team's name or the rep's id; empty for kDefault

  friend bool operator==(const EscalationTarget&, const EscalationTarget&) = default;
};

// The longest team name or rep id a target may carry, in bytes.
inline constexpr size_t kMaxEscalationNameBytes = 128;

// "team:NAME" or "rep:ID": the prefix, then a name of 1 to kMaxEscalationNameBytes bytes with no
// control character and no blank at either end. InvalidArgument naming what is wrong otherwise.
absl::StatusOr<EscalationTarget> ParseEscalationTarget(std::string_view text);

// The target as a rule writes it: "team:managers", "rep:r-17"; "" for kDefault.
std::string EscalationTargetText(const EscalationTarget& target);

}  // namespace leadrouter::dsl
