// leadrouterd's gRPC server: owns the database and the services, and shuts down cleanly.
//
// Start() returns a running server; Shutdown() may be called from any thread (a signal watcher,
// a test) and is idempotent. All methods are thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace leadrouter::server {

struct ServerOptions {
  // host:port to listen on. Port 0 picks a free port (see Server::port()).
  // Default: 127.0.0.1:50051
  std::string listen_address = "127.0.0.1:50051";
  // Directory of the embedded RocksDB database; created when missing.
  // Default: ./data
  std::string db_path = "./data";
  // How long Shutdown() lets in-flight calls finish before cancelling them.
  // Default: 5 seconds
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);
};

class Server {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // shuts down if still running

  // The port actually bound (useful with port 0).
  int port() const;

  // Marks the server NOT_SERVING in the health service, stops accepting calls, lets in-flight calls
  // finish within the grace period, then closes the database.
  void Shutdown();

  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadrouter::server
