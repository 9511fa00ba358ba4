#include "server/api/grpc_status.h"

#include <string>

#include "server/api/errors.h"

namespace leadrouter::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  if (message.size() > kMaxStatusMessageBytes) {
    constexpr std::string_view kEllipsis = "... (truncated)";
    message.resize(kMaxStatusMessageBytes - kEllipsis.size());
    // Do not leave half of a UTF-8 sequence behind.
    while (!message.empty() && (static_cast<unsigned char>(message.back()) & 0xC0) == 0x80) {
      message.pop_back();
    }
    if (!message.empty() && (static_cast<unsigned char>(message.back()) & 0x80) != 0) {
      message.pop_back();
    }
    message += kEllipsis;
  }
  const int code = static_cast<int>(status.code());
  const bool known = code > 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated) &&
                     status.code() != absl::StatusCode::kUnknown;
  const grpc::StatusCode grpc_code =
      known ? static_cast<grpc::StatusCode>(code) : grpc::StatusCode::INTERNAL;
  leadrouter::v1::ErrorStatus details = ToErrorStatus(status);
  if (details.details().empty()) return grpc::Status(grpc_code, message);
  details.set_code(static_cast<int>(grpc_code));
  details.set_message(message);
  return grpc::Status(grpc_code, message, details.SerializeAsString());
}

}  // namespace leadrouter::server
