// Who may call what: the four roles and the one table that gives every RPC the roles allowed to
// call it. The auth processor (server/auth/auth_processor.h) consults it before any handler runs.
//
// A method without a row is refused to every role: a new RPC stays closed until someone decides
// who may call it and adds its row here (tests/server/auth/roles_test.cc fails for any method of
// a leadrouter.v1 service without one, and docs/security.md shows the same table).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/api/role.h"

namespace leadrouter::server::auth {

// The roles themselves are in server/api/role.h, where a CallContext can carry one.
using ::leadrouter::server::Role;

// "admin", "manager", "service", "viewer".
absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);

// A set of roles (a bit per Role).
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (const Role role : roles) bits_ |= Bit(role);
  }
  constexpr bool Contains(Role role) const { return (bits_ & Bit(role)) != 0; }
  // "admin, manager" (in the order of Role).
  std::string ToString() const;

  friend constexpr bool operator==(RoleSet, RoleSet) = default;

 private:
  static constexpr uint8_t Bit(Role role) { return uint8_t{1} << static_cast<uint8_t>(role); }
  uint8_t bits_ = 0;
};

// One row of the table: a gRPC method ("/leadrouter.v1.AssignmentService/Assign") and who may
// call it. `public_method` rows need no token at all (health checks).
struct MethodAccess {
  absl::string_view method;
  RoleSet roles;
  bool public_method = false;
};

// Every row, in the order of the API reference.
const std::vector<MethodAccess>& MethodAccessTable();

// The row of `method` (as it appears in a call's `:path`); nullptr when it has none.
const MethodAccess* FindMethodAccess(absl::string_view method);

}  // namespace leadrouter::server::auth
