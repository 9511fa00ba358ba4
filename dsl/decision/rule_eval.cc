#include "dsl/decision/rule_eval.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace leadrouter::dsl {
namespace {

void ResetScratch(const EvalContext& context) {
  if (context.scratch != nullptr) context.scratch->Reset();
}

bool TeamMatches(const Rule& rule, const EvalContext& context) {
  if (!rule.team) return true;
  if (context.rep == nullptr) return false;
  const Value team = context.rep->Get(rep_slot::kTeam);
  return team.is_string() && team.string_value() == *rule.team;
}

std::optional<double> AsNumber(const Value& value) {
  double d = 0;
  switch (value.kind()) {
    case ValueKind::kNumber:
      d = value.number_value();
      break;
    case ValueKind::kBool:
      d = value.bool_value() ? 1 : 0;
      break;
    case ValueKind::kDuration:
      d = static_cast<double>(value.seconds_value());
      break;
    default:
      return std::nullopt;
  }
  if (std::isnan(d)) return std::nullopt;
  return d;
}

// 64-bit FNV-1a: tiny, stable across processes and platforms, good enough to spread sticky keys.
class Fnv1a {
 public:
  void Add(const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      hash_ ^= bytes[i];
      hash_ *= 1099511628211ULL;
    }
  }
  void AddValue(const Value& value) {
    const auto kind = static_cast<unsigned char>(value.kind());
    Add(&kind, 1);
    switch (value.kind()) {
      case ValueKind::kNull:
        break;
      case ValueKind::kBool: {
        const unsigned char b = value.bool_value() ? 1 : 0;
        Add(&b, 1);
        break;
      }
      case ValueKind::kNumber: {
        double d = value.number_value();
        if (d == 0) d = 0;  // -0 and 0 are the same key
        uint64_t bits = 0;
        std::memcpy(&bits, &d, sizeof bits);
        AddInteger(bits);
        break;
      }
      case ValueKind::kString:
        AddString(value.string_value());
        break;
      case ValueKind::kDuration:
      case ValueKind::kTimestamp:
        AddInteger(static_cast<uint64_t>(value.seconds_value()));
        break;
      case ValueKind::kList:
        AddInteger(value.list_value().size());
        for (const Value& item : value.list_value()) {
          // Items are scalars (strings in practice); hash their kind and bytes the same way.
          if (item.is_string()) {
            AddString(item.string_value());
          } else {
            AddInteger(static_cast<uint64_t>(item.kind()));
          }
        }
        break;
      case ValueKind::kSkills:
        AddInteger(value.skills_value().size());
        for (const SkillLevel& skill : value.skills_value()) AddString(skill.name);
        break;
    }
  }
  uint64_t hash() const { return hash_; }

 private:
  void AddInteger(uint64_t v) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<unsigned char>(v >> (8 * i));  // little-endian
    Add(bytes, sizeof bytes);
  }
  void AddString(std::string_view s) {
    AddInteger(s.size());
    Add(s.data(), s.size());
  }
  uint64_t hash_ = 14695981039346656037ULL;
};

}  // namespace

bool Holds(const Condition& condition, const EvalContext& context) {
  ResetScratch(context);
  return condition.root != nullptr && condition.root->Evaluate(context).IsTrue();
}

bool RuleMatches(const Rule& rule, const EvalContext& context) {
  return !rule.when || Holds(*rule.when, context);
}

bool RepEligible(const Rule& rule, const EvalContext& context) {
  if (!TeamMatches(rule, context)) return false;
  return !rule.require || Holds(*rule.require, context);
}

Rejection ExplainRejection(const Program& program, const Rule& rule, const EvalContext& context) {
  Rejection out;
  if (!TeamMatches(rule, context)) {
    out.reason = Rejection::Reason::kTeam;
    out.span = rule.team_span;
    out.condition = std::string(program.Slice(rule.team_span));
    out.subject = "team";
    const Value team = context.rep == nullptr ? Value() : context.rep->Get(rep_slot::kTeam);
    out.subject_value = FormatValue(team);
    return out;
  }
  if (!rule.require) return out;
  for (const ExprNode* conjunct : rule.require->conjuncts) {
    ResetScratch(context);
    if (conjunct->Evaluate(context).IsTrue()) continue;
    out.reason = Rejection::Reason::kRequire;
    out.span = conjunct->span();
    out.condition = std::string(program.Slice(conjunct->span()));
    if (const ExprNode* subject = conjunct->subject()) {
      ResetScratch(context);
      out.subject = std::string(program.Slice(subject->span()));
      out.subject_value = FormatValue(subject->Evaluate(context));
    }
    return out;
  }
  return out;
}

double RankKey(const PreferKey& key, const EvalContext& context) {
  ResetScratch(context);
  const std::optional<double> n =
      key.expr == nullptr ? std::nullopt : AsNumber(key.expr->Evaluate(context));
  return n.value_or(-std::numeric_limits<double>::infinity());
}

void RankKeys(const Rule& rule, const EvalContext& context, std::vector<double>& keys) {
  keys.resize(rule.prefer.size());
  for (size_t i = 0; i < rule.prefer.size(); ++i) keys[i] = RankKey(rule.prefer[i], context);
}

std::optional<double> StrategyInput(const Strategy& strategy, const EvalContext& context) {
  if (strategy.argument == nullptr ||
      (strategy.kind != StrategyKind::kBalanced && strategy.kind != StrategyKind::kWeighted)) {
    return std::nullopt;
  }
  ResetScratch(context);
  const std::optional<double> n = AsNumber(strategy.argument->Evaluate(context));
  if (!n || !std::isfinite(*n)) return std::nullopt;
  return n;
}

std::optional<uint64_t> StickyKey(const Strategy& strategy, const EvalContext& context) {
  if (strategy.kind != StrategyKind::kSticky || strategy.argument == nullptr) return std::nullopt;
  ResetScratch(context);
  const Value value = strategy.argument->Evaluate(context);
  if (value.is_null()) return std::nullopt;
  Fnv1a hash;
  hash.AddValue(value);
  return hash.hash();
}

}  // namespace leadrouter::dsl
