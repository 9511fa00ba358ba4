#include "server/api/grpc_status.h"

#include <gtest/gtest.h>

#include <string>

namespace leadrouter::server {
namespace {

TEST(GrpcStatusTest, OkStaysOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(GrpcStatusTest, CodesAndMessagesCarryOver) {
  const grpc::Status status = ToGrpcStatus(absl::InvalidArgumentError("lead.id: empty"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "lead.id: empty");
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ToGrpcStatus(absl::UnavailableError("x")).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(GrpcStatusTest, UnknownNeverLeavesTheServer) {
  EXPECT_EQ(ToGrpcStatus(absl::UnknownError("x")).error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(ToGrpcStatus(absl::Status(static_cast<absl::StatusCode>(99), "x")).error_code(),
            grpc::StatusCode::INTERNAL);
}

TEST(GrpcStatusTest, LongMessagesAreCutOnACharacterBoundary) {
  std::string message;
  while (message.size() < 3 * kMaxStatusMessageBytes) message += "é";  // two bytes each
  const grpc::Status status = ToGrpcStatus(absl::InvalidArgumentError(message));
  EXPECT_LE(status.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_TRUE(status.error_message().ends_with("... (truncated)"));
  const std::string kept = status.error_message().substr(
      0, status.error_message().size() - std::string("... (truncated)").size());
  EXPECT_EQ(kept.size() % 2, 0u) << "a UTF-8 sequence was split";
}

}  // namespace
}  // namespace leadrouter::server
