#include "dsl/data/lead_mapping.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "dsl/base/status_macros.h"
#include "dsl/data/dataset.h"
#include "dsl/data/internal/file_rows.h"
#include "dsl/decision/periods.h"

// toml++ header-only and without exceptions: parse errors come back as values, and the library's
// ABI (built with exceptions) does not matter.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace leadrouter::dsl {
namespace {

using data_internal::ForEachCsvRow;
using data_internal::InferValue;
using data_internal::ParseNumber;
using data_internal::Quote;
using data_internal::ReadWholeFile;
using data_internal::Where;

// Concatenation for error messages. (absl::StrCat takes absl::string_view, which Debian's Abseil
// does not alias to std::string_view.)
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  const auto append = [&out](const auto& part) {
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(part)>>) {
      out += std::to_string(part);
    } else {
      out += std::string_view(part);
    }
  };
  (append(parts), ...);
  return out;
}

std::string Join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (const std::string_view item : items) out += Cat(out.empty() ? "" : ", ", item);
  return out;
}

// Errors in the mapping file itself: `file:line:column: where: message`.
struct MappingFile {
  std::string_view name;

  absl::Status Error(const toml::node& node, std::string_view path,
                     std::string_view message) const {
    return Error(node.source(), path, message);
  }
  absl::Status Error(const toml::source_region& at, std::string_view path,
                     std::string_view message) const {
    return absl::InvalidArgumentError(
        Cat(name, ":", at.begin.line, ":", at.begin.column, ": ", path, ": ", message));
  }

  // Every key of `table` must be one of `allowed`: a misspelt option is an error, not ignored.
  absl::Status OnlyKeys(const toml::table& table, std::string_view path,
                        std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        return Error(key.source(), Cat(path, ".", key.str()),
                     Cat("unknown key (expected one of: ", Join(allowed), ")"));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Text(const toml::node& node, std::string_view path) const {
    if (const auto* text = node.as_string()) return text->get();
    return Error(node, path, "expected a string");
  }

  absl::StatusOr<double> Number(const toml::node& node, std::string_view path) const {
    if (node.is_number()) {
      const double value = *node.value<double>();
      if (std::isfinite(value)) return value;
    }
    return Error(node, path, "expected a finite number");
  }

  absl::StatusOr<std::vector<std::string>> TextList(const toml::node& node,
                                                    std::string_view path) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) return Error(node, path, "expected an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < array->size(); ++i) {
      ASSIGN_OR_RETURN(std::string text, Text(*array->get(i), Cat(path, "[", i, "]")));
      out.push_back(std::move(text));
    }
    return out;
  }
};

absl::StatusOr<CellType> ParseCellType(const MappingFile& file, const toml::node& node,
                                       std::string_view path) {
  ASSIGN_OR_RETURN(const std::string name, file.Text(node, path));
  if (name == "text") return CellType::kText;
  if (name == "number") return CellType::kNumber;
  if (name == "bool") return CellType::kBool;
  if (name == "time") return CellType::kTime;
  if (name == "auto") return CellType::kAuto;
  return file.Error(node, path,
                    Cat(Quote(name), " is not a type (text, number, bool, time, auto)"));
}

