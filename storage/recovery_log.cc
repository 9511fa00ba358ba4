#include "storage/recovery_log.h"

#include <array>
#include <cstdio>
#include <string_view>
#include <utility>

namespace leadrouter::storage {
namespace {

// What RocksDB's WAL replay writes when it skips bytes of a log (db/db_impl/db_impl_open.cc).
constexpr std::string_view kDropping = ".log: dropping ";

}  // namespace

RecoveryLog::RecoveryLog(std::shared_ptr<rocksdb::Logger> file_log)
    : rocksdb::Logger(file_log != nullptr ? file_log->GetInfoLogLevel()
                                          : rocksdb::InfoLogLevel::INFO_LEVEL),
      file_log_(std::move(file_log)) {}

void RecoveryLog::Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (file_log_ != nullptr) {
    va_list copy;
    va_copy(copy, ap);
    file_log_->Logv(level, format, copy);
    va_end(copy);
  }
  std::array<char, 1024> line{};
  std::vsnprintf(line.data(), line.size(), format, ap);
  std::string_view text(line.data());
  if (text.find(kDropping) == std::string_view::npos) return;
  // "[db/db_impl/db_impl_open.cc:982] /data/000004.log: dropping ..." -> from the path on.
  if (const size_t source = text.find("] "); text.front() == '[' && source != std::string::npos) {
    text.remove_prefix(source + 2);
  }
  std::lock_guard lock(mu_);
  dropped_.emplace_back(text);
}

void RecoveryLog::Logv(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
}

void RecoveryLog::Flush() {
  if (file_log_ != nullptr) file_log_->Flush();
}

std::vector<std::string> RecoveryLog::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

rocksdb::Status RecoveryLog::CloseImpl() {
  return file_log_ != nullptr ? file_log_->Close() : rocksdb::Status::OK();
}

}  // namespace leadrouter::storage
