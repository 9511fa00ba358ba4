// ScoreService and scores in routing through real gRPC: models trained from closed leads seeded
// in a real server, Activate / Rollback, Assign scoring with the active model, a rule reading
// `score`, the explanation's factors, and the same scores after a restart.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "leadrouter/v1/scoring.grpc.pb.h"
#include "status_matchers.h"
#include "tests/server/score_fixtures.h"
#include "tests/server/server_harness.h"

namespace leadrouter::testing {
namespace {

namespace v1 = leadrouter::v1;

class ScoreServiceTest : public ::testing::Test {
 protected:
  ScoreServiceTest() : server_({.rules = kScoreRules, .reps_csv = kScoreReps}) {}

  template <typename Fn>
  grpc::Status Call(Fn&& fn) {
    return server_.Call(std::forward<Fn>(fn));
  }

  static v1::Lead Lead(const std::string& id, const std::string& source) {
    return ScoredLead(id, source);
  }
  v1::AssignResponse Assign(const v1::Lead& lead) { return AssignLead(server_, lead); }
  void SeedClosedLeads(int count) { testing::SeedClosedLeads(server_, count); }

  grpc::Status Train(bool activate, v1::TrainModelResponse* response) {
    v1::TrainModelRequest request;
    request.set_actor("ops");
    request.set_activate(activate);
    return Call(
        [&](grpc::ClientContext* c) { return server_.scores().Train(c, request, response); });
  }

  v1::TrainModelResponse TrainIfBetter() {
    v1::TrainModelRequest request;
    request.set_actor("ops");
    request.set_activate_if_better(true);
    v1::TrainModelResponse response;
    const grpc::Status status =
        Call([&](grpc::ClientContext* c) { return server_.scores().Train(c, request, &response); });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  int64_t ActiveVersion() {
    v1::GetModelResponse response;
    const grpc::Status status = Call([&](grpc::ClientContext* c) {
      return server_.scores().GetModel(c, v1::GetModelRequest(), &response);
    });
    return status.ok() ? response.model().version() : 0;
  }

  ServerHarness server_;
};

TEST_F(ScoreServiceTest, TooFewClosedLeadsAreRefusedWithTheCounts) {
  ASSERT_OK(server_.status());
  SeedClosedLeads(50);
  v1::TrainModelResponse response;
  const grpc::Status status = Train(true, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            "50 closed leads (23 converted, 27 not): training needs at least 200 closed leads and "
            "40 of each outcome");
  EXPECT_EQ(ErrorReason(status), "NOT_ENOUGH_DATA");
  EXPECT_EQ(ActiveVersion(), 0);
  // Without a model, Assign scores nothing.
  const v1::AssignResponse assigned = Assign(Lead("new", "ads"));
  EXPECT_FALSE(assigned.has_score());
  EXPECT_EQ(assigned.score_model_version(), 0);
}

TEST_F(ScoreServiceTest, TrainsFromClosedLeadsAndAssignScoresWithTheActiveModel) {
  ASSERT_OK(server_.status());
  SeedClosedLeads(300);
  v1::TrainModelResponse trained;
  const grpc::Status status = Train(true, &trained);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::ScoreModel& model = trained.model();
  EXPECT_EQ(model.name(), "score/models/1");
  EXPECT_TRUE(model.active());
  EXPECT_EQ(model.author(), "ops");
  EXPECT_EQ(model.data().closed_count(), 300);
  EXPECT_EQ(model.data().converted_count(), 135);
  EXPECT_EQ(model.data().lost_count(), 165);
  EXPECT_EQ(model.data().holdout_count(), 60);
  EXPECT_EQ(model.data().split(), "time");
  EXPECT_LE(model.data().first_arrival_time().seconds(),
            model.data().last_arrival_time().seconds());
  EXPECT_GT(model.holdout().roc_auc(), 0.8);
  EXPECT_GT(model.holdout().top_decile_lift(), 1.0);
  EXPECT_FALSE(model.holdout().deciles().empty());
  EXPECT_GT(model.model_bytes(), 0);

  // The model recovered the signal: ads leads score clearly higher, and the rule reading `score`
  // sends them to ana.
  const v1::AssignResponse ads = Assign(Lead("new-ads", "ads"));
  const v1::AssignResponse web = Assign(Lead("new-web", "web"));
  ASSERT_TRUE(ads.has_score());
  ASSERT_TRUE(web.has_score());
  EXPECT_EQ(ads.score_model_version(), 1);
  EXPECT_EQ(ads.assignment().score_model_version(), 1);
  EXPECT_EQ(ads.lead().score(), ads.score());
  EXPECT_GT(ads.score(), 0.6);
  EXPECT_LT(web.score(), 0.3);
  EXPECT_EQ(ads.assignment().rep(), "reps/ana");
  EXPECT_EQ(ads.assignment().rule().name(), "hot");
  EXPECT_EQ(web.assignment().rep(), "reps/ben");

  // The explanation shows the score and its top factors.
  v1::ExplainRequest explain;
  explain.set_name("leads/new-ads");
  v1::ExplainResponse explained;
  const grpc::Status explain_status = Call([&](grpc::ClientContext* c) {
    return server_.assignments().Explain(c, explain, &explained);
  });
  ASSERT_TRUE(explain_status.ok()) << explain_status.error_message();
  const v1::ScoreTrace& trace = explained.explanation().score();
  EXPECT_EQ(trace.model_version(), 1);
  EXPECT_EQ(trace.score(), ads.score());
  ASSERT_GE(trace.factors_size(), 1);
  EXPECT_LE(trace.factors_size(), 3);
  EXPECT_EQ(trace.factors(0).feature(), "source");
  EXPECT_EQ(trace.factors(0).value(), "ads");
  EXPECT_GT(trace.factors(0).log_odds(), 0);
  EXPECT_NE(explained.text().find("score "), std::string::npos) << explained.text();
  EXPECT_NE(explained.text().find("source=ads +"), std::string::npos) << explained.text();

  // DryRun (of the active rules) scores its leads with the active model too.
  v1::DryRunRequest dry_run;
  *dry_run.add_leads() = Lead("dry-ads", "ads");
  *dry_run.add_leads() = Lead("dry-web", "web");
  v1::DryRunResponse dried;
  const grpc::Status dry_status =
      Call([&](grpc::ClientContext* c) { return server_.rules().DryRun(c, dry_run, &dried); });
  ASSERT_TRUE(dry_status.ok()) << dry_status.error_message();
  ASSERT_EQ(dried.results_size(), 2);
  EXPECT_EQ(dried.results(0).rep(), "reps/ana");
  EXPECT_EQ(dried.results(1).rep(), "reps/ben");

  // A score the client sends wins over the model's.
  v1::Lead sent = Lead("sent", "ads");
  sent.set_score(0.05);
  const v1::AssignResponse client = Assign(sent);
  EXPECT_EQ(client.score(), 0.05);
  EXPECT_EQ(client.score_model_version(), 0);
  EXPECT_EQ(client.assignment().rep(), "reps/ben");

  // The same lead scores bit for bit the same after a restart.
  server_.Restart();
  ASSERT_OK(server_.status());
  const v1::AssignResponse after = Assign(Lead("new-ads-2", "ads"));
  EXPECT_EQ(after.score_model_version(), 1);
  EXPECT_EQ(after.score(), ads.score());
}

TEST_F(ScoreServiceTest, ActivateAndRollbackMoveTheActiveVersion) {
  ASSERT_OK(server_.status());
  SeedClosedLeads(250);
  v1::TrainModelResponse first;
  ASSERT_TRUE(Train(true, &first).ok());
  v1::TrainModelResponse second;
  ASSERT_TRUE(Train(false, &second).ok());
  EXPECT_EQ(second.model().version(), 2);
  EXPECT_FALSE(second.model().active());
  EXPECT_EQ(ActiveVersion(), 1);

  v1::ListModelsResponse listed;
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return server_.scores().ListModels(c, v1::ListModelsRequest(), &listed);
              }).ok());
  ASSERT_EQ(listed.models_size(), 2);
  EXPECT_EQ(listed.models(0).version(), 2);
  EXPECT_TRUE(listed.models(1).active());

