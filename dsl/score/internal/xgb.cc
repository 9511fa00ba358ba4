#include "dsl/score/internal/xgb.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"

namespace leadrouter::dsl::score::internal {

absl::Status XgbStatus(int rc, std::string_view what, absl::StatusCode code) {
  if (rc == 0) return absl::OkStatus();
  return absl::Status(code, absl::StrCat(Piece(what), ": ", XGBGetLastError()));
}

absl::StatusOr<DMatrix> DMatrix::FromDense(const std::vector<float>& values, size_t rows,
                                           size_t columns, const std::vector<std::string>& types) {
  DMatrixHandle handle = nullptr;
  // One thread: OpenMP's spinning workers cost more than they save on a few leads, and fight the
  // server's own threads for the cores.
  RETURN_IF_ERROR(XgbStatus(
      XGDMatrixCreateFromMat_omp(values.data(), static_cast<bst_ulong>(rows),
                                 static_cast<bst_ulong>(columns), std::nanf(""), &handle, 1),
      "XGDMatrixCreateFromMat"));
  DMatrix matrix(handle);
  std::vector<const char*> names;
  names.reserve(types.size());
  for (const std::string& t : types) names.push_back(t.c_str());
  RETURN_IF_ERROR(
      XgbStatus(XGDMatrixSetStrFeatureInfo(handle, "feature_type", names.data(), names.size()),
                "XGDMatrixSetStrFeatureInfo(feature_type)"));
  return matrix;
}

DMatrix::DMatrix(DMatrix&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

DMatrix& DMatrix::operator=(DMatrix&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

DMatrix::~DMatrix() {
  if (handle_ != nullptr) XGDMatrixFree(handle_);
}

absl::Status DMatrix::SetLabels(const std::vector<float>& labels) {
  return XgbStatus(XGDMatrixSetFloatInfo(handle_, "label", labels.data(), labels.size()),
                   "XGDMatrixSetFloatInfo(label)");
}

absl::StatusOr<Booster> Booster::Create(const DMatrix& train) {
  BoosterHandle handle = nullptr;
  const DMatrixHandle matrices[] = {train.handle()};
  RETURN_IF_ERROR(XgbStatus(XGBoosterCreate(matrices, 1, &handle), "XGBoosterCreate"));
  return Booster(handle);
}

absl::StatusOr<Booster> Booster::Load(std::string_view bytes) {
  BoosterHandle handle = nullptr;
  RETURN_IF_ERROR(XgbStatus(XGBoosterCreate(nullptr, 0, &handle), "XGBoosterCreate"));
  Booster booster(handle);
  RETURN_IF_ERROR(XgbStatus(XGBoosterLoadModelFromBuffer(handle, bytes.data(), bytes.size()),
                            "the booster does not load", absl::StatusCode::kInvalidArgument));
  // nthread is a run-time setting, not part of the saved model: predict on one thread, as trained.
  RETURN_IF_ERROR(booster.SetParam("nthread", "1"));
  return booster;
}

Booster::Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

absl::Status Booster::SetParam(const std::string& name, const std::string& value) {
  return XgbStatus(XGBoosterSetParam(handle_, name.c_str(), value.c_str()),
                   absl::StrCat("XGBoosterSetParam(", name, "=", value, ")"));
}

absl::Status Booster::UpdateOneIter(int iteration, const DMatrix& train) {
  return XgbStatus(XGBoosterUpdateOneIter(handle_, iteration, train.handle()),
                   "XGBoosterUpdateOneIter");
}

absl::StatusOr<std::vector<float>> Booster::Predict(const DMatrix& data, int type) const {
  const std::string config = absl::StrCat(R"({"type": )", type,
                                          R"(, "training": false, "iteration_begin": 0, )"
                                          R"("iteration_end": 0, "strict_shape": false})");
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* result = nullptr;
  RETURN_IF_ERROR(XgbStatus(XGBoosterPredictFromDMatrix(handle_, data.handle(), config.c_str(),
                                                        &shape, &dimensions, &result),
                            "XGBoosterPredictFromDMatrix"));
  size_t count = 1;
  for (bst_ulong i = 0; i < dimensions; ++i) count *= static_cast<size_t>(shape[i]);
  // XGBoost owns `result` until its next call on this booster: copy it out now.
  return std::vector<float>(result, result + count);
}

absl::StatusOr<std::string> Booster::Save() const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  RETURN_IF_ERROR(
      XgbStatus(XGBoosterSaveModelToBuffer(handle_, R"({"format": "ubj"})", &length, &bytes),
                "XGBoosterSaveModelToBuffer"));
  return std::string(bytes, static_cast<size_t>(length));
}

}  // namespace leadrouter::dsl::score::internal
