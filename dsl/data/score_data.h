// Lead scoring's files: training examples from a lead file's rows, and score models
// (dsl/score/model.h's bytes) read and written, for `leadctl score` and the benchmarks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/decision/lead_row.h"
#include "dsl/score/model.h"
#include "dsl/score/train.h"

namespace leadrouter::dsl {

struct ScoreExamples {
  std::vector<score::Example> examples;
  size_t unlabelled = 0;  // leads without the label field: still open, not examples
};

// The leads of a file (dsl/data/dataset.h, lead_mapping.h) as training examples: `label` is the
// outcome, true / false or a number (non-zero: converted), and created_at the arrival time.
// InvalidArgument "file:line: field \"label\": ..." for a label of another kind, or when no lead
// has the label at all (naming the fields there are).
[[nodiscard]] absl::StatusOr<ScoreExamples> ScoreExamplesFromLeads(
    const std::vector<LeadRow>& leads, std::string_view label, std::string_view file_name);

// NotFound / PermissionDenied when it cannot be read; InvalidArgument "path: ..." when it is not
// a model.
[[nodiscard]] absl::StatusOr<score::Model> ReadScoreModelFile(const std::string& path);

// Writes to `path`.tmp and renames it over `path`, so that a reader never sees half a model.
// InvalidArgument "path: ..." when it cannot be written.
[[nodiscard]] absl::Status WriteScoreModelFile(const std::string& path, const score::Model& model);

}  // namespace leadrouter::dsl
