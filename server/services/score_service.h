// ScoreService over gRPC: one-line shims over ScoreRegistry.
#pragma once

#include "leadrouter/v1/scoring.grpc.pb.h"
#include "server/scoring/score_registry.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class ScoreServiceImpl final : public leadrouter::v1::ScoreService::Service {
 public:
  ScoreServiceImpl(const CallGate& gate, ScoreRegistry& scores) : gate_(gate), scores_(scores) {}

  grpc::Status Train(grpc::ServerContext* context, const leadrouter::v1::TrainModelRequest* request,
                     leadrouter::v1::TrainModelResponse* response) override;
  grpc::Status GetModel(grpc::ServerContext* context,
                        const leadrouter::v1::GetModelRequest* request,
                        leadrouter::v1::GetModelResponse* response) override;
  grpc::Status ListModels(grpc::ServerContext* context,
                          const leadrouter::v1::ListModelsRequest* request,
                          leadrouter::v1::ListModelsResponse* response) override;
  grpc::Status Activate(grpc::ServerContext* context,
                        const leadrouter::v1::ActivateModelRequest* request,
                        leadrouter::v1::ActivateModelResponse* response) override;
  grpc::Status Rollback(grpc::ServerContext* context,
                        const leadrouter::v1::RollbackModelRequest* request,
                        leadrouter::v1::RollbackModelResponse* response) override;

 private:
  const CallGate& gate_;
  ScoreRegistry& scores_;
};

}  // namespace leadrouter::server
