// The role table: every RPC of every leadrouter.v1 service has a row (a new RPC must be
// classified before anyone may call it), every row names a method that exists, and
// docs/security.md shows exactly the table the code enforces.
#include "server/auth/roles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace leadrouter::server::auth {
namespace {

namespace fs = std::filesystem;

// The name `keyword` declares on `line` ("service Foo {" -> "Foo", "  rpc Bar(" -> "Bar"), or
// empty. String scanning rather than std::regex, whose GCC 12 headers fail -Werror under
// -fsanitize (a false -Wmaybe-uninitialized inside <regex>).
std::string DeclaredName(absl::string_view line, absl::string_view keyword) {
  line = absl::StripLeadingAsciiWhitespace(line);
  if (!absl::ConsumePrefix(&line, keyword) || line.empty() ||
      !absl::ascii_isspace(static_cast<unsigned char>(line.front()))) {
    return "";
  }
  line = absl::StripLeadingAsciiWhitespace(line);
  size_t end = 0;
  while (end < line.size() &&
         (absl::ascii_isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) {
    ++end;
  }
  return std::string(line.substr(0, end));
}

// "/leadrouter.v1.AssignmentService/Assign" for every method of every service declared in
// proto/leadrouter/v1/*.proto, read from the .proto sources themselves, so that a new file, a new
// service or a new RPC is covered without anyone remembering to list it here.
std::set<std::string> DeclaredMethods() {
  std::set<std::string> methods;
  const fs::path dir = fs::path(LEADROUTER_SOURCE_DIR) / "proto/leadrouter/v1";
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".proto") continue;
    std::ifstream in(entry.path());
    std::string line;
    std::string service;
    while (std::getline(in, line)) {
      if (std::string name = DeclaredName(line, "service"); !name.empty()) service = name;
      if (const std::string rpc = DeclaredName(line, "rpc"); !rpc.empty()) {
        EXPECT_FALSE(service.empty()) << entry.path() << ": rpc outside a service";
        methods.insert("/leadrouter.v1." + service + "/" + rpc);
      }
    }
  }
  return methods;
}

TEST(RolesTest, EveryRpcOfTheApiHasARow) {
  const std::set<std::string> declared = DeclaredMethods();
  ASSERT_GE(declared.size(), 29u);
  for (const std::string& method : declared) {
    const MethodAccess* access = FindMethodAccess(method);
    EXPECT_NE(access, nullptr) << method
                               << " has no row in server/auth/roles.cc: decide which roles may "
                                  "call it (and add it to docs/security.md)";
    if (access != nullptr) {
      EXPECT_FALSE(access->public_method) << method << ": only health checks are public";
      EXPECT_TRUE(access->roles.Contains(Role::kAdmin)) << method << ": admin may do everything";
    }
  }
}

TEST(RolesTest, EveryRowNamesAMethodThatExists) {
  const std::set<std::string> declared = DeclaredMethods();
  for (const MethodAccess& access : MethodAccessTable()) {
    const std::string method(access.method);
    if (absl::StartsWith(method, "/leadrouter.v1.")) {
      EXPECT_TRUE(declared.contains(method)) << method << " is not an RPC of leadrouter.v1";
    } else {
      EXPECT_TRUE(absl::StartsWith(method, "/grpc.health.v1.Health/") ||
                  absl::StartsWith(method, "/grpc.reflection.v1alpha.ServerReflection/"))
          << method;
    }
  }
}

TEST(RolesTest, ReadsAreOpenToEveryRoleAndChangesAreNot) {
  const RoleSet every = {Role::kAdmin, Role::kManager, Role::kService, Role::kViewer};
  EXPECT_EQ(FindMethodAccess("/leadrouter.v1.AssignmentService/GetLead")->roles, every);
  EXPECT_EQ(FindMethodAccess("/leadrouter.v1.RepService/List")->roles, every);
  EXPECT_FALSE(
      FindMethodAccess("/leadrouter.v1.AssignmentService/Assign")->roles.Contains(Role::kViewer));
  EXPECT_FALSE(
      FindMethodAccess("/leadrouter.v1.AssignmentService/Assign")->roles.Contains(Role::kManager));
  EXPECT_TRUE(FindMethodAccess("/leadrouter.v1.AssignmentService/Reassign")
                  ->roles.Contains(Role::kManager));
  EXPECT_FALSE(FindMethodAccess("/leadrouter.v1.AssignmentService/Reassign")
                   ->roles.Contains(Role::kService));
  EXPECT_EQ(FindMethodAccess("/leadrouter.v1.RuleService/Publish")->roles, RoleSet{Role::kAdmin});
  EXPECT_TRUE(FindMethodAccess("/grpc.health.v1.Health/Check")->public_method);
  EXPECT_EQ(FindMethodAccess("/leadrouter.v1.Nope/Nothing"), nullptr);
}

TEST(RolesTest, RoleNamesRoundTrip) {
  for (const Role role : {Role::kAdmin, Role::kManager, Role::kService, Role::kViewer}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ((RoleSet{Role::kViewer, Role::kAdmin}).ToString(), "admin, viewer");
}

// docs/security.md's roles table: "| `Service.Method` | roles |" rows between the markers.
std::map<std::string, std::string> DocumentedRoles() {
  std::ifstream in(fs::path(LEADROUTER_SOURCE_DIR) / "docs/security.md");
  std::map<std::string, std::string> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.find("<!-- roles table: begin") != std::string::npos) in_table = true;
    if (line.find("<!-- roles table: end") != std::string::npos) in_table = false;
    if (!in_table || !absl::StartsWith(line, "| `")) continue;
    const std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 3) continue;
    std::string method(absl::StripAsciiWhitespace(cells[1]));
    method = std::string(absl::StripSuffix(absl::StripPrefix(method, "`"), "`"));
    rows[method] = std::string(absl::StripAsciiWhitespace(cells[2]));
  }
  return rows;
}

TEST(RolesTest, DocsSecurityShowsTheTableTheCodeEnforces) {
  const std::map<std::string, std::string> documented = DocumentedRoles();
  ASSERT_FALSE(documented.empty()) << "no roles table found in docs/security.md";
  std::set<std::string> seen;
  for (const MethodAccess& access : MethodAccessTable()) {
    // "/leadrouter.v1.AssignmentService/Assign" -> "AssignmentService.Assign".
    std::string name(access.method.substr(1));
    name = std::string(absl::StripPrefix(name, "leadrouter.v1."));
    std::replace(name.begin(), name.end(), '/', '.');
    seen.insert(name);
    const auto row = documented.find(name);
    ASSERT_NE(row, documented.end()) << name << " is missing from docs/security.md";
    EXPECT_EQ(row->second, access.public_method ? "anyone, no token" : access.roles.ToString())
        << name;
  }
  for (const auto& [name, roles] : documented) {
    EXPECT_TRUE(seen.contains(name))
        << "docs/security.md lists " << name << " (" << roles << ") which the code does not";
  }
}

}  // namespace
}  // namespace leadrouter::server::auth
