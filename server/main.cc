// leadrouterd: the lead-routing gRPC server.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <thread>

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

}  // namespace

int main(int argc, char** argv) {
  leadrouter::server::ServerOptions options;
  std::string log_level = "info";
  int shutdown_grace_ms = static_cast<int>(options.shutdown_grace.count());

  CLI::App app{"leadrouterd: assigns sales leads to reps by rules", "leadrouterd"};
  app.add_option("--listen", options.listen_address, "host:port to serve gRPC on")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "directory of the RocksDB database (created if missing)")
      ->capture_default_str();
  app.add_option("--shutdown-grace-ms", shutdown_grace_ms,
                 "how long in-flight calls may finish on shutdown")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  CLI11_PARSE(app, argc, argv);

  options.shutdown_grace = std::chrono::milliseconds(shutdown_grace_ms);
  spdlog::set_level(spdlog::level::from_str(log_level));

  const sigset_t signals = BlockShutdownSignals();
  auto server = leadrouter::server::Server::Start(options);
  if (!server.ok()) {
    spdlog::critical("cannot start: {}", server.status().ToString());
    return EXIT_FAILURE;
  }

  std::thread watcher([&signals, &server] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    (*server)->Shutdown();
  });
  (*server)->Wait();
  watcher.join();
  return EXIT_SUCCESS;
}
