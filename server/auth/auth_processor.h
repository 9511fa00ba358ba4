// Authentication and authorization of every call, in one place, before any handler runs (and
// before the request is even parsed): a grpc::AuthMetadataProcessor that reads the bearer token
// of the `authorization` metadata, finds its principal in the token table, and checks the role
// table (server/auth/roles.h) for the method.
//
//   no or malformed `authorization`, unknown token  -> UNAUTHENTICATED
//   a role the method's row does not allow, no row  -> PERMISSION_DENIED (logged: principal, role,
//                                                      method; never the token)
//   allowed -> the call goes on, with the principal and role as properties of its AuthContext
//              (PrincipalOf below), and without the `authorization` metadata: the token goes no
//              further than this class, so no handler or log can show it.
//
// gRPC runs the processor only with secure credentials: TLS, or LocalServerCredentials on a
// loopback listener (server/transport/credentials.h). The token table can be replaced at any time
// (SIGHUP); calls already admitted are unaffected. Thread-safe.
#pragma once

#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server/auth/token_table.h"

namespace leadrouter::server::auth {

// The AuthContext properties the processor sets.
inline constexpr char kPrincipalProperty[] = "leadrouter.principal";
inline constexpr char kRoleProperty[] = "leadrouter.role";

class AuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  explicit AuthProcessor(std::shared_ptr<const TokenTable> tokens);

  // A hash and two lookups, no I/O: gRPC may run it inline on its transport thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata* response) override;

  // Calls from now on are checked against `tokens`.
  void ReplaceTokens(std::shared_ptr<const TokenTable> tokens);

 private:
  std::shared_ptr<const TokenTable> Tokens() const;

  mutable std::mutex mu_;
  std::shared_ptr<const TokenTable> tokens_;  // guarded by mu_
};

// The principal the processor admitted the call as; nullopt when auth is off (or for a public
// method such as health checks).
std::optional<Principal> PrincipalOf(const grpc::AuthContext& context);

}  // namespace leadrouter::server::auth
