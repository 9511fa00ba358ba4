#include "server/services/assignment_service.h"

#include "dsl/base/status_macros.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

absl::Status AssignmentServiceImpl::AcquireAssignRate(const CallContext& call,
                                                      int64_t leads) const {
  const std::shared_ptr<RateLimiter>& limiter = gate_.policy().assign_rate;
  if (limiter == nullptr || !limiter->enabled()) return absl::OkStatus();
  return limiter->Acquire(call.caller, leads);
}

grpc::Status AssignmentServiceImpl::Assign(grpc::ServerContext* context,
                                           const v1::AssignRequest* request,
                                           v1::AssignResponse* response) {
  return Serve(gate_, "AssignmentService.Assign", context, response,
               [&](const CallContext& call) -> absl::StatusOr<v1::AssignResponse> {
                 RETURN_IF_ERROR(AcquireAssignRate(call, 1));
                 return assigner_.Assign(*request, call);
               });
}

grpc::Status AssignmentServiceImpl::AssignBatch(grpc::ServerContext* context,
                                                const v1::AssignBatchRequest* request,
                                                v1::AssignBatchResponse* response) {
  return Serve(gate_, "AssignmentService.AssignBatch", context, response,
               [&](const CallContext& call) -> absl::StatusOr<v1::AssignBatchResponse> {
                 RETURN_IF_ERROR(AcquireAssignRate(call, request->items_size()));
                 return assigner_.AssignBatch(*request, call);
               });
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

grpc::Status AssignmentServiceImpl::CloseLead(grpc::ServerContext* context,
                                              const v1::CloseLeadRequest* request,
                                              v1::CloseLeadResponse* response) {
  return Serve(gate_, "AssignmentService.CloseLead", context, response,
               [&](const CallContext& call) { return assigner_.CloseLead(*request, call); });
}

grpc::Status AssignmentServiceImpl::Review(grpc::ServerContext* context,
                                           const v1::ReviewRequest* request,
                                           v1::ReviewResponse* response) {
  return Serve(gate_, "AssignmentService.Review", context, response,
               [&](const CallContext& call) { return assigner_.Review(*request, call); });
}

grpc::Status AssignmentServiceImpl::ListLeads(grpc::ServerContext* context,
                                              const v1::ListLeadsRequest* request,
                                              v1::ListLeadsResponse* response) {
  return Serve(gate_, "AssignmentService.ListLeads", context, response,
               [&](const CallContext&) { return queries_.ListLeads(*request); });
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
