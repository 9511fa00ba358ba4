#include "server/auth/auth_processor.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace leadrouter::server::auth {
namespace {

constexpr absl::string_view kAuthorization = "authorization";
constexpr absl::string_view kBearer = "Bearer ";

absl::string_view View(const grpc::string_ref& ref) { return {ref.data(), ref.size()}; }

// The token of an `authorization: Bearer <token>` header; nullopt for any other form.
std::optional<absl::string_view> BearerToken(absl::string_view header) {
  if (!absl::StartsWith(header, kBearer) || header.size() == kBearer.size()) return std::nullopt;
  return header.substr(kBearer.size());
}

std::string Quoted(absl::string_view text, size_t max_bytes) {
  return text.size() > max_bytes ? absl::StrCat(text.substr(0, max_bytes), "...")
                                 : std::string(text);
}

}  // namespace

AuthProcessor::AuthProcessor(std::shared_ptr<const TokenTable> tokens)
    : tokens_(std::move(tokens)) {}

void AuthProcessor::ReplaceTokens(std::shared_ptr<const TokenTable> tokens) {
  std::lock_guard lock(mu_);
  tokens_ = std::move(tokens);
}

std::shared_ptr<const TokenTable> AuthProcessor::Tokens() const {
  std::lock_guard lock(mu_);
  return tokens_;
}

grpc::Status AuthProcessor::Process(const InputMetadata& metadata, grpc::AuthContext* /*context*/,
                                    OutputMetadata* /*consumed*/, OutputMetadata* /*response*/) {
  absl::string_view method;
  if (const auto path = metadata.find(":path"); path != metadata.end()) method = View(path->second);
  absl::string_view token_header;
  bool has_token_header = false;
  if (const auto found = metadata.find(std::string(kAuthorization)); found != metadata.end()) {
    token_header = View(found->second);
    has_token_header = true;
  }

  const MethodAccess* access = FindMethodAccess(method);
  if (access != nullptr && access->public_method) return grpc::Status::OK;

  if (!has_token_header) {
    spdlog::info("auth refused method={} reason=no_token", Quoted(method, 200));
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "no credentials: send the metadata `authorization: Bearer <token>`");
  }
  const std::optional<absl::string_view> token = BearerToken(token_header);
  if (!token) {
    spdlog::info("auth refused method={} reason=malformed_authorization", Quoted(method, 200));
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "malformed `authorization` metadata: expected `Bearer <token>`");
  }
  const std::shared_ptr<const TokenTable> tokens = Tokens();
  const Principal* principal = tokens->Find(*token);
  if (principal == nullptr) {
    spdlog::info("auth refused method={} reason=unknown_token", Quoted(method, 200));
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown or revoked token");
  }
  if (access == nullptr || !access->roles.Contains(principal->role)) {
    spdlog::warn("permission denied principal={} role={} method={}", principal->name,
                 std::string(RoleName(principal->role)), Quoted(method, 200));
    if (access == nullptr) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          absl::StrCat("no role may call ", Quoted(method, 200)));
    }
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        absl::StrCat("principal ", principal->name, " (role ", RoleName(principal->role),
                     ") may not call ", method, "; roles allowed: ", access->roles.ToString()));
  }
  return grpc::Status::OK;
}

std::optional<Principal> AuthProcessor::PrincipalOf(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) const {
  const auto found =
      client_metadata.find(grpc::string_ref(kAuthorization.data(), kAuthorization.size()));
  if (found == client_metadata.end()) return std::nullopt;
  const std::optional<absl::string_view> token = BearerToken(View(found->second));
  if (!token) return std::nullopt;
  const std::shared_ptr<const TokenTable> tokens = Tokens();
  const Principal* principal = tokens->Find(*token);
  if (principal == nullptr) return std::nullopt;
  return *principal;
}

}  // namespace leadrouter::server::auth
