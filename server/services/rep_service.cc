#include "server/services/rep_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status RepServiceImpl::Upsert(grpc::ServerContext* context,
                                    const v1::UpsertRepRequest* request,
                                    v1::UpsertRepResponse* response) {
  return Serve(gate_, "RepService.Upsert", context, response,
               [&](const CallContext& call) { return reps_.Upsert(*request, call); });
}

grpc::Status RepServiceImpl::Get(grpc::ServerContext* context, const v1::GetRepRequest* request,
                                 v1::GetRepResponse* response) {
  return Serve(gate_, "RepService.Get", context, response,
               [&](const CallContext&) { return reps_.Get(*request); });
}

grpc::Status RepServiceImpl::List(grpc::ServerContext* context, const v1::ListRepsRequest* request,
                                  v1::ListRepsResponse* response) {
  return Serve(gate_, "RepService.List", context, response,
               [&](const CallContext&) { return reps_.List(*request); });
}

grpc::Status RepServiceImpl::SetStatus(grpc::ServerContext* context,
                                       const v1::SetRepStatusRequest* request,
                                       v1::SetRepStatusResponse* response) {
  return Serve(gate_, "RepService.SetStatus", context, response,
               [&](const CallContext& call) { return reps_.SetStatus(*request, call); });
}

grpc::Status RepServiceImpl::Remove(grpc::ServerContext* context,
                                    const v1::RemoveRepRequest* request,
                                    v1::RemoveRepResponse* response) {
  return Serve(gate_, "RepService.Remove", context, response,
               [&](const CallContext& call) { return reps_.Remove(*request, call); });
}

}  // namespace leadrouter::server
