#include "server/services/score_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status ScoreServiceImpl::Train(grpc::ServerContext* context,
                                     const v1::TrainModelRequest* request,
                                     v1::TrainModelResponse* response) {
  return Serve(gate_, "ScoreService.Train", context, response,
               [&](const CallContext& call) { return scores_.Train(*request, call); });
}

grpc::Status ScoreServiceImpl::GetModel(grpc::ServerContext* context,
                                        const v1::GetModelRequest* request,
                                        v1::GetModelResponse* response) {
  return Serve(gate_, "ScoreService.GetModel", context, response,
               [&](const CallContext&) { return scores_.GetModel(*request); });
}

grpc::Status ScoreServiceImpl::ListModels(grpc::ServerContext* context,
                                          const v1::ListModelsRequest* request,
                                          v1::ListModelsResponse* response) {
  return Serve(gate_, "ScoreService.ListModels", context, response,
               [&](const CallContext&) { return scores_.ListModels(*request); });
}

grpc::Status ScoreServiceImpl::Activate(grpc::ServerContext* context,
                                        const v1::ActivateModelRequest* request,
                                        v1::ActivateModelResponse* response) {
  return Serve(gate_, "ScoreService.Activate", context, response,
               [&](const CallContext& call) { return scores_.Activate(*request, call); });
}

grpc::Status ScoreServiceImpl::Rollback(grpc::ServerContext* context,
                                        const v1::RollbackModelRequest* request,
                                        v1::RollbackModelResponse* response) {
  return Serve(gate_, "ScoreService.Rollback", context, response,
               [&](const CallContext& call) { return scores_.Rollback(*request, call); });
}

}  // namespace leadrouter::server
