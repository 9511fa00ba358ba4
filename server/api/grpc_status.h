// The one place where our absl::Status becomes a grpc::Status.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace leadrouter::server {

// Maps the code one to one (absl and gRPC share their numbering) and keeps the message, cut to
// kMaxStatusMessageBytes so a huge diagnostic list can never exceed gRPC's metadata limits.
// Details attached by server/api/errors.h travel as a leadrouter.v1.ErrorStatus in the
// `grpc-status-details-bin` trailer. UNKNOWN never leaves the server: an absl::Status without a
// code we recognise becomes INTERNAL.
grpc::Status ToGrpcStatus(const absl::Status& status);

inline constexpr size_t kMaxStatusMessageBytes = 4096;

}  // namespace leadrouter::server
