#include "clients/common/rpc_status.h"

#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace leadrouter::client {

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
      return kExitNo;
    default:
      return kExitUnusable;
  }
}

ErrorDetails DecodeErrorDetails(const grpc::Status& status) {
  ErrorDetails details;
  if (status.error_details().empty()) return details;
  v1::ErrorStatus error_status;
  if (!error_status.ParseFromString(status.error_details())) return details;
  for (const google::protobuf::Any& any : error_status.details()) {
    if (v1::BadRequest bad_request; any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        details.field_violations.push_back(violation);
      }
    } else if (v1::PreconditionFailure failure; any.UnpackTo(&failure)) {
      for (const auto& violation : failure.violations()) {
        details.precondition_violations.push_back(violation);
      }
    } else if (v1::ErrorInfo info; any.UnpackTo(&info)) {
      details.error_info = std::move(info);
    } else if (v1::RuleDiagnostics diagnostics; any.UnpackTo(&diagnostics)) {
      for (const auto& diagnostic : diagnostics.diagnostics()) {
        details.diagnostics.push_back(diagnostic);
      }
    }
  }
  return details;
}

std::string FormatRpcFailure(absl::string_view rpc, const grpc::Status& status,
                             absl::string_view program) {
  const std::string& message = status.error_message();
  std::string out = absl::StrCat(
      program, ": ", rpc, " failed: ", StatusCodeName(status.error_code()), ": ", message, "\n");
  const ErrorDetails details = DecodeErrorDetails(status);
  // Each violation not already in the message, at most kShown of them.
  constexpr size_t kShown = 5;
  std::vector<std::string> lines;
  bool reason_shown = false;
  for (const v1::FieldViolation& violation : details.field_violations) {
    std::string line = absl::StrCat(violation.field(), ": ", violation.description());
    if (!absl::StrContains(message, line)) lines.push_back(std::move(line));
  }
  for (const auto& violation : details.precondition_violations) {
    if (absl::StrContains(message, violation.description())) continue;
    lines.push_back(absl::StrCat(
        violation.type(),
        violation.subject().empty() ? "" : absl::StrCat(" (", violation.subject(), ")"), ": ",
        violation.description()));
    if (details.error_info.has_value() && violation.type() == details.error_info->reason()) {
      reason_shown = true;
    }
  }
  for (size_t i = 0; i < lines.size() && i < kShown; ++i)
    absl::StrAppend(&out, "  ", lines[i], "\n");
  if (lines.size() > kShown) absl::StrAppend(&out, "  ... and ", lines.size() - kShown, " more\n");
  // The reason, unless it says nothing more than the code or the lines above.
  if (details.error_info.has_value() && !details.error_info->reason().empty() && !reason_shown &&
      details.error_info->reason() != StatusCodeName(status.error_code()) &&
      !absl::StrContains(message, details.error_info->reason())) {
    absl::StrAppend(&out, "  reason: ", details.error_info->reason(), "\n");
  }
  return out;
}

bool IsServerFailure(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::UNIMPLEMENTED || code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::PERMISSION_DENIED || code == grpc::StatusCode::INTERNAL;
}

int ReportFailure(absl::string_view rpc, const grpc::Status& status, absl::string_view program) {
  std::cerr << FormatRpcFailure(rpc, status, program);
  return ExitCodeFor(status.error_code());
}

int ReportUnusable(const absl::Status& status, absl::string_view program) {
  std::cerr << program << ": " << status.message() << '\n';
  return kExitUnusable;
}

}  // namespace leadrouter::client
