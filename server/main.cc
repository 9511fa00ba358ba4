// leadrouterd: the lead-routing gRPC server.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/server.h"

namespace {

// SIGINT and SIGTERM are blocked in every thread (gRPC's included, which inherit the mask) and
// taken synchronously by one watcher, so shutdown runs as ordinary code, not in a signal handler.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Written once the port is bound (then renamed into place, so a reader never sees half a number):
// how tests and scripts find a server started with port 0.
bool WritePortFile(const std::string& path, int port) {
  const std::string temporary = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil is built with its debug checks on, so every absl::Mutex (gRPC takes several
  // per call) feeds a global lock-order graph: ~1.5% of the server's CPU under load. The tests keep
  // that check; the shipped server does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  leadrouter::server::ServerOptions options;
  std::string log_level = "info";
  std::string durability = "sync";
  std::string port_file;
  int shutdown_grace_ms = static_cast<int>(options.shutdown_grace.count());

  CLI::App app{"leadrouterd: assigns sales leads to reps by rules", "leadrouterd"};
  app.set_config("--config", "",
                 "read options from an INI/TOML file (`listen = \"0.0.0.0:50051\"`); options on "
                 "the command line override it");
  app.add_option("--listen", options.listen_address, "host:port to serve gRPC on (port 0: any)")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "directory of the RocksDB database (created if missing)")
      ->capture_default_str();
  app.add_option("--rules", options.rules_file,
                 "rule file published as version 1 when the database has no rule version yet")
      ->check(CLI::ExistingFile);
  app.add_option("--reps", options.reps_file,
                 "roster file (.csv or .jsonl) whose reps are upserted at start")
      ->check(CLI::ExistingFile);
  app.add_option("--timezone", options.timezone,
                 "IANA time zone of day/week/month caps, e.g. Asia/Shanghai")
      ->capture_default_str();
  app.add_option("--durability", durability,
                 "sync: fsync before acknowledging a change; async: survive a process crash only")
      ->capture_default_str()
      ->check(CLI::IsMember({"sync", "async"}));
  app.add_option("--shutdown-grace-ms", shutdown_grace_ms,
                 "how long in-flight calls may finish on shutdown")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--port-file", port_file,
                 "write the bound port to this file once serving (useful with port 0)");
  CLI11_PARSE(app, argc, argv);

  options.shutdown_grace = std::chrono::milliseconds(shutdown_grace_ms);
  options.durability = durability == "async" ? leadrouter::storage::Durability::kAsync
                                             : leadrouter::storage::Durability::kSync;
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);

  const sigset_t signals = BlockShutdownSignals();
  auto server = leadrouter::server::Server::Start(options);
  if (!server.ok()) {
    spdlog::critical("cannot start: {}", server.status().ToString());
    return EXIT_FAILURE;
  }
  if (!port_file.empty() && !WritePortFile(port_file, (*server)->port())) {
    spdlog::critical("cannot write --port-file {}", port_file);
    (*server)->Shutdown();
    return EXIT_FAILURE;
  }

  std::thread watcher([&signals, &server] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received signal={}", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    (*server)->Shutdown();
  });
  (*server)->Wait();
  watcher.join();
  return EXIT_SUCCESS;
}
