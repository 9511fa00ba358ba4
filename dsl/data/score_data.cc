#include "dsl/data/score_data.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/data/internal/file_rows.h"

namespace leadrouter::dsl {

absl::StatusOr<ScoreExamples> ScoreExamplesFromLeads(const std::vector<LeadRow>& leads,
                                                     std::string_view label,
                                                     std::string_view file_name) {
  ScoreExamples out;
  std::set<std::string> fields;
  for (const LeadRow& row : leads) {
    const AttributeValue* outcome = nullptr;
    for (const Attribute& a : row.attributes) {
      fields.insert(a.name);
      if (a.name == label) outcome = &a.value;  // the last one wins, as in BindRecord
    }
    if (outcome == nullptr || std::holds_alternative<std::monostate>(*outcome)) {
      ++out.unlabelled;
      continue;
    }
    score::Example example;
    if (const bool* flag = std::get_if<bool>(outcome)) {
      example.converted = *flag;
    } else if (const double* number = std::get_if<double>(outcome)) {
      example.converted = *number != 0;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(Piece(file_name), ":", row.line, ": field \"", Piece(label),
                       "\": the outcome must be true / false or a number"));
    }
    example.arrived = row.created_at;
    for (const Attribute& a : row.attributes) {
      if (a.name != label) example.attributes.push_back(a);
    }
    out.examples.push_back(std::move(example));
  }
  if (out.examples.empty() && !leads.empty()) {
    fields.erase("id");
    return absl::InvalidArgumentError(
        absl::StrCat(Piece(file_name), ": no lead has the label field \"", Piece(label),
                     "\" (the fields are: ", absl::StrJoin(fields, ", "), ")"));
  }
  return out;
}

absl::StatusOr<score::Model> ReadScoreModelFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string bytes, data_internal::ReadWholeFile(path));
  absl::StatusOr<score::Model> model = score::Model::FromBytes(bytes);
  if (!model.ok()) {
    return absl::Status(model.status().code(), absl::StrCat(path, ": ", model.status().message()));
  }
  return model;
}

absl::Status WriteScoreModelFile(const std::string& path, const score::Model& model) {
  ASSIGN_OR_RETURN(const std::string bytes, model.ToBytes());
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      const int error = errno;
      std::remove(temporary.c_str());
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot write: ", std::strerror(error)));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot write: ", std::strerror(error)));
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::dsl
