// Errors with the machine-readable details docs/api.md promises (errors.proto), built as
// absl::Status values so the core never depends on gRPC.
//
// Each detail message travels as a payload of the absl::Status, keyed by its Any type URL;
// ToGrpcStatus (server/api/grpc_status.h) packs every payload into the ErrorStatus of the
// `grpc-status-details-bin` trailer. A status without payloads is still complete: the message
// always names the field, the resource or the limit.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/errors.pb.h"

namespace leadrouter::server {

inline constexpr char kErrorDomain[] = "leadrouter.v1";

// INVALID_ARGUMENT "`field`: `description`" with a BadRequest naming `field`.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// RESOURCE_EXHAUSTED "`field`: `description`" with a BadRequest and ErrorInfo `reason`
// (BATCH_TOO_LARGE, SOURCE_TOO_LARGE, TOO_MANY_ROWS).
absl::Status TooLarge(absl::string_view field, absl::string_view description,
                      absl::string_view reason);

// NOT_FOUND "`name` not found" (or `description` when given) with an ErrorInfo naming it.
absl::Status NotFound(absl::string_view name, absl::string_view description = {});

// FAILED_PRECONDITION with a PreconditionFailure (`type`, `subject`, `description`) and an
// ErrorInfo whose reason is `type`. More violations can be added with AddViolation.
absl::Status Precondition(absl::string_view type, absl::string_view subject,
                          absl::string_view description);

// ABORTED (optimistic concurrency) with ErrorInfo `reason`.
absl::Status Aborted(absl::string_view reason, absl::string_view description);

// UNAVAILABLE with ErrorInfo SHUTTING_DOWN.
absl::Status ShuttingDown();

// UNIMPLEMENTED "`method` is not implemented yet" with ErrorInfo NOT_IMPLEMENTED, for an RPC of
// the API that has no implementation; `method` as a client names it,
// "leadrouter.v1.ReportService/Distribution".
absl::Status NotImplemented(absl::string_view method);

// `status` with ErrorInfo `reason` attached (code and message unchanged).
absl::Status WithReason(absl::Status status, absl::string_view reason);

// `status` with the rule diagnostics attached (RuleDiagnostics).
absl::Status WithDiagnostics(absl::Status status,
                             const std::vector<leadrouter::v1::Diagnostic>& diagnostics);

// `status` with a PreconditionFailure listing `violations` (replacing any attached before).
absl::Status WithViolations(
    absl::Status status,
    const std::vector<leadrouter::v1::PreconditionFailure::Violation>& violations);

// The ErrorStatus a failed call or AssignBatch item carries: code, message, every detail.
leadrouter::v1::ErrorStatus ToErrorStatus(const absl::Status& status);

}  // namespace leadrouter::server