absl::StatusOr<ScoreTerm> ParseScoreTerm(const MappingFile& file, const toml::node& node,
                                         std::string_view path) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return file.Error(node, path, "expected a table { weight, column, points | scale, otherwise }");
  }
  RETURN_IF_ERROR(
      file.OnlyKeys(*table, path, {"weight", "column", "points", "scale", "otherwise"}));
  ScoreTerm term;
  if (const toml::node* weight = table->get("weight")) {
    ASSIGN_OR_RETURN(term.weight, file.Number(*weight, Cat(path, ".weight")));
  }
  const toml::node* column = table->get("column");
  if (column == nullptr) return file.Error(node, path, "a score term needs a `column`");
  ASSIGN_OR_RETURN(term.column, file.Text(*column, Cat(path, ".column")));
  if (const toml::node* otherwise = table->get("otherwise")) {
    ASSIGN_OR_RETURN(term.otherwise, file.Number(*otherwise, Cat(path, ".otherwise")));
  }
  const toml::node* points = table->get("points");
  const toml::node* scale = table->get("scale");
  if ((points == nullptr) == (scale == nullptr)) {
    return file.Error(node, path, "a score term needs exactly one of `points` and `scale`");
  }
  if (points != nullptr) {
    const toml::table* map = points->as_table();
    if (map == nullptr) return file.Error(*points, Cat(path, ".points"), "expected a table");
    for (const auto& [cell, value] : *map) {
      ASSIGN_OR_RETURN(const double n,
                       file.Number(value, Cat(path, ".points.", Quote(cell.str()))));
      term.points.emplace_back(std::string(cell.str()), n);
    }
  } else {
    const toml::array* range = scale->as_array();
    const std::string scale_path = Cat(path, ".scale");
    if (range == nullptr || range->size() != 2) {
      return file.Error(*scale, scale_path, "expected [low, high]");
    }
    ASSIGN_OR_RETURN(const double low, file.Number(*range->get(0), scale_path));
    ASSIGN_OR_RETURN(const double high, file.Number(*range->get(1), scale_path));
    if (!(high > low)) return file.Error(*scale, scale_path, "high must be greater than low");
    term.scale = std::pair(low, high);
  }
  return term;
}

absl::StatusOr<FieldMapping> ParseField(const MappingFile& file, std::string_view name,
                                        const toml::node& node) {
  const std::string path = Cat("fields.", name);
  FieldMapping field;
  field.name = std::string(name);
  if (node.is_string()) {  // the short form: a text field from a column
    field.column = node.as_string()->get();
    if (field.name == "created_at") field.type = CellType::kTime;
    return field;
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return file.Error(node, path, "expected a column name or a table { column, type, ... }");
  }
  RETURN_IF_ERROR(
      file.OnlyKeys(*table, path, {"column", "type", "values", "missing", "score", "round"}));
  if (const toml::node* column = table->get("column")) {
    ASSIGN_OR_RETURN(field.column, file.Text(*column, path + ".column"));
  }
  if (const toml::node* type = table->get("type")) {
    ASSIGN_OR_RETURN(field.type, ParseCellType(file, *type, path + ".type"));
  }
  if (const toml::node* missing = table->get("missing")) {
    ASSIGN_OR_RETURN(field.missing, file.TextList(*missing, path + ".missing"));
  }
  if (const toml::node* values = table->get("values")) {
    const toml::table* map = values->as_table();
    if (map == nullptr) return file.Error(*values, path + ".values", "expected a table");
    for (const auto& [cell, value] : *map) {
      const std::string value_path = Cat(path, ".values.", Quote(cell.str()));
      AttributeValue mapped;
      if (const auto* text = value.as_string()) {
        mapped = text->get();
      } else if (const auto* flag = value.as_boolean()) {
        mapped = flag->get();
      } else if (value.is_number()) {
        ASSIGN_OR_RETURN(mapped, file.Number(value, value_path));
      } else {
        return file.Error(value, value_path, "expected a string, a number or a boolean");
      }
      field.values.emplace_back(std::string(cell.str()), std::move(mapped));
    }
  }
  if (const toml::node* score = table->get("score")) {
    const toml::array* terms = score->as_array();
    if (terms == nullptr || terms->empty()) {
      return file.Error(*score, path + ".score", "expected an array of terms");
    }
    for (size_t i = 0; i < terms->size(); ++i) {
      ASSIGN_OR_RETURN(ScoreTerm term,
                       ParseScoreTerm(file, *terms->get(i), Cat(path, ".score[", i, "]")));
      field.score.push_back(std::move(term));
    }
    if (!field.column.empty() || table->get("type") || table->get("values")) {
      return file.Error(node, path, "a computed `score` takes no `column`, `type` or `values`");
    }
  } else if (field.column.empty()) {
    return file.Error(node, path, "needs a `column` (or a computed `score`)");
  }
  if (const toml::node* round = table->get("round")) {
    if (!round->is_boolean()) return file.Error(*round, path + ".round", "expected true or false");
    field.round = *round->value<bool>();
  }
  if (field.name == "created_at" && field.score.empty()) field.type = CellType::kTime;
  return field;
}

