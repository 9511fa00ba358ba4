// The score model versions: the active dsl::score::Model, swapped atomically on Train (with
// `activate`), Activate and Rollback, and the stored versions behind ScoreService.
//
// Training reads the closed leads from a snapshot and fits the trees on the calling thread (it
// takes seconds); only storing the version is a mutation on the single writer. Scoring a lead
// (Score) runs on the caller's thread too, before its decision goes to the writer.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/score/model.h"
#include "dsl/score/train.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/scoring.pb.h"
#include "server/api/call_context.h"
#include "server/api/clock.h"
#include "storage/storage.h"

namespace leadrouter::server {

struct ScoreRegistryOptions {
  // The least closed data Train accepts (--score-min-closed, --score-min-each).
  // Default: 200 closed leads, 40 of each outcome
  dsl::score::Minimums minimums;
};

// One stored version, loaded. Immutable.
struct ActiveScoreModel {
  // 0 when no version is active; then `model` is null.
  int64_t version = 0;
  std::shared_ptr<const dsl::score::Model> model;
};

// A lead's score and the version that computed it.
struct LeadScore {
  double score = 0;
  int64_t model_version = 0;
};

class ScoreRegistry {
 public:
  // `clock` dates the versions; both must outlive the registry.
  ScoreRegistry(storage::Storage& storage, const Clock& clock, ScoreRegistryOptions options = {});
  ScoreRegistry(const ScoreRegistry&) = delete;
  ScoreRegistry& operator=(const ScoreRegistry&) = delete;

  // Loads the active stored version (FAILED_PRECONDITION when its bytes do not load).
  [[nodiscard]] absl::Status Load();

  // The snapshot a call scores with. Never null.
  std::shared_ptr<const ActiveScoreModel> Active() const;

  // The lead's score with the active model; nullopt when none is active. The lead's own `score`
  // is not read (ScoringAttributes).
  [[nodiscard]] absl::StatusOr<std::optional<LeadScore>> Score(
      const leadrouter::v1::Lead& lead) const;
  // The same with a snapshot the caller already holds (one Active() per call).
  [[nodiscard]] static absl::StatusOr<std::optional<LeadScore>> ScoreWith(
      const ActiveScoreModel& active, const leadrouter::v1::Lead& lead);
  // The score of `lead` by stored `version` and each feature's share (the stored decision's
  // model, so that Explain shows what decided). NotFound when the version is absent.
  [[nodiscard]] absl::StatusOr<dsl::score::ScoreExplanation> Explain(
      const leadrouter::v1::Lead& lead, int64_t version) const;

  [[nodiscard]] absl::StatusOr<leadrouter::v1::TrainModelResponse> Train(
      const leadrouter::v1::TrainModelRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::GetModelResponse> GetModel(
      const leadrouter::v1::GetModelRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListModelsResponse> ListModels(
      const leadrouter::v1::ListModelsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ActivateModelResponse> Activate(
      const leadrouter::v1::ActivateModelRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::RollbackModelResponse> Rollback(
      const leadrouter::v1::RollbackModelRequest& request, const CallContext& call);

 private:
  struct Moved {
    leadrouter::v1::ScoreModel model;
    int64_t previous = 0;
  };
  // Makes `version` active in the store (audited as `action`) and in memory.
  [[nodiscard]] absl::StatusOr<Moved> MoveActive(int64_t version, const std::string& action,
                                                 const std::string& actor,
                                                 const std::string& reason,
                                                 const CallContext& call);
  // The stored version, loaded once and kept.
  [[nodiscard]] absl::StatusOr<std::shared_ptr<const dsl::score::Model>> LoadVersion(
      int64_t version) const;
  void SetActive(int64_t version, std::shared_ptr<const dsl::score::Model> model);

  storage::Storage& storage_;
  const Clock& clock_;
  const ScoreRegistryOptions options_;
  // Held across a change of the active version and its swap in memory, so that the model in
  // memory is the one the store last made active.
  std::mutex activation_mu_;
  mutable std::mutex mu_;
  std::shared_ptr<const ActiveScoreModel> active_;  // guarded by mu_
  // Loaded versions by number (a handful: the active one and those Explain asked for).
  mutable std::map<int64_t, std::shared_ptr<const dsl::score::Model>> loaded_;  // guarded by mu_
};

}  // namespace leadrouter::server
