// RepService over gRPC: one-line shims over RepRegistry.
#pragma once

#include "leadrouter/v1/reps.grpc.pb.h"
#include "server/reps/rep_registry.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class RepServiceImpl final : public leadrouter::v1::RepService::Service {
 public:
  RepServiceImpl(const CallGate& gate, RepRegistry& reps) : gate_(gate), reps_(reps) {}

  grpc::Status Upsert(grpc::ServerContext* context, const leadrouter::v1::UpsertRepRequest* request,
                      leadrouter::v1::UpsertRepResponse* response) override;
  grpc::Status Get(grpc::ServerContext* context, const leadrouter::v1::GetRepRequest* request,
                   leadrouter::v1::GetRepResponse* response) override;
  grpc::Status List(grpc::ServerContext* context, const leadrouter::v1::ListRepsRequest* request,
                    leadrouter::v1::ListRepsResponse* response) override;
  grpc::Status SetStatus(grpc::ServerContext* context,
                         const leadrouter::v1::SetRepStatusRequest* request,
                         leadrouter::v1::SetRepStatusResponse* response) override;
  grpc::Status Remove(grpc::ServerContext* context, const leadrouter::v1::RemoveRepRequest* request,
                      leadrouter::v1::RemoveRepResponse* response) override;

 private:
  const CallGate& gate_;
  RepRegistry& reps_;
};

}  // namespace leadrouter::server
