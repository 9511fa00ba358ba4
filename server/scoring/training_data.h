// What a score model learns from in the server: the store's closed leads (CONVERTED = converted,
// LOST = not, docs/followup.md), each as the fields it arrived with; and a trained model described
// as ScoreService shows it.
#pragma once

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"
#include "dsl/score/model.h"
#include "dsl/score/train.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/scoring.pb.h"
#include "storage/read_view.h"

namespace leadrouter::server {

// The label a server-trained model records (dsl::score::ModelInfo::label).
inline constexpr char kConvertedLabel[] = "converted";

// The fields a lead is scored on, and trained on: its input fields as rules see them, without
// `score` itself (a model that read the score would learn from its own output, or from a
// client's).
std::vector<dsl::Attribute> ScoringAttributes(const leadrouter::v1::Lead& lead);

struct ClosedLeads {
  // Arrival time = the lead's receive time, so the split holds out the most recent leads.
  std::vector<dsl::score::Example> examples;
  size_t converted = 0;
  size_t lost = 0;
};

// Every closed lead of `view`, in arrival order (leads that arrived at the same instant in name
// order).
[[nodiscard]] absl::StatusOr<ClosedLeads> ReadClosedLeads(const storage::ReadView& view);

// `model` as the API describes it: metrics, features, the data it came from. The store sets
// name, version, create_time and the size.
leadrouter::v1::ScoreModel DescribeModel(const dsl::score::Model& model, const ClosedLeads& leads);

}  // namespace leadrouter::server
