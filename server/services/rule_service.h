// RuleService over gRPC: one-line shims over RuleRegistry (versions) and RuleTester (Check,
// DryRun, Backtest).
#pragma once

#include "leadrouter/v1/rules.grpc.pb.h"
#include "server/rules/rule_registry.h"
#include "server/rules/rule_tester.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class RuleServiceImpl final : public leadrouter::v1::RuleService::Service {
 public:
  RuleServiceImpl(const CallGate& gate, RuleRegistry& registry, RuleTester& tester)
      : gate_(gate), registry_(registry), tester_(tester) {}

  grpc::Status Check(grpc::ServerContext* context, const leadrouter::v1::CheckRequest* request,
                     leadrouter::v1::CheckResponse* response) override;
  grpc::Status DryRun(grpc::ServerContext* context, const leadrouter::v1::DryRunRequest* request,
                      leadrouter::v1::DryRunResponse* response) override;
  grpc::Status Publish(grpc::ServerContext* context, const leadrouter::v1::PublishRequest* request,
                       leadrouter::v1::PublishResponse* response) override;
  grpc::Status GetRules(grpc::ServerContext* context,
                        const leadrouter::v1::GetRulesRequest* request,
                        leadrouter::v1::GetRulesResponse* response) override;
  grpc::Status ListVersions(grpc::ServerContext* context,
                            const leadrouter::v1::ListVersionsRequest* request,
                            leadrouter::v1::ListVersionsResponse* response) override;
  grpc::Status Rollback(grpc::ServerContext* context,
                        const leadrouter::v1::RollbackRequest* request,
                        leadrouter::v1::RollbackResponse* response) override;
  grpc::Status Backtest(grpc::ServerContext* context,
                        const leadrouter::v1::BacktestRequest* request,
                        leadrouter::v1::BacktestResponse* response) override;

 private:
  const CallGate& gate_;
  RuleRegistry& registry_;
  RuleTester& tester_;
};

}  // namespace leadrouter::server
