#include "server/jobs/backup_taker.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "storage/backup.h"

namespace leadrouter::server {

absl::StatusOr<leadrouter::v1::BackupResponse> BackupTaker::Backup(
    const leadrouter::v1::BackupRequest& request, const CallContext& call) {
  RETURN_IF_ERROR(CheckText(request.directory(), "directory", 4096, true));
  const std::filesystem::path directory(request.directory());
  if (!directory.is_absolute()) {
    return InvalidField("directory", "must be an absolute path on the server's machine");
  }
  std::error_code error;
  if (std::filesystem::exists(directory, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat("directory: ", request.directory(), " already exists; name a new directory"));
  }
  if (!std::filesystem::is_directory(directory.parent_path(), error)) {
    return Precondition(
        "PARENT_MISSING", request.directory(),
        absl::StrCat("the parent of ", request.directory(), " is not an existing directory"));
  }
  RETURN_IF_ERROR(call.CheckDeadline());
  const int64_t active_version = rules_.Active()->version;
  const absl::Time started = absl::Now();
  RETURN_IF_ERROR(storage::Backup(storage_.database(), request.directory()));
  leadrouter::v1::BackupResponse response;
  response.set_directory(request.directory());
  *response.mutable_backup_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(started));
  response.set_active_rule_version(active_version);
  spdlog::info("backup directory={} rule_version={} micros={}", request.directory(), active_version,
               absl::ToInt64Microseconds(absl::Now() - started));
  return response;
}

}  // namespace leadrouter::server
