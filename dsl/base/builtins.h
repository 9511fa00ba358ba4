// The functions the rule language knows, each spelled once in kBuiltins: has, lower, len, skill,
// tag, hours_since.
//
// The checker resolves calls to a Builtin and the evaluator runs it; the table lives here, below
// both, so that checking does not depend on evaluation.
#pragma once

#include <array>
#include <string_view>

namespace leadrouter::dsl {

enum class Builtin { kHas, kLower, kLen, kSkill, kTag, kHoursSince };

struct BuiltinInfo {
  std::string_view name;
  Builtin id;
  int arity = 1;
  // Reads the rep (skill, tag): not allowed in `when` or segments.
  bool reads_rep = false;
  // Depends on nothing but its argument, so a constant argument folds at compile time.
  bool pure = false;
  std::string_view signature;  // for messages: `skill(name: string) -> number`
};

// In Builtin order.
inline constexpr std::array<BuiltinInfo, 6> kBuiltins = {{
    {"has", Builtin::kHas, 1, false, false, "has(field) -> bool"},
    {"lower", Builtin::kLower, 1, false, true, "lower(text: string) -> string"},
    {"len", Builtin::kLen, 1, false, true, "len(x: string | list) -> number"},
    {"skill", Builtin::kSkill, 1, true, false, "skill(name: string) -> number"},
    {"tag", Builtin::kTag, 1, true, false, "tag(name: string) -> bool"},
    {"hours_since", Builtin::kHoursSince, 1, false, false, "hours_since(t: timestamp) -> number"},
}};

// Null when `name` is not a builtin.
const BuiltinInfo* FindBuiltin(std::string_view name);

// "skill", "hours_since", ...
std::string_view BuiltinName(Builtin function);

}  // namespace leadrouter::dsl
