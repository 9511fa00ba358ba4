// AssignmentService over gRPC: one-line shims over Assigner (writes) and LeadQueries (reads).
#pragma once

#include <cstdint>

#include "leadrouter/v1/assignment.grpc.pb.h"
#include "server/assign/assigner.h"
#include "server/assign/lead_queries.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class AssignmentServiceImpl final : public leadrouter::v1::AssignmentService::Service {
 public:
  AssignmentServiceImpl(const CallGate& gate, Assigner& assigner, LeadQueries& queries)
      : gate_(gate), assigner_(assigner), queries_(queries) {}

  grpc::Status Assign(grpc::ServerContext* context, const leadrouter::v1::AssignRequest* request,
                      leadrouter::v1::AssignResponse* response) override;
  grpc::Status AssignBatch(grpc::ServerContext* context,
                           const leadrouter::v1::AssignBatchRequest* request,
                           leadrouter::v1::AssignBatchResponse* response) override;
  grpc::Status Reassign(grpc::ServerContext* context,
                        const leadrouter::v1::ReassignRequest* request,
                        leadrouter::v1::ReassignResponse* response) override;
  grpc::Status SetPin(grpc::ServerContext* context, const leadrouter::v1::SetPinRequest* request,
                      leadrouter::v1::SetPinResponse* response) override;
  grpc::Status CloseLead(grpc::ServerContext* context,
                         const leadrouter::v1::CloseLeadRequest* request,
                         leadrouter::v1::CloseLeadResponse* response) override;
  grpc::Status ListLeads(grpc::ServerContext* context,
                         const leadrouter::v1::ListLeadsRequest* request,
                         leadrouter::v1::ListLeadsResponse* response) override;
  grpc::Status GetLead(grpc::ServerContext* context, const leadrouter::v1::GetLeadRequest* request,
                       leadrouter::v1::GetLeadResponse* response) override;
  grpc::Status ListAssignments(grpc::ServerContext* context,
                               const leadrouter::v1::ListAssignmentsRequest* request,
                               leadrouter::v1::ListAssignmentsResponse* response) override;
  grpc::Status Explain(grpc::ServerContext* context, const leadrouter::v1::ExplainRequest* request,
                       leadrouter::v1::ExplainResponse* response) override;

  grpc::Status Review(grpc::ServerContext* context, const leadrouter::v1::ReviewRequest* request,
                      leadrouter::v1::ReviewResponse* response) override;

 private:
  // The per-caller rate limit of the policy (off when it has none): one token per lead.
  absl::Status AcquireAssignRate(const CallContext& call, int64_t leads) const;

  const CallGate& gate_;
  Assigner& assigner_;
  LeadQueries& queries_;
};

}  // namespace leadrouter::server