// Where each named column sits in the header.
struct ColumnIndex {
  const std::vector<std::string>& header;

  absl::StatusOr<size_t> Find(std::string_view column, std::string_view file) const {
    const auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end()) {
      return absl::InvalidArgumentError(
          Cat(file, ": the mapping names the column ", Quote(column), ", which the header lacks"));
    }
    return static_cast<size_t>(it - header.begin());
  }
};

bool IsMissing(const std::vector<std::string>& missing, std::string_view cell) {
  return std::find(missing.begin(), missing.end(), cell) != missing.end();
}

absl::StatusOr<AttributeValue> Convert(const FieldMapping& field, const std::string& cell,
                                       const Where& where, const absl::TimeZone& zone) {
  for (const auto& [from, to] : field.values) {
    if (from == cell) return to;
  }
  switch (field.type) {
    case CellType::kText:
      return cell;
    case CellType::kNumber:
      return data_internal::Number(cell, where);
    case CellType::kBool: {
      const std::string lower = absl::AsciiStrToLower(cell);
      if (lower == "true") return true;
      if (lower == "false") return false;
      return where.Error(Cat(Quote(cell), " is not true or false (list it in `values`)"));
    }
    case CellType::kTime: {
      absl::StatusOr<int64_t> at = ParseInstant(cell, zone);
      if (!at.ok()) return where.Error(std::string(at.status().message()));
      return TimestampSeconds{*at};
    }
    case CellType::kAuto:
      return InferValue(cell);
  }
  return cell;
}

double ScoreOf(const FieldMapping& field, const std::vector<std::string>& fields,
               const std::vector<size_t>& columns, const std::vector<std::string>& missing) {
  double total = 0;
  for (size_t t = 0; t < field.score.size(); ++t) {
    const ScoreTerm& term = field.score[t];
    const std::string& cell = fields[columns[t]];
    double points = term.otherwise;
    if (!IsMissing(missing, cell)) {
      if (term.scale) {
        if (const std::optional<double> x = ParseNumber(cell)) {
          const auto [low, high] = *term.scale;
          points = 100 * std::clamp((*x - low) / (high - low), 0.0, 1.0);
        }
      } else {
        for (const auto& [from, value] : term.points) {
          if (from == cell) points = value;
        }
      }
    }
    total += term.weight * points;
  }
  return field.round ? std::round(total) : total;
}

}  // namespace

absl::StatusOr<LeadMapping> ParseLeadMapping(std::string_view toml_text,
                                             std::string_view file_name) {
  const MappingFile file{file_name};
  toml::parse_result parsed = toml::parse(toml_text, file_name);
  if (!parsed) {
    const toml::parse_error& error = parsed.error();
    return absl::InvalidArgumentError(Cat(file_name, ":", error.source().begin.line, ":",
                                          error.source().begin.column, ": ", error.description()));
  }
  const toml::table& root = parsed.table();
  RETURN_IF_ERROR(file.OnlyKeys(root, "mapping", {"missing", "fields"}));
  LeadMapping mapping;
  if (const toml::node* missing = root.get("missing")) {
    ASSIGN_OR_RETURN(mapping.missing, file.TextList(*missing, "missing"));
  }
  const toml::node* fields = root.get("fields");
  if (fields == nullptr || !fields->is_table() || fields->as_table()->empty()) {
    return absl::InvalidArgumentError(
        Cat(file_name, ": no [fields] table (lead field = column, one per line)"));
  }
  for (const auto& [name, node] : *fields->as_table()) {
    ASSIGN_OR_RETURN(FieldMapping field, ParseField(file, name.str(), node));
    if (field.name == "id" && (field.type != CellType::kText || !field.score.empty())) {
      return file.Error(node, "fields.id", "the id is text from a column");
    }
    mapping.fields.push_back(std::move(field));
  }
  return mapping;
}

