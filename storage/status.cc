#include "storage/status.h"

#include "absl/strings/str_cat.h"

namespace leadrouter::storage {

absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(context, ": ", status.ToString());
  switch (status.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kTimedOut:
      return absl::UnavailableError(message);
    case rocksdb::Status::kAborted:
      return absl::AbortedError(message);
    case rocksdb::Status::kShutdownInProgress:
      return absl::UnavailableError(message);
    case rocksdb::Status::kIOError:
      if (status.IsNoSpace()) {
        // A full disk stops RocksDB's writes (a background error) while reads go on; once the
        // free space is at least a memtable (64 MB), its SstFileManager clears the error by itself
        // within seconds. So: retry later, and say what to free.
        return absl::UnavailableError(absl::StrCat(
            context,
            ": no space left on the disk of the database; changes are refused until space is "
            "freed, reads are still served: ",
            status.ToString()));
      }
      // A held LOCK file is the common case: a second server on the same directory. RocksDB 7.8
      // gives that failure no code or subcode of its own (only the text of its IOError), so this
      // is the one place our code reads a message: a foreign one, to choose a status code.
      if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
        return absl::FailedPreconditionError(message);
      }
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace leadrouter::storage
