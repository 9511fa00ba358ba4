#include "storage/info_log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"

namespace leadrouter::storage {
namespace {

class InfoLogFile final : public rocksdb::Logger {
 public:
  InfoLogFile(int fd, rocksdb::InfoLogLevel level) : rocksdb::Logger(level), fd_(fd) {}
  ~InfoLogFile() override { (void)InfoLogFile::CloseImpl(); }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    // RocksDB's own line: "2026/01/05-09:00:00.000123 7f2a1c5fe6c0 message".
    timeval now{};
    gettimeofday(&now, nullptr);
    tm local{};
    localtime_r(&now.tv_sec, &local);
    char prefix[64];
    const int prefix_size = std::snprintf(
        prefix, sizeof(prefix), "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %zx ", local.tm_year + 1900,
        local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
        static_cast<long>(now.tv_usec), std::hash<std::thread::id>()(std::this_thread::get_id()));
    va_list copy;
    va_copy(copy, ap);
    const int message_size = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    if (prefix_size < 0 || message_size < 0) return;
    std::string line(prefix, static_cast<size_t>(prefix_size));
    line.resize(line.size() + static_cast<size_t>(message_size) + 1);
    std::vsnprintf(line.data() + prefix_size, static_cast<size_t>(message_size) + 1, format, ap);
    line.pop_back();                                // vsnprintf's terminating NUL
    if (line.back() != '\n') line.push_back('\n');  // some messages bring their own
    // One write per line with O_APPEND: concurrent lines never interleave. A failed or short
    // write (a full disk) loses the line, on purpose.
    (void)!write(fd_, line.data(), line.size());
  }

 protected:
  rocksdb::Status CloseImpl() override {
    if (fd_ >= 0 && close(fd_) != 0) {
      fd_ = -1;
      return rocksdb::Status::IOError("close the info log");
    }
    fd_ = -1;
    return rocksdb::Status::OK();
  }

 private:
  int fd_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& db_path,
                                             rocksdb::InfoLogLevel level) {
  const std::filesystem::path log = std::filesystem::path(db_path) / "LOG";
  std::error_code error;
  if (std::filesystem::exists(log, error)) {
    timeval now{};
    gettimeofday(&now, nullptr);
    const int64_t micros = static_cast<int64_t>(now.tv_sec) * 1000000 + now.tv_usec;
    std::filesystem::rename(log, absl::StrCat(log.string(), ".old.", micros), error);
  }
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return nullptr;
  return std::make_shared<InfoLogFile>(fd, level);
}

}  // namespace leadrouter::storage
