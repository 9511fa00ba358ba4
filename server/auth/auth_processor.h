// Authentication and authorization of every call, in one place, before any handler runs (and
// before the request is even parsed): a grpc::AuthMetadataProcessor that reads the bearer token
// of the `authorization` metadata, finds its principal in the token table, and checks the role
// table (server/auth/roles.h) for the method.
//
//   no or malformed `authorization`, unknown token  -> UNAUTHENTICATED
//   a role the method's row does not allow, no row  -> PERMISSION_DENIED (logged: principal, role,
//                                                      method; never the token)
//   allowed -> the call goes on; its handler learns the principal from PrincipalOf below.
//
// The principal is not stored in the call's grpc::AuthContext: gRPC gives every call on a
// connection the connection's one AuthContext, so a property added for one call would be seen by
// every later call on that connection (each then judged as the first caller), would grow with
// every call, and would be written by concurrent calls at once. PrincipalOf reads the call's own
// `authorization` metadata again instead (a hash and a lookup); no handler or log prints the
// metadata, and stored records name the principal, never the token.
//
// gRPC runs the processor only with secure credentials: TLS, or LocalServerCredentials on a
// loopback listener (server/transport/credentials.h). The token table can be replaced at any time
// (SIGHUP); calls already admitted are unaffected. Thread-safe.
#pragma once

#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server/auth/token_table.h"

namespace leadrouter::server::auth {

class AuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  explicit AuthProcessor(std::shared_ptr<const TokenTable> tokens);

  // A hash and two lookups, no I/O: gRPC may run it inline on its transport thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata* response) override;

  // Calls from now on are checked against `tokens`.
  void ReplaceTokens(std::shared_ptr<const TokenTable> tokens);

  // The principal whose bearer token a call's metadata carries; nullopt without a known token (a
  // public method such as health checks, or a token revoked since Process admitted the call).
  std::optional<Principal> PrincipalOf(
      const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) const;

 private:
  std::shared_ptr<const TokenTable> Tokens() const;

  mutable std::mutex mu_;
  std::shared_ptr<const TokenTable> tokens_;  // guarded by mu_
};

}  // namespace leadrouter::server::auth
