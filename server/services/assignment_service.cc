#include "server/services/assignment_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status AssignmentServiceImpl::Assign(grpc::ServerContext* context,
                                           const v1::AssignRequest* request,
                                           v1::AssignResponse* response) {
  return Serve(gate_, "AssignmentService.Assign", context, response,
               [&](const CallContext& call) { return assigner_.Assign(*request, call); });
}

grpc::Status AssignmentServiceImpl::AssignBatch(grpc::ServerContext* context,
                                                const v1::AssignBatchRequest* request,
                                                v1::AssignBatchResponse* response) {
  return Serve(gate_, "AssignmentService.AssignBatch", context, response,
               [&](const CallContext& call) { return assigner_.AssignBatch(*request, call); });
}

grpc::Status AssignmentServiceImpl::Reassign(grpc::ServerContext* context,
                                             const v1::ReassignRequest* request,
                                             v1::ReassignResponse* response) {
  return Serve(gate_, "AssignmentService.Reassign", context, response,
               [&](const CallContext& call) { return assigner_.Reassign(*request, call); });
}

grpc::Status AssignmentServiceImpl::SetPin(grpc::ServerContext* context,
                                           const v1::SetPinRequest* request,
                                           v1::SetPinResponse* response) {
  return Serve(gate_, "AssignmentService.SetPin", context, response,
               [&](const CallContext& call) { return assigner_.SetPin(*request, call); });
}

grpc::Status AssignmentServiceImpl::GetLead(grpc::ServerContext* context,
                                            const v1::GetLeadRequest* request,
                                            v1::GetLeadResponse* response) {
  return Serve(gate_, "AssignmentService.GetLead", context, response,
               [&](const CallContext&) { return queries_.GetLead(*request); });
}

grpc::Status AssignmentServiceImpl::ListAssignments(grpc::ServerContext* context,
                                                    const v1::ListAssignmentsRequest* request,
                                                    v1::ListAssignmentsResponse* response) {
  return Serve(gate_, "AssignmentService.ListAssignments", context, response,
               [&](const CallContext&) { return queries_.ListAssignments(*request); });
}

grpc::Status AssignmentServiceImpl::Explain(grpc::ServerContext* context,
                                            const v1::ExplainRequest* request,
                                            v1::ExplainResponse* response) {
  return Serve(gate_, "AssignmentService.Explain", context, response,
               [&](const CallContext&) { return queries_.Explain(*request); });
}

}  // namespace leadrouter::server
