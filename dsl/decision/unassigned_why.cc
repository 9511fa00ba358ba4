#include "dsl/decision/unassigned_why.h"

#include <map>
#include <string_view>
#include <utility>
#include <vector>

namespace leadrouter::dsl {
namespace {

// A removal without what varies per rep (counts, subject values), so that equal causes group.
std::string FilterText(const RuleTrace& rule, const CandidateTrace& c) {
  switch (c.removed) {
    case RemovalReason::kNone:
      return "";
    case RemovalReason::kStatusAway:
      return "status away";
    case RemovalReason::kStatusOff:
      return "status off";
    case RemovalReason::kExcluded:
      return "excluded by the call";
    case RemovalReason::kNotInTeam:
      return "not in team \"" + rule.team.value_or("") + "\"";
    case RemovalReason::kRequireFailed:
      return c.detail < rule.require_conjuncts.size()
                 ? "require failed: " + rule.require_conjuncts[c.detail].text
                 : "require failed";
    case RemovalReason::kCapReached:
      if (c.cap_scope == CapScope::kRep) {
        return c.detail == kRepMaxOpenDetail ? "rep max_open reached" : "rep daily_cap reached";
      }
      return c.detail < rule.caps.size() ? CapText(rule.caps[c.detail]) + " reached"
                                         : "cap reached";
    case RemovalReason::kEvaluationError:
      return "evaluation error";
    case RemovalReason::kNoWeight:
      return "no positive weight";
  }
  return "";
}

std::string RuleWhy(const RuleTrace& rule) {
  // Filters in the order they run (RemovalReason order), each with its count.
  std::vector<std::pair<std::string, size_t>> counts;
  size_t total = 0;
  for (const CandidateTrace& c : rule.candidates) {
    const std::string text = FilterText(rule, c);
    if (text.empty()) continue;
    ++total;
    bool found = false;
    for (auto& [seen, n] : counts) {
      if (seen == text) {
        ++n;
        found = true;
      }
    }
    if (!found) counts.emplace_back(text, 1);
  }
  // `rule "vip"` for a named rule (its label is the bare name); the generated labels already say
  // what they are: `rule #2 (line 14)`, `otherwise (line 30)`.
  const RuleRef& ref = rule.rule;
  const std::string label =
      ref.otherwise || ref.name.empty() ? ref.label : "rule \"" + ref.name + "\"";
  if (counts.empty()) return label + ": no reps";
  const auto* best = &counts.front();
  for (const auto& entry : counts) {
    if (entry.second > best->second) best = &entry;
  }
  return label + ": " + best->first + " (" + std::to_string(best->second) + " of " +
         std::to_string(total) + " reps)";
}

}  // namespace

std::string UnassignedWhy(const Explanation& explanation) {
  if (explanation.outcome != Outcome::kUnassigned) return "";
  std::string out;
  const auto add = [&out](const std::string& part) {
    if (!out.empty()) out += "; ";
    out += part;
  };
  for (const RuleTrace& rule : explanation.rules) {
    if (rule.result == RuleResult::kNoEligibleRep) add(RuleWhy(rule));
  }
  switch (explanation.unassigned_reason) {
    case UnassignedReason::kOtherwiseUnassigned:
      add("otherwise unassigned");
      break;
    case UnassignedReason::kNoRuleMatched:
      add("no rule matched");
      break;
    default:
      break;
  }
  return out;
}

}  // namespace leadrouter::dsl
