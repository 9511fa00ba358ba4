// Scores in routing: a lead's score computed from its fields by the active model before its
// decision goes to the writer, and recorded with the decision (docs/scoring.md, "In the server").
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_fields.h"
#include "storage/assignment_store.h"
#include "storage/lead_store.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

absl::Status Assigner::ScoreItem(BatchItem& item) const {
  if (options_.scores == nullptr || item.lead.has_score()) return absl::OkStatus();
  const std::shared_ptr<const ActiveScoreModel> active = options_.scores->Active();
  if (active->model == nullptr) return absl::OkStatus();
  v1::Lead lead = item.lead;
  if (!item.mask.paths().empty()) {
    // Only some fields change: the others are the stored lead's. A concurrent update of the same
    // lead between this read and the decision can leave the score one update behind (docs/
    // scoring.md, "In the server").
    storage::DatabaseView view(storage_.database());
    ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                     storage::ReadLead(view, item.lead.name()));
    if (stored.has_value()) {
      lead = stored->lead();
      MergeLeadInput(item.lead, item.mask, lead);
    }
  }
  ASSIGN_OR_RETURN(item.score, ScoreRegistry::ScoreWith(*active, lead));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<LeadScore>> Assigner::RescoreStoredLead(
    const std::string& lead_name) const {
  if (options_.scores == nullptr) return std::nullopt;
  const std::shared_ptr<const ActiveScoreModel> active = options_.scores->Active();
  if (active->model == nullptr) return std::nullopt;
  storage::DatabaseView view(storage_.database());
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(view, lead_name));
  if (!stored.has_value()) return std::nullopt;  // the reassign itself reports it
  const v1::Lead& lead = stored->lead();
  if (lead.has_score()) {
    // A score the client sent stays; only a model's is computed again.
    ASSIGN_OR_RETURN(const std::optional<storage::HistoryRecord> current,
                     storage::ReadHistoryEntry(
                         view, lead_name, assign_internal::SequenceOf(lead.current_assignment())));
    if (!current.has_value() || current->assignment().score_model_version() == 0) {
      return std::nullopt;
    }
  }
  return ScoreRegistry::ScoreWith(*active, lead);
}

namespace assign_internal {

void ApplyScore(const BatchItem& item, v1::Lead& lead) {
  if (item.score.has_value()) lead.set_score(item.score->score);
}

void RecordScore(const BatchItem& item, const v1::Lead& lead, v1::Assignment& entry) {
  if (lead.has_score()) entry.set_score(lead.score());
  if (item.score.has_value()) entry.set_score_model_version(item.score->model_version);
}

void CopyScore(const v1::Assignment& entry, v1::AssignResponse& response) {
  if (entry.has_score()) response.set_score(entry.score());
  response.set_score_model_version(entry.score_model_version());
}

}  // namespace assign_internal
}  // namespace leadrouter::server
