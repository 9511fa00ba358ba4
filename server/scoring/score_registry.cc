#include "server/scoring/score_registry.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/base/status_macros.h"
#include "server/api/errors.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "server/scoring/training_data.h"
#include "storage/score_model_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using dsl::score::Model;

constexpr char kModelsPrefix[] = "score/models/";

// `score/models/{version}`, version >= 1; 0 for an empty name when `allow_empty`.
absl::StatusOr<int64_t> ParseModelName(const std::string& name, bool allow_empty) {
  if (allow_empty && name.empty()) return 0;
  int64_t version = 0;
  if (!absl::StartsWith(name, kModelsPrefix) ||
      !absl::SimpleAtoi(absl::string_view(name).substr(sizeof(kModelsPrefix) - 1), &version) ||
      version <= 0) {
    return InvalidField("name", absl::StrCat("must be score/models/{version} with version >= 1",
                                             allow_empty ? " (or empty for the active one)" : "",
                                             ", got \"", name.substr(0, 200), "\""));
  }
  return version;
}

}  // namespace

ScoreRegistry::ScoreRegistry(storage::Storage& storage, const Clock& clock,
                             ScoreRegistryOptions options)
    : storage_(storage),
      clock_(clock),
      options_(options),
      active_(std::make_shared<const ActiveScoreModel>()) {}

absl::Status ScoreRegistry::Load() {
  std::lock_guard activation(activation_mu_);
  storage::DatabaseView view(storage_.database());
  ASSIGN_OR_RETURN(const uint64_t active, storage::ReadActiveScoreModel(view));
  if (active == 0) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const Model>> model = LoadVersion(static_cast<int64_t>(active));
  if (!model.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the active score model ", active, " does not load: ", model.status().message()));
  }
  SetActive(static_cast<int64_t>(active), *std::move(model));
  spdlog::info("score model loaded version={}", active);
  return absl::OkStatus();
}

std::shared_ptr<const ActiveScoreModel> ScoreRegistry::Active() const {
  std::lock_guard lock(mu_);
  return active_;
}

absl::StatusOr<std::optional<LeadScore>> ScoreRegistry::Score(const v1::Lead& lead) const {
  return ScoreWith(*Active(), lead);
}

absl::StatusOr<std::optional<LeadScore>> ScoreRegistry::ScoreWith(const ActiveScoreModel& active,
                                                                  const v1::Lead& lead) {
  if (active.model == nullptr) return std::nullopt;
  ASSIGN_OR_RETURN(const double score, active.model->Predict(ScoringAttributes(lead)));
  return LeadScore{score, active.version};
}

absl::StatusOr<dsl::score::ScoreExplanation> ScoreRegistry::Explain(const v1::Lead& lead,
                                                                    int64_t version) const {
  ASSIGN_OR_RETURN(const std::shared_ptr<const Model> model, LoadVersion(version));
  return model->Explain(ScoringAttributes(lead));
}

absl::StatusOr<std::shared_ptr<const Model>> ScoreRegistry::LoadVersion(int64_t version) const {
  {
    std::lock_guard lock(mu_);
    if (const auto found = loaded_.find(version); found != loaded_.end()) return found->second;
  }
  storage::DatabaseView view(storage_.database());
  ASSIGN_OR_RETURN(const std::optional<std::string> bytes,
                   storage::ReadScoreModelBytes(view, static_cast<uint64_t>(version)));
  if (!bytes.has_value()) return NotFound(storage::ScoreModelName(static_cast<uint64_t>(version)));
  ASSIGN_OR_RETURN(Model model, Model::FromBytes(*bytes));
  auto shared = std::make_shared<const Model>(std::move(model));
  std::lock_guard lock(mu_);
  return loaded_.emplace(version, std::move(shared)).first->second;
}

void ScoreRegistry::SetActive(int64_t version, std::shared_ptr<const Model> model) {
  auto next = std::make_shared<ActiveScoreModel>();
  next->version = version;
  next->model = std::move(model);
  std::lock_guard lock(mu_);
  active_ = std::move(next);
}

