// leadrouter-trivial-server: grpc.health.v1.Health/Check answered SERVING by a server built on one
// of gRPC's three C++ server models, so that leadrouter-loadgen can measure what each model costs
// on this machine with nothing else in the handler:
//   sync      grpc::Service with blocking handlers on gRPC's thread pool (what leadrouterd uses)
//   callback  grpc::CallbackService with reactors run on gRPC's internal executor
//   async     grpc::AsyncService with completion queues polled by --threads threads of our own
//
//   leadrouter-trivial-server --model async --listen 127.0.0.1:0 --port-file /tmp/port
// Serves until SIGINT or SIGTERM.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"

namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class SyncHealth final : public Health::Service {
  grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest*,
                     HealthCheckResponse* response) override {
    response->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

class CallbackHealth final : public Health::CallbackService {
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest*,
                                  HealthCheckResponse* response) override {
    response->set_status(HealthCheckResponse::SERVING);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// One outstanding Check on a completion queue: requested, answered, then replaced by a new one.
class AsyncCall {
 public:
  AsyncCall(Health::AsyncService* service, grpc::ServerCompletionQueue* cq)
      : service_(service), cq_(cq), responder_(&context_) {
    service_->RequestCheck(&context_, &request_, &responder_, cq_, cq_, this);
  }

  // Called when the tag comes back: first the request arrived, then the answer was sent.
  void Proceed(bool ok) {
    if (!answered_ && ok) {
      new AsyncCall(service_, cq_);
      response_.set_status(HealthCheckResponse::SERVING);
      answered_ = true;
      responder_.Finish(response_, grpc::Status::OK, this);
      return;
    }
    delete this;
  }

 private:
  Health::AsyncService* service_;
  grpc::ServerCompletionQueue* cq_;
  grpc::ServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;
  grpc::ServerAsyncResponseWriter<HealthCheckResponse> responder_;
  bool answered_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::string model = "sync";
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  int threads = 2;
  int calls_per_thread = 64;
  CLI::App app{"leadrouter-trivial-server: a health-check-only gRPC server per server model",
               "leadrouter-trivial-server"};
  app.add_option("--model", model, "sync, callback or async")
      ->capture_default_str()
      ->check(CLI::IsMember({"sync", "callback", "async"}));
  app.add_option("--listen", listen, "host:port; port 0 picks a free one")->capture_default_str();
  app.add_option("--port-file", port_file, "write the bound port to this file");
  app.add_option("--threads", threads, "async: completion-queue threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--calls-per-thread", calls_per_thread, "async: requests posted per queue")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  SyncHealth sync_service;
  CallbackHealth callback_service;
  Health::AsyncService async_service;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  if (model == "sync") {
    builder.RegisterService(&sync_service);
  } else if (model == "callback") {
    builder.RegisterService(&callback_service);
  } else {
    builder.RegisterService(&async_service);
    for (int i = 0; i < threads; ++i) queues.push_back(builder.AddCompletionQueue());
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "leadrouter-trivial-server: cannot listen on " << listen << '\n';
    return 1;
  }
  if (!port_file.empty()) std::ofstream(port_file) << port << '\n';
  std::cout << "leadrouter-trivial-server: " << model << " model on port " << port << std::endl;

  std::vector<std::thread> pollers;
  for (auto& queue : queues) {
    grpc::ServerCompletionQueue* cq = queue.get();
    for (int i = 0; i < calls_per_thread; ++i) new AsyncCall(&async_service, cq);
    pollers.emplace_back([cq] {
      void* tag = nullptr;
      bool ok = false;
      while (cq->Next(&tag, &ok)) static_cast<AsyncCall*>(tag)->Proceed(ok);
    });
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  for (auto& queue : queues) queue->Shutdown();
  for (std::thread& poller : pollers) poller.join();
  return 0;
}