  v1::ActivateModelRequest activate;
  activate.set_name("score/models/2");
  activate.set_actor("ops");
  v1::ActivateModelResponse activated;
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return server_.scores().Activate(c, activate, &activated);
              }).ok());
  EXPECT_EQ(activated.previous_version(), 1);
  EXPECT_EQ(ActiveVersion(), 2);
  EXPECT_EQ(Assign(Lead("after-activate", "ads")).score_model_version(), 2);

  v1::RollbackModelRequest rollback;
  rollback.set_actor("ops");
  rollback.set_reason("compare first");
  v1::RollbackModelResponse rolled;
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return server_.scores().Rollback(c, rollback, &rolled);
              }).ok());
  EXPECT_EQ(rolled.model().version(), 1);
  EXPECT_EQ(rolled.previous_version(), 2);
  EXPECT_EQ(Assign(Lead("after-rollback", "ads")).score_model_version(), 1);
  // A Reassign by the rules scores the lead again with the model active now.
  v1::ReassignRequest reassign;
  reassign.set_lead("leads/after-activate");
  reassign.mutable_by_rule();
  reassign.set_actor("manager");
  reassign.set_reason("rebalance");
  v1::ReassignResponse reassigned;
  const grpc::Status reassign_status = Call([&](grpc::ClientContext* c) {
    return server_.assignments().Reassign(c, reassign, &reassigned);
  });
  ASSERT_TRUE(reassign_status.ok()) << reassign_status.error_message();
  EXPECT_EQ(reassigned.assignment().score_model_version(), 1);
  EXPECT_EQ(reassigned.assignment().score(), reassigned.lead().score());
  EXPECT_EQ(reassigned.assignment().rep(), "reps/ben");  // ana, the owner, is excluded
  server_.Restart();
  ASSERT_OK(server_.status());
  EXPECT_EQ(ActiveVersion(), 1);

  const grpc::Status oldest =
      Call([&](grpc::ClientContext* c) { return server_.scores().Rollback(c, rollback, &rolled); });
  EXPECT_EQ(oldest.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  activate.set_name("score/models/9");
  EXPECT_EQ(Call([&](grpc::ClientContext* c) {
              return server_.scores().Activate(c, activate, &activated);
            }).error_code(),
            grpc::StatusCode::NOT_FOUND);
  activate.set_name("models/1");
  const grpc::Status bad = Call(
      [&](grpc::ClientContext* c) { return server_.scores().Activate(c, activate, &activated); });
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("name"), std::string::npos);
}

