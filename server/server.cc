#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/unimplemented_services.h"
#include "storage/database.h"

namespace leadrouter::server {

class Server::Impl {
 public:
  Impl(ServerOptions options, std::unique_ptr<storage::Database> database)
      : options_(std::move(options)), database_(std::move(database)) {}

  absl::Status Start() {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();

    grpc::ServerBuilder builder;
    // gRPC enables SO_REUSEPORT by default: a second leadrouterd on the same port would then
    // silently share its traffic instead of failing to start.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(), &port_);
    services_ = MakeUnimplementedServices();
    for (const auto& service : services_) builder.RegisterService(service.get());

    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen_address,
                                                 " (address in use, or not a valid host:port)"));
    }
    server_->GetHealthCheckService()->SetServingStatus(true);
    spdlog::info("leadrouterd listening on {} (port {}), database {}", options_.listen_address,
                 port_, database_->path());
    return absl::OkStatus();
  }

  int port() const { return port_; }

  void Shutdown() {
    {
      std::lock_guard lock(mu_);
      if (shutdown_started_) return;
      shutdown_started_ = true;
    }
    spdlog::info("leadrouterd shutting down");
    // Tell load balancers and health probes first, then drain.
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() + options_.shutdown_grace);
    server_->Wait();
    if (absl::Status status = database_->Close(); !status.ok()) {
      spdlog::error("closing the database failed: {}", status.ToString());
    }
    spdlog::info("leadrouterd stopped");
    {
      std::lock_guard lock(mu_);
      shutdown_done_ = true;
    }
    done_.notify_all();
  }

  void Wait() {
    std::unique_lock lock(mu_);
    done_.wait(lock, [this] { return shutdown_done_; });
  }

 private:
  const ServerOptions options_;
  std::unique_ptr<storage::Database> database_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable done_;
  bool shutdown_started_ = false;
  bool shutdown_done_ = false;
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::Database::Open(options.db_path);
  if (!database.ok()) return database.status();
  auto impl = std::make_unique<Impl>(options, std::move(database).value());
  if (absl::Status status = impl->Start(); !status.ok()) return status;
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Shutdown();
  Wait();  // another thread may be the one shutting down
}

int Server::port() const { return impl_->port(); }

void Server::Shutdown() { impl_->Shutdown(); }

void Server::Wait() { impl_->Wait(); }

}  // namespace leadrouter::server
