// FollowUpService over gRPC: one-line shims over Assigner (RecordFollowUp) and LeadQueries
// (ListFollowUps, ListTasks).
#pragma once

#include "leadrouter/v1/followups.grpc.pb.h"
#include "server/assign/assigner.h"
#include "server/assign/lead_queries.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class FollowUpServiceImpl final : public leadrouter::v1::FollowUpService::Service {
 public:
  FollowUpServiceImpl(const CallGate& gate, Assigner& assigner, LeadQueries& queries)
      : gate_(gate), assigner_(assigner), queries_(queries) {}

  grpc::Status RecordFollowUp(grpc::ServerContext* context,
                              const leadrouter::v1::RecordFollowUpRequest* request,
                              leadrouter::v1::RecordFollowUpResponse* response) override;
  grpc::Status ListFollowUps(grpc::ServerContext* context,
                             const leadrouter::v1::ListFollowUpsRequest* request,
                             leadrouter::v1::ListFollowUpsResponse* response) override;

  grpc::Status ListTasks(grpc::ServerContext* context,
                         const leadrouter::v1::ListTasksRequest* request,
                         leadrouter::v1::ListTasksResponse* response) override;

 private:
  const CallGate& gate_;
  Assigner& assigner_;
  LeadQueries& queries_;
};

}  // namespace leadrouter::server
