#include "server/services/followup_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status FollowUpServiceImpl::RecordFollowUp(grpc::ServerContext* context,
                                                 const v1::RecordFollowUpRequest* request,
                                                 v1::RecordFollowUpResponse* response) {
  return Serve(gate_, "FollowUpService.RecordFollowUp", context, response,
               [&](const CallContext& call) { return assigner_.RecordFollowUp(*request, call); });
}

grpc::Status FollowUpServiceImpl::ListFollowUps(grpc::ServerContext* context,
                                                const v1::ListFollowUpsRequest* request,
                                                v1::ListFollowUpsResponse* response) {
  return Serve(gate_, "FollowUpService.ListFollowUps", context, response,
               [&](const CallContext&) { return queries_.ListFollowUps(*request); });
}

grpc::Status FollowUpServiceImpl::ListTasks(grpc::ServerContext* context,
                                            const v1::ListTasksRequest* request,
                                            v1::ListTasksResponse* response) {
  return Serve(gate_, "FollowUpService.ListTasks", context, response,
               [&](const CallContext&) { return queries_.ListTasks(*request); });
}

}  // namespace leadrouter::server
