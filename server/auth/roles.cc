#include "server/auth/roles.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_join.h"

namespace leadrouter::server::auth {
namespace {

constexpr std::array<Role, 4> kRoles = {Role::kAdmin, Role::kManager, Role::kService,
                                        Role::kViewer};

constexpr RoleSet kEveryRole = {Role::kAdmin, Role::kManager, Role::kService, Role::kViewer};
// Feeding leads and their outcome in: the CRM and web forms, never a person's decision.
constexpr RoleSet kServices = {Role::kAdmin, Role::kService};
// A person's decision about a lead, and looking at how leads were spread.
constexpr RoleSet kManagers = {Role::kAdmin, Role::kManager};
// Closing a lead or recording a contact: a manager's call (who may also record a contact for a
// rep who does not own the lead), or the CRM reporting a contact or a won or lost deal.
constexpr RoleSet kManagersAndServices = {Role::kAdmin, Role::kManager, Role::kService};
// Rules, the roster and the database itself.
constexpr RoleSet kAdmins = {Role::kAdmin};

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kManager:
      return "manager";
    case Role::kService:
      return "service";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (const Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::string RoleSet::ToString() const {
  std::vector<absl::string_view> names;
  for (const Role role : kRoles) {
    if (Contains(role)) names.push_back(RoleName(role));
  }
  return absl::StrJoin(names, ", ");
}

const std::vector<MethodAccess>& MethodAccessTable() {
  static const auto* const table = new std::vector<MethodAccess>{
      // AssignmentService
      {"/leadrouter.v1.AssignmentService/Assign", kServices},
      {"/leadrouter.v1.AssignmentService/AssignBatch", kServices},
      {"/leadrouter.v1.AssignmentService/Reassign", kManagers},
      {"/leadrouter.v1.AssignmentService/SetPin", kManagers},
      {"/leadrouter.v1.AssignmentService/Review", kManagers},
      {"/leadrouter.v1.AssignmentService/CloseLead", kManagersAndServices},
      {"/leadrouter.v1.AssignmentService/GetLead", kEveryRole},
      {"/leadrouter.v1.AssignmentService/ListLeads", kEveryRole},
      {"/leadrouter.v1.AssignmentService/ListAssignments", kEveryRole},
      {"/leadrouter.v1.AssignmentService/Explain", kEveryRole},
      // RuleService
      {"/leadrouter.v1.RuleService/Check", kEveryRole},
      {"/leadrouter.v1.RuleService/DryRun", kManagers},
      {"/leadrouter.v1.RuleService/Backtest", kManagers},
      {"/leadrouter.v1.RuleService/Publish", kAdmins},
      {"/leadrouter.v1.RuleService/GetRules", kEveryRole},
      {"/leadrouter.v1.RuleService/ListVersions", kEveryRole},
      {"/leadrouter.v1.RuleService/Rollback", kAdmins},
      // ScoreService: a model changes every decision that reads `score`, as a rule version does
      {"/leadrouter.v1.ScoreService/Train", kAdmins},
      {"/leadrouter.v1.ScoreService/GetModel", kEveryRole},
      {"/leadrouter.v1.ScoreService/ListModels", kEveryRole},
      {"/leadrouter.v1.ScoreService/Activate", kAdmins},
      {"/leadrouter.v1.ScoreService/Rollback", kAdmins},
      // RepService
      {"/leadrouter.v1.RepService/Upsert", kAdmins},
      {"/leadrouter.v1.RepService/Get", kEveryRole},
      {"/leadrouter.v1.RepService/List", kEveryRole},
      {"/leadrouter.v1.RepService/SetStatus", kAdmins},
      {"/leadrouter.v1.RepService/Remove", kAdmins},
      // FollowUpService
      {"/leadrouter.v1.FollowUpService/RecordFollowUp", kManagersAndServices},
      {"/leadrouter.v1.FollowUpService/ListTasks", kEveryRole},
      {"/leadrouter.v1.FollowUpService/ListFollowUps", kEveryRole},
      // ReportService
      {"/leadrouter.v1.ReportService/Distribution", kManagers},
      {"/leadrouter.v1.ReportService/FollowUps", kManagers},
      {"/leadrouter.v1.ReportService/Conversion", kManagers},
      // EventService: reading what happened, like the history
      {"/leadrouter.v1.EventService/WatchEvents", kEveryRole},
      {"/leadrouter.v1.EventService/ListLeadEvents", kEveryRole},
      // AdminService
      {"/leadrouter.v1.AdminService/Backup", kAdmins},
      // Standard services: health checks come from load balancers and probes without a token;
      // reflection shows only the public API's schema, to anyone who has a token.
      {"/grpc.health.v1.Health/Check", {}, /*public_method=*/true},
      {"/grpc.health.v1.Health/Watch", {}, /*public_method=*/true},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", kEveryRole},
  };
  return *table;
}

const MethodAccess* FindMethodAccess(absl::string_view method) {
  const std::vector<MethodAccess>& table = MethodAccessTable();
  const auto row = std::find_if(table.begin(), table.end(), [&](const MethodAccess& access) {
    return access.method == method;
  });
  return row == table.end() ? nullptr : &*row;
}

}  // namespace leadrouter::server::auth
