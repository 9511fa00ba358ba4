#include "server/scoring/training_data.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dsl/base/status_macros.h"
#include "server/api/dsl_binding.h"
#include "storage/lead_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

v1::ModelMetrics ToMetricsProto(const dsl::score::Metrics& metrics) {
  v1::ModelMetrics out;
  out.set_count(static_cast<int64_t>(metrics.count));
  out.set_positives(static_cast<int64_t>(metrics.positives));
  out.set_base_rate(metrics.base_rate);
  out.set_roc_auc(metrics.roc_auc);
  out.set_log_loss(metrics.log_loss);
  out.set_top_decile_lift(metrics.top_decile_lift);
  for (const dsl::score::CalibrationBin& bin : metrics.deciles) {
    v1::CalibrationDecile* decile = out.add_deciles();
    decile->set_count(static_cast<int64_t>(bin.count));
    decile->set_mean_predicted(bin.mean_predicted);
    decile->set_observed_rate(bin.observed_rate);
  }
  return out;
}

}  // namespace

std::vector<dsl::Attribute> ScoringAttributes(const v1::Lead& lead) {
  std::vector<dsl::Attribute> attributes = LeadAttributes(lead);
  std::erase_if(attributes, [](const dsl::Attribute& a) { return a.name == "score"; });
  return attributes;
}

absl::StatusOr<ClosedLeads> ReadClosedLeads(const storage::ReadView& view) {
  ClosedLeads closed;
  // The split compares arrival times in seconds; many leads arrive within one second, so they are
  // put in arrival order here to the nanosecond and the held-out share is the truly newest.
  std::vector<std::pair<int64_t, int32_t>> arrival;
  RETURN_IF_ERROR(storage::ListLeads(view, "", [&](const storage::LeadRecord& record) {
    const v1::Lead& lead = record.lead();
    const bool converted = lead.state() == v1::LEAD_STATE_CONVERTED;
    if (!converted && lead.state() != v1::LEAD_STATE_LOST) return true;
    dsl::score::Example example;
    example.attributes = ScoringAttributes(lead);
    example.converted = converted;
    example.arrived = lead.receive_time().seconds();
    closed.examples.push_back(std::move(example));
    arrival.emplace_back(lead.receive_time().seconds(), lead.receive_time().nanos());
    ++(converted ? closed.converted : closed.lost);
    return true;
  }));
  std::vector<size_t> order(closed.examples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return arrival[a] < arrival[b]; });
  std::vector<dsl::score::Example> sorted;
  sorted.reserve(order.size());
  for (const size_t i : order) sorted.push_back(std::move(closed.examples[i]));
  closed.examples = std::move(sorted);
  return closed;
}

v1::ScoreModel DescribeModel(const dsl::score::Model& model, const ClosedLeads& leads) {
  const dsl::score::ModelInfo& info = model.info();
  v1::ScoreModel out;
  *out.mutable_holdout() = ToMetricsProto(info.holdout);
  for (const dsl::score::Feature& feature : model.features().features()) {
    v1::ModelFeature* described = out.add_features();
    described->set_field(feature.field);
    described->set_kind(std::string(dsl::score::FeatureKindName(feature.kind)));
    for (const std::string& category : feature.categories) described->add_categories(category);
  }
  v1::TrainingData* data = out.mutable_data();
  int64_t first = 0;
  int64_t last = 0;
  for (const dsl::score::Example& example : leads.examples) {
    const int64_t arrived = example.arrived.value_or(0);
    first = (&example == &leads.examples.front()) ? arrived : std::min(first, arrived);
    last = std::max(last, arrived);
  }
  data->mutable_first_arrival_time()->set_seconds(first);
  data->mutable_last_arrival_time()->set_seconds(last);
  data->set_closed_count(static_cast<int64_t>(leads.examples.size()));
  data->set_converted_count(static_cast<int64_t>(leads.converted));
  data->set_lost_count(static_cast<int64_t>(leads.lost));
  data->set_train_count(static_cast<int64_t>(info.train_count));
  data->set_holdout_count(static_cast<int64_t>(info.holdout.count));
  data->set_split(info.split);
  out.set_seed(info.seed);
  return out;
}

}  // namespace leadrouter::server
