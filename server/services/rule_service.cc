#include "server/services/rule_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status RuleServiceImpl::Check(grpc::ServerContext* context, const v1::CheckRequest* request,
                                    v1::CheckResponse* response) {
  return Serve(gate_, "RuleService.Check", context, response,
               [&](const CallContext&) { return tester_.Check(*request); });
}

grpc::Status RuleServiceImpl::DryRun(grpc::ServerContext* context, const v1::DryRunRequest* request,
                                     v1::DryRunResponse* response) {
  return Serve(gate_, "RuleService.DryRun", context, response,
               [&](const CallContext& call) { return tester_.DryRun(*request, call); });
}

grpc::Status RuleServiceImpl::Backtest(grpc::ServerContext* context,
                                       const v1::BacktestRequest* request,
                                       v1::BacktestResponse* response) {
  return Serve(gate_, "RuleService.Backtest", context, response,
               [&](const CallContext& call) { return tester_.Backtest(*request, call); });
}

grpc::Status RuleServiceImpl::Publish(grpc::ServerContext* context,
                                      const v1::PublishRequest* request,
                                      v1::PublishResponse* response) {
  return Serve(gate_, "RuleService.Publish", context, response,
               [&](const CallContext& call) { return registry_.Publish(*request, call); });
}

grpc::Status RuleServiceImpl::GetRules(grpc::ServerContext* context,
                                       const v1::GetRulesRequest* request,
                                       v1::GetRulesResponse* response) {
  return Serve(gate_, "RuleService.GetRules", context, response,
               [&](const CallContext&) { return registry_.GetRules(*request); });
}

grpc::Status RuleServiceImpl::ListVersions(grpc::ServerContext* context,
                                           const v1::ListVersionsRequest* request,
                                           v1::ListVersionsResponse* response) {
  return Serve(gate_, "RuleService.ListVersions", context, response,
               [&](const CallContext&) { return registry_.ListVersions(*request); });
}

grpc::Status RuleServiceImpl::Rollback(grpc::ServerContext* context,
                                       const v1::RollbackRequest* request,
                                       v1::RollbackResponse* response) {
  return Serve(gate_, "RuleService.Rollback", context, response,
               [&](const CallContext& call) { return registry_.Rollback(*request, call); });
}

}  // namespace leadrouter::server
