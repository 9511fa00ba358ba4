#include "server/grpc_status.h"

#include <string>

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
  return grpc::Status(known ? static_cast<grpc::StatusCode>(code) : grpc::StatusCode::INTERNAL,
                      message);
}

}  // namespace leadrouter::server
