#include "storage/score_model_store.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;

absl::StatusOr<uint64_t> LastVersion(const ReadView& view) {
  uint64_t last = 0;
  RETURN_IF_ERROR(view.Scan(ColumnFamily::kScoreModels, "", "", ScanOrder::kDescending,
                            [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                              KeyReader reader(key);
                              ASSIGN_OR_RETURN(last, reader.U64());
                              return false;
                            }));
  return last;
}

absl::Status SetActive(WriteTxn& txn, uint64_t version) {
  return txn.Put(ColumnFamily::kMeta, std::string(meta_key::kActiveScoreModel),
                 EncodeInteger(version));
}

}  // namespace

std::string ScoreModelName(uint64_t version) { return absl::StrCat("score/models/", version); }

absl::StatusOr<v1::ScoreModel> StoreScoreModel(WriteTxn& txn, v1::ScoreModel model,
                                               const std::string& bytes, bool activate,
                                               const ChangeInfo& change) {
  ASSIGN_OR_RETURN(const uint64_t active, ReadActiveScoreModel(txn));
  ASSIGN_OR_RETURN(const uint64_t last, LastVersion(txn));
  const uint64_t number = last + 1;
  model.set_version(static_cast<int64_t>(number));
  model.set_name(ScoreModelName(number));
  *model.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(change.now_us);
  model.set_model_bytes(static_cast<int64_t>(bytes.size()));
  model.set_active(false);
  ScoreModelBytes stored_bytes;
  stored_bytes.set_model(bytes);
  RETURN_IF_ERROR(
      WriteMessage(txn, ColumnFamily::kScoreModelBytes, keys::ScoreModel(number), stored_bytes));
  RETURN_IF_ERROR(WriteMessage(txn, ColumnFamily::kScoreModels, keys::ScoreModel(number), model));
  if (activate) RETURN_IF_ERROR(SetActive(txn, number));
  ChangeInfo audited = change;
  if (audited.action.empty()) audited.action = "score.train";
  RETURN_IF_ERROR(
      AuditChange(txn, audited, model.name(), active, activate ? number : active).status());
  model.set_active(activate);
  return model;
}

absl::StatusOr<v1::ScoreModel> ActivateScoreModel(WriteTxn& txn, uint64_t version,
                                                  const ChangeInfo& change) {
  ASSIGN_OR_RETURN(std::optional<v1::ScoreModel> model, ReadScoreModel(txn, version));
  if (!model.has_value()) {
    return absl::NotFoundError(absl::StrCat("score model version ", version, " does not exist"));
  }
  ASSIGN_OR_RETURN(const uint64_t active, ReadActiveScoreModel(txn));
  RETURN_IF_ERROR(SetActive(txn, version));
  RETURN_IF_ERROR(AuditChange(txn, change, model->name(), active, version).status());
  model->set_active(true);
  return *std::move(model);
}

absl::StatusOr<std::optional<v1::ScoreModel>> ReadScoreModel(const ReadView& view,
                                                             uint64_t version) {
  ASSIGN_OR_RETURN(
      std::optional<v1::ScoreModel> stored,
      ReadMessage<v1::ScoreModel>(view, ColumnFamily::kScoreModels, keys::ScoreModel(version),
                                  absl::StrCat("score model ", version)));
  if (!stored.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(const uint64_t active, ReadActiveScoreModel(view));
  stored->set_active(active == version);
  return stored;
}

absl::StatusOr<std::optional<std::string>> ReadScoreModelBytes(const ReadView& view,
                                                               uint64_t version) {
  ASSIGN_OR_RETURN(
      std::optional<ScoreModelBytes> stored,
      ReadMessage<ScoreModelBytes>(view, ColumnFamily::kScoreModelBytes, keys::ScoreModel(version),
                                   absl::StrCat("score model bytes ", version)));
  if (!stored.has_value()) return std::nullopt;
  return std::move(*stored->mutable_model());
}

absl::StatusOr<uint64_t> ReadActiveScoreModel(const ReadView& view) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   view.Get(ColumnFamily::kMeta, std::string(meta_key::kActiveScoreModel)));
  if (!stored.has_value()) return 0;
  return DecodeInteger(*stored, "active score model");
}

absl::Status ListScoreModels(const ReadView& view, uint64_t before,
                             absl::FunctionRef<bool(const v1::ScoreModel&)> visit) {
  ASSIGN_OR_RETURN(const uint64_t active, ReadActiveScoreModel(view));
  const std::string end = before == 0 ? std::string() : keys::ScoreModel(before);
  return view.Scan(ColumnFamily::kScoreModels, "", end, ScanOrder::kDescending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     v1::ScoreModel model;
                     RETURN_IF_ERROR(DecodeProto(value, model, "score model"));
                     model.set_active(static_cast<uint64_t>(model.version()) == active);
                     return visit(model);
                   });
}

}  // namespace leadrouter::storage
