// Score model versions: column family `score_models` (the description: metrics, features,
// training data), `score_model_bytes` (the model itself), both keyed by version number (1, 2,
// ...), plus the active version in `meta`.
//
// Versions are immutable and never deleted. Storing one, and moving the active pointer
// (Activate, Rollback), are each one change with its audit record (before/after = the active
// version before and after), so the active model is swapped atomically with its record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leadrouter/v1/scoring.pb.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

// "score/models/{version}".
std::string ScoreModelName(uint64_t version);

// Stores `model` with its `bytes` as the next version, and makes it active when `activate`. Its
// `version`, `name`, `create_time` (= change.now_us) and `model_bytes` are set here. The audit
// record is "score.train" (change.action when set). Returns the version as stored, `active` set.
[[nodiscard]] absl::StatusOr<leadrouter::v1::ScoreModel> StoreScoreModel(
    WriteTxn& txn, leadrouter::v1::ScoreModel model, const std::string& bytes, bool activate,
    const ChangeInfo& change);

// Makes the stored `version` active; NotFound naming it when absent. Audited as change.action.
// Returns the version now active.
[[nodiscard]] absl::StatusOr<leadrouter::v1::ScoreModel> ActivateScoreModel(
    WriteTxn& txn, uint64_t version, const ChangeInfo& change);

// The stored description, nullopt when absent; `active` filled in.
[[nodiscard]] absl::StatusOr<std::optional<leadrouter::v1::ScoreModel>> ReadScoreModel(
    const ReadView& view, uint64_t version);

// The model's bytes (dsl::score::Model::FromBytes reads them), nullopt when absent.
[[nodiscard]] absl::StatusOr<std::optional<std::string>> ReadScoreModelBytes(const ReadView& view,
                                                                             uint64_t version);

// The active version number; 0 when none is.
[[nodiscard]] absl::StatusOr<uint64_t> ReadActiveScoreModel(const ReadView& view);

// Visits descriptions newest first, starting below `before` (0: from the newest).
[[nodiscard]] absl::Status ListScoreModels(
    const ReadView& view, uint64_t before,
    absl::FunctionRef<bool(const leadrouter::v1::ScoreModel&)> visit);

}  // namespace leadrouter::storage
