#include "dsl/base/escalation_target.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/text_util.h"
#include "dsl/base/vocabulary.h"

namespace leadrouter::dsl {

absl::StatusOr<EscalationTarget> ParseEscalationTarget(std::string_view text) {
  EscalationTarget target;
  std::string_view name;
  if (text.starts_with(kEscalateTeamPrefix)) {
    target.kind = EscalationTarget::Kind::kTeam;
    name = text.substr(kEscalateTeamPrefix.size());
  } else if (text.starts_with(kEscalateRepPrefix)) {
    target.kind = EscalationTarget::Kind::kRep;
    name = text.substr(kEscalateRepPrefix.size());
  } else {
    return absl::InvalidArgumentError(absl::StrCat("an escalation target starts with `",
                                                   Piece(kEscalateTeamPrefix), "` or `",
                                                   Piece(kEscalateRepPrefix), "`"));
  }
  if (name.empty()) {
    return absl::InvalidArgumentError("an escalation target needs a name after its prefix");
  }
  if (name.size() > kMaxEscalationNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat("an escalation target's name has at most ",
                                                   kMaxEscalationNameBytes, " bytes"));
  }
  const auto is_control = [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  };
  if (std::any_of(name.begin(), name.end(), is_control)) {
    return absl::InvalidArgumentError("an escalation target's name has a control character");
  }
  if (name.front() == ' ' || name.back() == ' ') {
    return absl::InvalidArgumentError("an escalation target's name begins or ends with a blank");
  }
  target.name = std::string(name);
  return target;
}

std::string EscalationTargetText(const EscalationTarget& target) {
  switch (target.kind) {
    case EscalationTarget::Kind::kTeam:
      return absl::StrCat(Piece(kEscalateTeamPrefix), target.name);
    case EscalationTarget::Kind::kRep:
      return absl::StrCat(Piece(kEscalateRepPrefix), target.name);
    case EscalationTarget::Kind::kDefault:
      break;
  }
  return "";
}

}  // namespace leadrouter::dsl
