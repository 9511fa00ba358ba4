#include "server/services/report_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status ReportServiceImpl::Distribution(grpc::ServerContext* context,
                                             const v1::DistributionRequest* request,
                                             v1::DistributionResponse* response) {
  return Serve(gate_, "ReportService.Distribution", context, response,
               [&](const CallContext&) { return reports_.Distribution(*request); });
}

grpc::Status ReportServiceImpl::FollowUps(grpc::ServerContext* context,
                                          const v1::FollowUpsRequest* request,
                                          v1::FollowUpsResponse* response) {
  return Serve(gate_, "ReportService.FollowUps", context, response,
               [&](const CallContext&) { return reports_.FollowUps(*request); });
}

grpc::Status ReportServiceImpl::Conversion(grpc::ServerContext* context,
                                           const v1::ConversionRequest* request,
                                           v1::ConversionResponse* response) {
  return Serve(gate_, "ReportService.Conversion", context, response,
               [&](const CallContext&) { return reports_.Conversion(*request); });
}

}  // namespace leadrouter::server
