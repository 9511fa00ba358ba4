// ReportService over gRPC: one-line shims over Reports (server/reports/reports.h).
#pragma once

#include "leadrouter/v1/reports.grpc.pb.h"
#include "server/reports/reports.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class ReportServiceImpl final : public leadrouter::v1::ReportService::Service {
 public:
  ReportServiceImpl(const CallGate& gate, const Reports& reports)
      : gate_(gate), reports_(reports) {}

  grpc::Status Distribution(grpc::ServerContext* context,
                            const leadrouter::v1::DistributionRequest* request,
                            leadrouter::v1::DistributionResponse* response) override;
  grpc::Status FollowUps(grpc::ServerContext* context,
                         const leadrouter::v1::FollowUpsRequest* request,
                         leadrouter::v1::FollowUpsResponse* response) override;
  grpc::Status Conversion(grpc::ServerContext* context,
                          const leadrouter::v1::ConversionRequest* request,
                          leadrouter::v1::ConversionResponse* response) override;

 private:
  const CallGate& gate_;
  const Reports& reports_;
};

}  // namespace leadrouter::server
