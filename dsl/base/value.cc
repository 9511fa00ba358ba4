#include "dsl/base/value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "dsl/base/lexical.h"
#include "dsl/base/text_util.h"

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
        return absl::StrCat(seconds / unit.seconds, absl::string_view(&unit.suffix, 1));
    }
  }
  return absl::StrCat(seconds, "s");
}

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // The shortest digits that read back as `d`: "d[.ddd]e±XX".
  char buffer[32];
  const std::to_chars_result shortest =
      std::to_chars(buffer, buffer + sizeof buffer, std::fabs(d), std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<size_t>(shortest.ptr - buffer));
  const size_t e = text.find('e');
  std::string digits(1, text[0]);
  if (e > 1) digits.append(text.substr(2, e - 2));
  const int exponent = (text[e + 1] == '-' ? -1 : 1) * std::stoi(std::string(text.substr(e + 2)));

  std::string out = std::signbit(d) ? "-" : "";
  const auto size = static_cast<int>(digits.size());
  if (exponent < -4 || exponent >= 16) {
    out += digits[0];
    if (size > 1) absl::StrAppend(&out, ".", Piece(std::string_view(digits).substr(1)));
    absl::StrAppend(&out, exponent < 0 ? "e-" : "e+", std::abs(exponent) < 10 ? "0" : "",
                    std::abs(exponent));
  } else if (exponent < 0) {
    absl::StrAppend(&out, "0.", std::string(static_cast<size_t>(-exponent - 1), '0'), digits);
  } else if (size <= exponent + 1) {
    absl::StrAppend(&out, digits, std::string(static_cast<size_t>(exponent + 1 - size), '0'));
  } else {
    const auto point = static_cast<size_t>(exponent + 1);
    absl::StrAppend(&out, Piece(std::string_view(digits).substr(0, point)), ".",
                    Piece(std::string_view(digits).substr(point)));
  }
  return out;
}

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
      return absl::StrCat("@", value.seconds_value());
    case ValueKind::kList: {
      std::string out = "[";
      bool first = true;
      for (const Value& item : value.list_value()) {
        if (!first) out += ", ";
        first = false;
        out += FormatValue(item);
      }
      out += ']';
      return out;
    }
    case ValueKind::kSkills: {
      std::string out = "{";
      bool first = true;
      for (const SkillLevel& skill : value.skills_value()) {
        if (!first) out += ", ";
        first = false;
        absl::StrAppend(&out, lexical::QuoteString(skill.name), ": ", FormatNumber(skill.level));
      }
      out += '}';
      return out;
    }
  }
  return "null";
}

}  // namespace leadrouter::dsl
