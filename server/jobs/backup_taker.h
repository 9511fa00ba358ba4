// AdminService.Backup: an online checkpoint of the database (storage/backup.h) into a directory
// of the server's machine, taken while the server keeps serving.
#pragma once

#include "absl/status/statusor.h"
#include "leadrouter/v1/admin.pb.h"
#include "server/api/call_context.h"
#include "server/rules/rule_registry.h"
#include "storage/storage.h"

namespace leadrouter::server {

class BackupTaker {
 public:
  BackupTaker(storage::Storage& storage, RuleRegistry& rules) : storage_(storage), rules_(rules) {}

  // INVALID_ARGUMENT (not an absolute path), ALREADY_EXISTS (directory exists),
  // FAILED_PRECONDITION (parent missing); I/O failures are INTERNAL.
  [[nodiscard]] absl::StatusOr<leadrouter::v1::BackupResponse> Backup(
      const leadrouter::v1::BackupRequest& request, const CallContext& call);

 private:
  storage::Storage& storage_;
  RuleRegistry& rules_;
};

}  // namespace leadrouter::server
