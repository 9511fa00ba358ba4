#include "dsl/base/value.h"

#include <fmt/format.h>

#include <cmath>

#include "dsl/base/lexical.h"

namespace leadrouter::dsl {

bool Equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kNull:
      return false;
    case ValueKind::kBool:
      return a.bool_value() == b.bool_value();
    case ValueKind::kNumber:
      return a.number_value() == b.number_value();
    case ValueKind::kString:
      return a.string_value() == b.string_value();
    case ValueKind::kDuration:
    case ValueKind::kTimestamp:
      return a.seconds_value() == b.seconds_value();
    case ValueKind::kList: {
      const auto x = a.list_value();
      const auto y = b.list_value();
      if (x.size() != y.size()) return false;
      // Lists only ever hold scalars (the compiler rejects nested lists), so this recursion is one
      // level deep.
      for (size_t i = 0; i < x.size(); ++i) {
        if (!Equal(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::kSkills: {
      const auto x = a.skills_value();
      const auto y = b.skills_value();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (x[i].name != y[i].name || x[i].level != y[i].level) return false;
      }
      return true;
    }
  }
  return false;
}

std::string FormatDuration(int64_t seconds) {
  struct Unit {
    int64_t seconds;
    char suffix;
  };
  static constexpr Unit kUnits[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}};
  if (seconds != 0) {
    for (const Unit& unit : kUnits) {
      if (seconds % unit.seconds == 0)
        return fmt::format("{}{}", seconds / unit.seconds, unit.suffix);
    }
  }
  return fmt::format("{}s", seconds);
}

namespace {

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // fmt prints the shortest text that reads back as the same double: 80, 0.5, 1e+21.
  return fmt::format("{}", d);
}

}  // namespace

std::string FormatValue(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return value.bool_value() ? "true" : "false";
    case ValueKind::kNumber:
      return FormatNumber(value.number_value());
    case ValueKind::kString:
      return lexical::QuoteString(value.string_value());
    case ValueKind::kDuration:
      return FormatDuration(value.seconds_value());
    case ValueKind::kTimestamp:
      return fmt::format("@{}", value.seconds_value());
    case ValueKind::kList: {
      std::string out = "[";
      bool first = true;
      for (const Value& item : value.list_value()) {
        if (!first) out += ", ";
        first = false;
        out += FormatValue(item);
      }
      return out + "]";
    }
    case ValueKind::kSkills: {
      std::string out = "{";
      bool first = true;
      for (const SkillLevel& skill : value.skills_value()) {
        if (!first) out += ", ";
        first = false;
        out += fmt::format("{}: {}", lexical::QuoteString(skill.name), FormatNumber(skill.level));
      }
      return out + "}";
    }
  }
  return "null";
}

}  // namespace leadrouter::dsl
