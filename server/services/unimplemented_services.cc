#include "server/services/unimplemented_services.h"

#include "leadrouter/v1/followups.grpc.pb.h"
#include "leadrouter/v1/reports.grpc.pb.h"

namespace leadrouter::server {

std::vector<std::unique_ptr<grpc::Service>> MakeUnimplementedServices() {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<v1::FollowUpService::Service>());
  services.push_back(std::make_unique<v1::ReportService::Service>());
  return services;
}

}  // namespace leadrouter::server