absl::StatusOr<v1::TrainModelResponse> ScoreRegistry::Train(const v1::TrainModelRequest& request,
                                                            const CallContext& call) {
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  if (request.activate() && request.activate_if_better()) {
    return InvalidField("activate_if_better", "excludes activate: ask for one of them");
  }
  ClosedLeads closed;
  {
    storage::DatabaseView view(storage_.database());
    ASSIGN_OR_RETURN(closed, ReadClosedLeads(view));
  }
  if (absl::Status enough = dsl::score::CheckEnoughData(closed.examples, options_.minimums);
      !enough.ok()) {
    return Precondition("NOT_ENOUGH_DATA", "closed leads", enough.message());
  }
  dsl::score::TrainOptions options;
  options.minimums = options_.minimums;
  if (request.seed() != 0) options.seed = request.seed();
  ASSIGN_OR_RETURN(Model trained, dsl::score::Train(closed.examples, kConvertedLabel, options));
  RETURN_IF_ERROR(call.CheckDeadline());
  v1::TrainModelResponse response;
  bool activate = request.activate();
  if (request.activate_if_better()) {
    // The active model on the leads the new one held out: the split is Train's own (seeded,
    // time-based in the store), and neither model saw those leads.
    const std::shared_ptr<const ActiveScoreModel> current = Active();
    activate = current->model == nullptr;
    if (!activate) {
      const dsl::score::Split split =
          dsl::score::SplitExamples(closed.examples, options.holdout_fraction, options.seed);
      ASSIGN_OR_RETURN(const dsl::score::Metrics compared,
                       dsl::score::EvaluateOn(*current->model, closed.examples, split.test));
      response.set_compared_version(current->version);
      response.set_compared_roc_auc(compared.roc_auc);
      activate = trained.info().holdout.roc_auc >= compared.roc_auc;
    }
  }
  ASSIGN_OR_RETURN(const std::string bytes, trained.ToBytes());
  v1::ScoreModel described = DescribeModel(trained, closed);
  described.set_author(request.actor());
  auto model = std::make_shared<const Model>(std::move(trained));

  std::lock_guard activation(activation_mu_);
  v1::ScoreModel stored;
  RETURN_IF_ERROR(storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        storage::ChangeInfo change;
        change.actor = request.actor();
        change.action = "score.train";
        change.detail = absl::StrCat("trained on ", closed.examples.size(), " closed leads");
        change.now_us = absl::ToUnixMicros(clock_.Now());
        ASSIGN_OR_RETURN(stored, storage::StoreScoreModel(txn, described, bytes, activate, change));
        return absl::OkStatus();
      },
      call.principal));
  {
    std::lock_guard lock(mu_);
    loaded_.emplace(stored.version(), model);
  }
  if (activate) SetActive(stored.version(), model);
  spdlog::info("score model trained version={} closed={} auc={:.4f} active={}{}", stored.version(),
               closed.examples.size(), stored.holdout().roc_auc(), stored.active(),
               response.has_compared_roc_auc()
                   ? absl::StrFormat(" compared_version=%d compared_auc=%.4f",
                                     response.compared_version(), response.compared_roc_auc())
                   : std::string());
  *response.mutable_model() = std::move(stored);
  return response;
}

absl::StatusOr<v1::GetModelResponse> ScoreRegistry::GetModel(
    const v1::GetModelRequest& request) const {
  ASSIGN_OR_RETURN(int64_t version, ParseModelName(request.name(), /*allow_empty=*/true));
  storage::DatabaseView view(storage_.database());
  if (version == 0) {
    ASSIGN_OR_RETURN(const uint64_t active, storage::ReadActiveScoreModel(view));
    if (active == 0) return NotFound("score/models/active", "no score model is active");
    version = static_cast<int64_t>(active);
  }
  ASSIGN_OR_RETURN(std::optional<v1::ScoreModel> stored,
                   storage::ReadScoreModel(view, static_cast<uint64_t>(version)));
  if (!stored.has_value()) return NotFound(storage::ScoreModelName(static_cast<uint64_t>(version)));
  v1::GetModelResponse response;
  *response.mutable_model() = *std::move(stored);
  return response;
}

