// RAII owners of XGBoost's C handles, and the one place an XGBoost return code becomes an
// absl::Status (with XGBGetLastError() in the message). Private to dsl/score/.
//
// XGBoost is built without exceptions crossing its C API: every call returns 0 or -1, so nothing
// here throws. A Booster is not safe for concurrent calls; Model serialises them.
#pragma once

#include <xgboost/c_api.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leadrouter::dsl::score::internal {

// OK for 0; otherwise `code` with "what: <XGBoost's last error>".
[[nodiscard]] absl::Status XgbStatus(int rc, std::string_view what,
                                     absl::StatusCode code = absl::StatusCode::kInternal);

// A dense float matrix (row-major, NaN = missing) with its column types ("q" numeric, "c"
// categorical) and, for training, labels.
class DMatrix {
 public:
  [[nodiscard]] static absl::StatusOr<DMatrix> FromDense(const std::vector<float>& values,
                                                         size_t rows, size_t columns,
                                                         const std::vector<std::string>& types);
  DMatrix(DMatrix&& other) noexcept;
  DMatrix& operator=(DMatrix&& other) noexcept;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix();

  [[nodiscard]] absl::Status SetLabels(const std::vector<float>& labels);
  DMatrixHandle handle() const { return handle_; }

 private:
  explicit DMatrix(DMatrixHandle handle) : handle_(handle) {}
  DMatrixHandle handle_ = nullptr;
};

class Booster {
 public:
  // An untrained booster that will train on `train`.
  [[nodiscard]] static absl::StatusOr<Booster> Create(const DMatrix& train);
  // A booster from SaveModel's bytes; InvalidArgument when they are not a model.
  [[nodiscard]] static absl::StatusOr<Booster> Load(std::string_view bytes);
  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster();

  [[nodiscard]] absl::Status SetParam(const std::string& name, const std::string& value);
  [[nodiscard]] absl::Status UpdateOneIter(int iteration, const DMatrix& train);
  // XGBoosterPredictFromDMatrix; type 0 probabilities (rows), 2 contributions (rows x (columns
  // + 1), the last the bias).
  [[nodiscard]] absl::StatusOr<std::vector<float>> Predict(const DMatrix& data, int type) const;
  // The model as Universal Binary JSON (floats kept bit for bit).
  [[nodiscard]] absl::StatusOr<std::string> Save() const;

 private:
  explicit Booster(BoosterHandle handle) : handle_(handle) {}
  BoosterHandle handle_ = nullptr;
};

}  // namespace leadrouter::dsl::score::internal
