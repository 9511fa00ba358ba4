// The built leadrouterd binary as a child process, for the tests that need the real process: a
// restart after SIGTERM, a SIGKILL in the middle of the load, a full disk. The database is
// `dir/data`, the port file `dir/port`. The test target defines LEADROUTERD_PATH.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "health_client.h"
#include "temp_dir.h"

extern char** environ;

namespace leadrouter::testing {

class Daemon {
 public:
  // Starts leadrouterd with `extra` flags; its standard output and error (the log: spdlog's
  // default logger writes to standard output) are appended to `log_file` when one is given
  // (inherited otherwise).
  Daemon(const TempDir& dir, std::vector<std::string> extra, const std::string& log_file = "")
      : port_file_(dir.Child("port")) {
    std::remove(port_file_.c_str());
    std::vector<std::string> args = {LEADROUTERD_PATH,  "--listen",    "127.0.0.1:0", "--db",
                                     dir.Child("data"), "--port-file", port_file_};
    // warn unless the test asks for another level (the flag may be given once).
    if (std::find(extra.begin(), extra.end(), "--log-level") == extra.end()) {
      args.insert(args.end(), {"--log-level", "warn"});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!log_file.empty()) {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0644);
      posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    }
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  ~Daemon() {
    if (pid_ > 0) Stop();
  }

  // The address once the server is serving; empty after `timeout` or when the process is gone.
  std::string WaitUntilServing(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && pid_ > 0) {
      std::ifstream in(port_file_);
      int port = 0;
      if (in >> port && port > 0) {
        const std::string address = "127.0.0.1:" + std::to_string(port);
        grpc::health::v1::HealthCheckResponse health;
        if (CheckHealth(address, &health, std::chrono::milliseconds(500)).ok() &&
            health.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
          return address;
        }
      }
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;  // it exited: refused to start
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  // SIGTERM, then the exit code (negative when it did not exit normally).
  int Stop() { return Signal(SIGTERM); }

  // SIGKILL, as a crash: nothing of the server's runs after it. True when the signal ended it.
  bool Kill() { return Signal(SIGKILL) == -SIGKILL; }

 private:
  // Sends `signal` and waits: the exit code, -N when signal N ended it, -1 otherwise.
  int Signal(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
  }

  std::string port_file_;
  pid_t pid_ = -1;
};

}  // namespace leadrouter::testing
