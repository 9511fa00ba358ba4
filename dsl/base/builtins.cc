#include "dsl/base/builtins.h"

#include <array>

namespace leadrouter::dsl {
namespace {

constexpr std::array<BuiltinInfo, 6> kBuiltins = {{
    {"has", Builtin::kHas, 1, false, false, "has(field) -> bool"},
    {"lower", Builtin::kLower, 1, false, true, "lower(text: string) -> string"},
    {"len", Builtin::kLen, 1, false, true, "len(x: string | list) -> number"},
    {"skill", Builtin::kSkill, 1, true, false, "skill(name: string) -> number"},
    {"tag", Builtin::kTag, 1, true, false, "tag(name: string) -> bool"},
    {"hours_since", Builtin::kHoursSince, 1, false, false, "hours_since(t: timestamp) -> number"},
}};

}  // namespace

const BuiltinInfo* FindBuiltin(std::string_view name) {
  for (const BuiltinInfo& info : kBuiltins) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const std::vector<std::string>& BuiltinNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const BuiltinInfo& info : kBuiltins) out.emplace_back(info.name);
    return out;
  }();
  return names;
}

}  // namespace leadrouter::dsl