absl::StatusOr<v1::ListModelsResponse> ScoreRegistry::ListModels(
    const v1::ListModelsRequest& request) const {
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 20, 100));
  const uint64_t fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(const std::string position, DecodePageToken(request.page_token(), fingerprint));
  uint64_t before = 0;
  if (!position.empty() && !absl::SimpleAtoi(position, &before)) {
    return InvalidField("page_token", "not a token this server issued");
  }
  storage::DatabaseView view(storage_.database());
  v1::ListModelsResponse response;
  uint64_t last = 0;
  bool more = false;
  RETURN_IF_ERROR(storage::ListScoreModels(view, before, [&](const v1::ScoreModel& model) {
    if (response.models_size() == page_size) {
      more = true;
      return false;
    }
    *response.add_models() = model;
    last = static_cast<uint64_t>(model.version());
    return true;
  }));
  if (more) response.set_next_page_token(EncodePageToken(absl::StrCat(last), fingerprint));
  return response;
}

absl::StatusOr<ScoreRegistry::Moved> ScoreRegistry::MoveActive(int64_t version,
                                                               const std::string& action,
                                                               const std::string& actor,
                                                               const std::string& reason,
                                                               const CallContext& call) {
  // Loaded before the change: a version that does not load never becomes active.
  ASSIGN_OR_RETURN(std::shared_ptr<const Model> model, LoadVersion(version));
  Moved moved;
  RETURN_IF_ERROR(storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        ASSIGN_OR_RETURN(const uint64_t previous, storage::ReadActiveScoreModel(txn));
        moved.previous = static_cast<int64_t>(previous);
        storage::ChangeInfo change;
        change.actor = actor;
        change.action = action;
        change.detail = reason;
        change.now_us = absl::ToUnixMicros(clock_.Now());
        ASSIGN_OR_RETURN(moved.model,
                         storage::ActivateScoreModel(txn, static_cast<uint64_t>(version), change));
        return absl::OkStatus();
      },
      call.principal));
  SetActive(version, std::move(model));
  spdlog::info("score model activated version={} previous={} action={} actor={}", version,
               moved.previous, action, actor);
  return moved;
}

absl::StatusOr<v1::ActivateModelResponse> ScoreRegistry::Activate(
    const v1::ActivateModelRequest& request, const CallContext& call) {
  ASSIGN_OR_RETURN(const int64_t version, ParseModelName(request.name(), /*allow_empty=*/false));
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, false));
  std::lock_guard activation(activation_mu_);
  ASSIGN_OR_RETURN(Moved moved,
                   MoveActive(version, "score.activate", request.actor(), request.reason(), call));
  v1::ActivateModelResponse response;
  *response.mutable_model() = std::move(moved.model);
  response.set_previous_version(moved.previous);
  return response;
}

absl::StatusOr<v1::RollbackModelResponse> ScoreRegistry::Rollback(
    const v1::RollbackModelRequest& request, const CallContext& call) {
  ASSIGN_OR_RETURN(int64_t version, ParseModelName(request.name(), /*allow_empty=*/true));
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, false));
  std::lock_guard activation(activation_mu_);
  if (version == 0) {
    storage::DatabaseView view(storage_.database());
    ASSIGN_OR_RETURN(const uint64_t active, storage::ReadActiveScoreModel(view));
    if (active == 0) {
      return Precondition("NO_ACTIVE_MODEL", "score/models/active", "no score model is active");
    }
    RETURN_IF_ERROR(storage::ListScoreModels(view, active, [&](const v1::ScoreModel& model) {
      version = model.version();
      return false;
    }));
    if (version == 0) {
      return Precondition("NO_EARLIER_MODEL", storage::ScoreModelName(active),
                          absl::StrCat("score model ", active,
                                       " is the oldest version: there is none to roll back to"));
    }
  }
  ASSIGN_OR_RETURN(Moved moved,
                   MoveActive(version, "score.rollback", request.actor(), request.reason(), call));
  v1::RollbackModelResponse response;
  *response.mutable_model() = std::move(moved.model);
  response.set_previous_version(moved.previous);
  return response;
}

}  // namespace leadrouter::server
