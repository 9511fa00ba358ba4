// The token file: which bearer token belongs to which principal, and its role. It holds SHA-256
// hashes of the tokens, never the tokens themselves, so the file (and a backup of it) gives no
// one access.
//
//   # leadrouterd --auth-tokens /etc/leadrouter/tokens
//   sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 crm-prod service
//   sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752 ana@example.com manager
//
// One `sha256:<64 lower-case hex digits> <principal> <role>` per line; `#` starts a comment; blank
// lines are ignored. Principals are 1..128 characters without blanks; roles are those of
// server/auth/roles.h. `leadctl admin new-token` prints a token and its line.
//
// A TokenTable is immutable once loaded: a reload builds a new one and swaps it whole.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/roles.h"

namespace leadrouter::server::auth {

struct Principal {
  std::string name;
  Role role = Role::kViewer;
};

// "sha256:" + the SHA-256 of `token` in lower-case hex: what a token file line holds.
std::string TokenHash(absl::string_view token);

class TokenTable {
 public:
  // Parses a token file's text. INVALID_ARGUMENT naming `file_name:line` for a malformed line, a
  // token written in clear, an unknown role or a hash listed twice.
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const TokenTable>> Parse(
      absl::string_view text, absl::string_view file_name);
  // Reads and parses the file at `path` (NOT_FOUND / PERMISSION_DENIED naming it when unreadable).
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const TokenTable>> Load(
      const std::string& path);

  // The principal whose token is `token` (the clear token a caller sent); nullptr when unknown.
  const Principal* Find(absl::string_view token) const;

  size_t size() const { return by_hash_.size(); }

 private:
  std::unordered_map<std::string, Principal> by_hash_;  // keyed by TokenHash()
};

}  // namespace leadrouter::server::auth