absl::StatusOr<LeadMapping> ReadLeadMappingFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return ParseLeadMapping(text, path);
}

absl::StatusOr<std::vector<LeadRow>> MapLeads(const LeadMapping& mapping, std::string_view csv_text,
                                              std::string_view file_name,
                                              const absl::TimeZone& zone) {
  std::vector<LeadRow> leads;
  // Resolved on the first record, once the header is known: field -> column index (or, for a
  // score, one index per term).
  std::vector<std::vector<size_t>> columns;
  const auto row = [&](const std::vector<std::string>& header,
                       const std::vector<std::string>& fields, uint32_t line,
                       size_t index) -> absl::Status {
    if (columns.empty()) {
      const ColumnIndex find{header};
      for (const FieldMapping& field : mapping.fields) {
        std::vector<size_t> at;
        if (field.score.empty()) {
          ASSIGN_OR_RETURN(const size_t i, find.Find(field.column, file_name));
          at.push_back(i);
        }
        for (const ScoreTerm& term : field.score) {
          ASSIGN_OR_RETURN(const size_t i, find.Find(term.column, file_name));
          at.push_back(i);
        }
        columns.push_back(std::move(at));
      }
    }
    LeadRow lead;
    lead.line = line;
    for (size_t f = 0; f < mapping.fields.size(); ++f) {
      const FieldMapping& field = mapping.fields[f];
      const std::vector<std::string>& missing = field.missing ? *field.missing : mapping.missing;
      if (!field.score.empty()) {
        lead.attributes.push_back({field.name, ScoreOf(field, fields, columns[f], missing)});
        continue;
      }
      const std::string& cell = fields[columns[f].front()];
      if (IsMissing(missing, cell)) continue;
      ASSIGN_OR_RETURN(AttributeValue value,
                       Convert(field, cell, Where{file_name, line, field.column}, zone));
      if (field.name == "id") {
        const auto* id = std::get_if<std::string>(&value);
        if (id == nullptr) {
          return Where{file_name, line, field.column}.Error("the id must map to text");
        }
        lead.id = *id;
      }
      if (field.name == "created_at") {
        const auto* at = std::get_if<TimestampSeconds>(&value);
        if (at == nullptr) {
          return Where{file_name, line, field.column}.Error("created_at must map to a time");
        }
        lead.created_at = at->seconds;
      }
      lead.attributes.push_back({field.name, std::move(value)});
    }
    if (lead.id.empty()) {
      lead.id = Cat("#", index);
      lead.attributes.push_back({"id", lead.id});
    }
    leads.push_back(std::move(lead));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(ForEachCsvRow(csv_text, file_name, row));
  return leads;
}

absl::StatusOr<std::vector<LeadRow>> ReadMappedLeadsFile(const std::string& path,
                                                         const LeadMapping& mapping,
                                                         const absl::TimeZone& zone) {
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return MapLeads(mapping, text, path, zone);
}

absl::StatusOr<std::vector<LeadRow>> ReadLeadsWithMapping(const std::string& path,
                                                          const std::string& mapping_path,
                                                          const absl::TimeZone& zone) {
  if (mapping_path.empty()) return ReadLeadsFile(path, zone);
  ASSIGN_OR_RETURN(const LeadMapping mapping, ReadLeadMappingFile(mapping_path));
  return ReadMappedLeadsFile(path, mapping, zone);
}

}  // namespace leadrouter::dsl
