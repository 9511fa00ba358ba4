#include "server/services/unimplemented_services.h"

#include "leadrouter/v1/reports.grpc.pb.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

class ReportServiceNotYet final : public v1::ReportService::Service {
 public:
  grpc::Status Distribution(grpc::ServerContext*, const v1::DistributionRequest*,
                            v1::DistributionResponse*) override {
    return NotImplementedYet("leadrouter.v1.ReportService/Distribution");
  }
  grpc::Status FollowUps(grpc::ServerContext*, const v1::FollowUpsRequest*,
                         v1::FollowUpsResponse*) override {
    return NotImplementedYet("leadrouter.v1.ReportService/FollowUps");
  }
  grpc::Status Conversion(grpc::ServerContext*, const v1::ConversionRequest*,
                          v1::ConversionResponse*) override {
    return NotImplementedYet("leadrouter.v1.ReportService/Conversion");
  }
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeUnimplementedServices() {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<ReportServiceNotYet>());
  return services;
}

}  // namespace leadrouter::server
