// How the clients report a failed RPC and which exit code it means.
//
// Every failure prints one line, `leadctl: <RPC> failed: <CODE>: <message>`, followed by the
// details the server attached (dsl::Diagnostic-free ones: field violations, preconditions, error
// reasons), each on its own indented line. Rule diagnostics are returned separately so that the
// caller can render them against the source it sent.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/errors.pb.h"

namespace leadrouter::client {

// The process exit codes every leadctl command uses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;        // the answer is "no": rejected, not found, differs
inline constexpr int kExitUnusable = 2;  // unusable input, unreachable or failing server

// "INVALID_ARGUMENT", "UNAVAILABLE", ... as in the gRPC documentation.
std::string StatusCodeName(grpc::StatusCode code);

// The exit code for a non-OK status: 1 when the server understood the request and said no
// (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED), 2 otherwise (bad input, unreachable,
// deadline, unimplemented, internal).
int ExitCodeFor(grpc::StatusCode code);

// The details decoded from `grpc-status-details-bin`; empty when there are none or they do not
// parse.
struct ErrorDetails {
  std::vector<v1::FieldViolation> field_violations;
  std::vector<v1::PreconditionFailure::Violation> precondition_violations;
  std::optional<v1::ErrorInfo> error_info;
  std::vector<v1::Diagnostic> diagnostics;
};
ErrorDetails DecodeErrorDetails(const grpc::Status& status);

// `<program>: <rpc> failed: <CODE>: <message>\n` plus one `  <detail>\n` line per field violation
// or precondition violation that the message does not already contain, and `  reason: R\n` for an
// ErrorInfo. Rule diagnostics are not included.
std::string FormatRpcFailure(absl::string_view rpc, const grpc::Status& status,
                             absl::string_view program = "leadctl");

// True for failures that make every further call pointless (unreachable, deadline, unimplemented,
// not allowed): commands working through a list stop at them instead of trying the next item.
bool IsServerFailure(grpc::StatusCode code);

// Prints FormatRpcFailure to stderr and returns ExitCodeFor(status).
int ReportFailure(absl::string_view rpc, const grpc::Status& status,
                  absl::string_view program = "leadctl");

// Input a command cannot use (a file it cannot read, a flag it cannot parse): prints
// `<program>: <message>\n` to stderr and returns kExitUnusable.
int ReportUnusable(const absl::Status& status, absl::string_view program = "leadctl");

}  // namespace leadrouter::client
