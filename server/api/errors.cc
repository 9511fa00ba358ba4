#include "server/api/errors.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"

namespace leadrouter::server {
namespace {

using leadrouter::v1::BadRequest;
using leadrouter::v1::ErrorInfo;
using leadrouter::v1::PreconditionFailure;
using leadrouter::v1::RuleDiagnostics;

constexpr char kTypePrefix[] = "type.googleapis.com/";

template <typename Message>
std::string TypeUrl() {
  return absl::StrCat(kTypePrefix, Message::descriptor()->full_name());
}

template <typename Message>
void Attach(absl::Status& status, const Message& detail) {
  status.SetPayload(TypeUrl<Message>(), absl::Cord(detail.SerializeAsString()));
}

ErrorInfo Info(absl::string_view reason) {
  ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  return info;
}

BadRequest OneViolation(absl::string_view field, absl::string_view description) {
  BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  return bad_request;
}

}  // namespace

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(field, ": ", description));
  Attach(status, OneViolation(field, description));
  return status;
}

absl::Status TooLarge(absl::string_view field, absl::string_view description,
                      absl::string_view reason) {
  absl::Status status = absl::ResourceExhaustedError(absl::StrCat(field, ": ", description));
  Attach(status, OneViolation(field, description));
  Attach(status, Info(reason));
  return status;
}

absl::Status NotFound(absl::string_view name, absl::string_view description) {
  absl::Status status = absl::NotFoundError(description.empty() ? absl::StrCat(name, " not found")
                                                                : std::string(description));
  ErrorInfo info = Info("NOT_FOUND");
  (*info.mutable_metadata())["name"] = std::string(name);
  Attach(status, info);
  return status;
}

absl::Status Precondition(absl::string_view type, absl::string_view subject,
                          absl::string_view description) {
  absl::Status status = absl::FailedPreconditionError(description);
  PreconditionFailure::Violation violation;
  violation.set_type(std::string(type));
  violation.set_subject(std::string(subject));
  violation.set_description(std::string(description));
  ErrorInfo info = Info(type);
  if (!subject.empty()) (*info.mutable_metadata())["subject"] = std::string(subject);
  Attach(status, info);
  return WithViolations(std::move(status), {violation});
}

absl::Status Aborted(absl::string_view reason, absl::string_view description) {
  absl::Status status = absl::AbortedError(description);
  Attach(status, Info(reason));
  return status;
}

absl::Status ShuttingDown() {
  absl::Status status = absl::UnavailableError("the server is shutting down; retry elsewhere");
  Attach(status, Info("SHUTTING_DOWN"));
  return status;
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (!status.ok()) Attach(status, Info(reason));
  return status;
}

absl::Status WithDiagnostics(absl::Status status,
                             const std::vector<leadrouter::v1::Diagnostic>& diagnostics) {
  if (status.ok()) return status;
  // Trailers share gRPC's 8 KiB metadata budget with the message: the first diagnostics are the
  // ones a person fixes first, and Check returns every one of them in its response.
  constexpr size_t kMaxDiagnosticDetails = 16;
  RuleDiagnostics detail;
  for (const auto& diagnostic : diagnostics) {
    if (static_cast<size_t>(detail.diagnostics_size()) == kMaxDiagnosticDetails) break;
    *detail.add_diagnostics() = diagnostic;
  }
  Attach(status, detail);
  return status;
}

absl::Status WithViolations(
    absl::Status status,
    const std::vector<leadrouter::v1::PreconditionFailure::Violation>& violations) {
  if (status.ok()) return status;
  PreconditionFailure failure;
  for (const auto& violation : violations) *failure.add_violations() = violation;
  Attach(status, failure);
  return status;
}

leadrouter::v1::ErrorStatus ToErrorStatus(const absl::Status& status) {
  leadrouter::v1::ErrorStatus error;
  error.set_code(static_cast<int>(status.code()));
  error.set_message(std::string(status.message()));
  status.ForEachPayload([&error](absl::string_view type_url, const absl::Cord& payload) {
    if (!absl::StartsWith(type_url, kTypePrefix)) return;
    google::protobuf::Any* any = error.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  return error;
}

}  // namespace leadrouter::server
