// RocksDB's info log (the LOG file in the database directory), with the lines that say what a
// recovery dropped kept aside, so that leadrouter can name the damaged file in its own message.
//
// Why: when RocksDB refuses or trims a write-ahead log at open, its Status is only
// "Corruption: checksum mismatch"; the file, the byte count and the reason are in the info log
// alone: "/data/000004.log: dropping 20367 bytes; Corruption: checksum mismatch".
#pragma once

#include <cstdarg>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rocksdb/env.h"

namespace leadrouter::storage {

class RecoveryLog final : public rocksdb::Logger {
 public:
  // Forwards every line to `file_log` (RocksDB's usual LOG file; null: keep nothing but the
  // recovery lines).
  explicit RecoveryLog(std::shared_ptr<rocksdb::Logger> file_log);

  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override;
  void Logv(const char* format, va_list ap) override;
  void Flush() override;

  // The "<file>.log: dropping N bytes; <reason>" lines logged so far, in order. Thread-safe.
  std::vector<std::string> dropped() const;

 protected:
  rocksdb::Status CloseImpl() override;

 private:
  std::shared_ptr<rocksdb::Logger> file_log_;
  mutable std::mutex mu_;
  std::vector<std::string> dropped_;  // guarded by mu_
};

}  // namespace leadrouter::storage