// activate_if_better (what the scheduled training asks for): the active model is measured on the
// new one's held-out leads, the most recent 20%, and stays when it ranks them better.
TEST_F(ScoreServiceTest, ARetrainingOnDriftedOutcomesDoesNotReplaceABetterModel) {
  ASSERT_OK(server_.status());
  // Nothing active yet: the first model is activated without a comparison.
  SeedClosedLeads(300);
  const v1::TrainModelResponse first = TrainIfBetter();
  EXPECT_TRUE(first.model().active());
  EXPECT_FALSE(first.has_compared_roc_auc());
  ASSERT_EQ(ActiveVersion(), 1);

  // 1,000 outcomes recorded the wrong way round, then 350 right again: the new model learns
  // mostly from the wrong ones; the held-out 20% (the newest 330) are right.
  testing::SeedClosedLeads(server_, 1000, "drift", /*inverted=*/true);
  testing::SeedClosedLeads(server_, 350, "back");
  const v1::TrainModelResponse drifted = TrainIfBetter();
  EXPECT_EQ(drifted.model().version(), 2);
  EXPECT_FALSE(drifted.model().active());
  EXPECT_EQ(drifted.compared_version(), 1);
  ASSERT_TRUE(drifted.has_compared_roc_auc());
  EXPECT_GT(drifted.compared_roc_auc(), 0.8);
  EXPECT_LT(drifted.model().holdout().roc_auc(), drifted.compared_roc_auc());
  EXPECT_EQ(ActiveVersion(), 1);

  // Asking for both is a mistake, named.
  v1::TrainModelRequest both;
  both.set_actor("ops");
  both.set_activate(true);
  both.set_activate_if_better(true);
  v1::TrainModelResponse refused;
  const grpc::Status status =
      Call([&](grpc::ClientContext* c) { return server_.scores().Train(c, both, &refused); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("activate_if_better"), std::string::npos);
}

TEST_F(ScoreServiceTest, ARetrainingThatDoesBetterReplacesTheActiveModel) {
  ASSERT_OK(server_.status());
  // The active model learnt from outcomes recorded the wrong way round...
  testing::SeedClosedLeads(server_, 250, "wrong", /*inverted=*/true);
  ASSERT_TRUE(TrainIfBetter().model().active());
  // ...and the right ones outnumber them eight to one now; the held-out newest 20% are right.
  SeedClosedLeads(2000);
  const v1::TrainModelResponse better = TrainIfBetter();
  EXPECT_EQ(better.compared_version(), 1);
  ASSERT_TRUE(better.has_compared_roc_auc());
  EXPECT_LT(better.compared_roc_auc(), 0.5);
  EXPECT_GT(better.model().holdout().roc_auc(), 0.75);
  EXPECT_GT(better.model().holdout().roc_auc(), better.compared_roc_auc());
  EXPECT_TRUE(better.model().active());
  EXPECT_EQ(ActiveVersion(), 2);
}

// --score-train-interval: the first run is at start; with too little data it skips, with enough
// it stores and activates a model.
TEST(ScheduledScoreTrainingTest, TrainsAtStartOnceThereIsEnoughData) {
  bool scheduled = false;
  ServerHarness server({.rules = kScoreRules,
                        .reps_csv = kScoreReps,
                        .configure = [&scheduled](server::ServerOptions& options) {
                          if (scheduled) options.score_train_interval = std::chrono::hours(1);
                        }});
  ASSERT_OK(server.status());
  const auto active = [&] {
    v1::GetModelResponse response;
    const grpc::Status status = server.Call([&](grpc::ClientContext* c) {
      return server.scores().GetModel(c, v1::GetModelRequest(), &response);
    });
    return status.ok() ? response.model().version() : 0;
  };
  scheduled = true;
  server.Restart();  // too little data: the run skips
  ASSERT_OK(server.status());
  SeedClosedLeads(server, 250);
  EXPECT_EQ(active(), 0);
  server.Restart();  // enough: the run at start trains
  ASSERT_OK(server.status());
  for (int i = 0; i < 200 && active() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(active(), 1);
}

}  // namespace
}  // namespace leadrouter::testing
