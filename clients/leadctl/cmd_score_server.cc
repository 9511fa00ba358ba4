// leadctl score train --server | models | activate | rollback: the server's score models.
//
//   train --server ADDR [--activate | --activate-if-better] [--seed N]
//                                                  trains on the server's closed leads
//   models [--limit N]                             versions, newest first, with their AUC
//   activate VERSION [--reason TEXT]               makes a version the active one
//   rollback [VERSION] [--reason TEXT]             the version before the active one (or VERSION)
//
// Exit code: 0 done, 1 refused (too little data, no earlier version), 2 unusable input or server.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/leadctl/score_server.h"
#include "dsl/score/metrics.h"
#include "leadrouter/v1/scoring.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

// The evaluation as the offline trainer prints it (dsl::score::FormatMetrics), so that both read
// the same.
dsl::score::Metrics FromProto(const v1::ModelMetrics& metrics) {
  dsl::score::Metrics out;
  out.count = static_cast<size_t>(metrics.count());
  out.positives = static_cast<size_t>(metrics.positives());
  out.base_rate = metrics.base_rate();
  out.roc_auc = metrics.roc_auc();
  out.log_loss = metrics.log_loss();
  out.top_decile_lift = metrics.top_decile_lift();
  for (const v1::CalibrationDecile& decile : metrics.deciles()) {
    out.deciles.push_back(
        {static_cast<size_t>(decile.count()), decile.mean_predicted(), decile.observed_rate()});
  }
  return out;
}

std::string ModelLine(const v1::ScoreModel& model) {
  const v1::TrainingData& data = model.data();
  return absl::StrFormat(
      "version %d%s: AUC %.4f, log loss %.4f, lift %.2f; %d closed leads (%d converted, %d lost) "
      "from %s to %s; trained %s by %s",
      model.version(), model.active() ? " (active)" : "", model.holdout().roc_auc(),
      model.holdout().log_loss(), model.holdout().top_decile_lift(), data.closed_count(),
      data.converted_count(), data.lost_count(), client::FormatTime(data.first_arrival_time()),
      client::FormatTime(data.last_arrival_time()), client::FormatTime(model.create_time()),
      model.author());
}

struct VersionArgs {
  client::ServerArgs server;
  int64_t version = 0;
  std::string reason;
  int limit = 20;
};

int RunModels(const VersionArgs& args) {
  auto stub = v1::ScoreService::NewStub(client::Connect(args.server));
  v1::ListModelsRequest request;
  request.set_page_size(args.limit);
  v1::ListModelsResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::ScoreService::Stub::ListModels, request, response);
  if (!status.ok()) return client::ReportFailure("ListModels", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
    return client::kExitOk;
  }
  if (response.models().empty()) std::cout << "no score model trained yet\n";
  for (const v1::ScoreModel& model : response.models()) std::cout << ModelLine(model) << '\n';
  return client::kExitOk;
}

template <typename Response>
int PrintMoved(const VersionArgs& args, const Response& response) {
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    std::cout << "active score model: " << ModelLine(response.model()) << "\n(was version "
              << response.previous_version() << ")\n";
  }
  return client::kExitOk;
}

int RunActivate(const VersionArgs& args) {
  auto stub = v1::ScoreService::NewStub(client::Connect(args.server));
  v1::ActivateModelRequest request;
  request.set_name(absl::StrFormat("score/models/%d", args.version));
  request.set_actor("leadctl");
  request.set_reason(args.reason);
  v1::ActivateModelResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::ScoreService::Stub::Activate, request, response);
  if (!status.ok()) return client::ReportFailure("Activate", status);
  return PrintMoved(args, response);
}

int RunRollback(const VersionArgs& args) {
  auto stub = v1::ScoreService::NewStub(client::Connect(args.server));
  v1::RollbackModelRequest request;
  if (args.version > 0) request.set_name(absl::StrFormat("score/models/%d", args.version));
  request.set_actor("leadctl");
  request.set_reason(args.reason);
  v1::RollbackModelResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::ScoreService::Stub::Rollback, request, response);
  if (!status.ok()) return client::ReportFailure("Rollback", status);
  return PrintMoved(args, response);
}

}  // namespace

int TrainOnServer(const client::ServerArgs& server, const TrainActivation& activation,
                  uint64_t seed) {
  auto stub = v1::ScoreService::NewStub(client::Connect(server));
  v1::TrainModelRequest request;
  request.set_actor("leadctl");
  request.set_activate(activation.always);
  request.set_activate_if_better(activation.if_better);
  request.set_seed(seed);
  v1::TrainModelResponse response;
  const grpc::Status status =
      client::Call(server, *stub, &v1::ScoreService::Stub::Train, request, response);
  if (!status.ok()) return client::ReportFailure("Train", status);
  if (server.json()) {
    std::cout << client::ToJson(response);
    return client::kExitOk;
  }
  const v1::ScoreModel& model = response.model();
  std::cout << absl::StrFormat(
      "stored %s%s: trained on %d leads, %d held out (%s split), seed %d, %d features\n",
      model.name(), model.active() ? " (active)" : " (not active: score activate to use it)",
      model.data().train_count(), model.data().holdout_count(), model.data().split(), model.seed(),
      model.features_size());
  if (response.has_compared_roc_auc()) {
    std::cout << absl::StrFormat(
        "compared with score/models/%d on the same held-out leads: ROC AUC %.4f there, %.4f "
        "here: %s\n",
        response.compared_version(), response.compared_roc_auc(), model.holdout().roc_auc(),
        model.active() ? "activated" : "kept the active version");
  }
  std::cout << dsl::score::FormatMetrics(FromProto(model.holdout()));
  return client::kExitOk;
}

void AddScoreServerCommands(CLI::App& score, int& exit_code) {
  auto args = std::make_shared<VersionArgs>();
  CLI::App* models = score.add_subcommand("models", "The server's score model versions");
  models->add_option("--limit", args->limit, "How many, newest first (default: 20)")
      ->check(CLI::Range(1, 100));
  client::AddServerOptions(*models, args->server);
  models->callback([args, &exit_code] { exit_code = RunModels(*args); });

  CLI::App* activate =
      score.add_subcommand("activate", "Make a stored score model version the active one");
  activate->add_option("version", args->version, "The version number")
      ->required()
      ->check(CLI::PositiveNumber);
  activate->add_option("--reason", args->reason, "Why, for the audit log");
  client::AddServerOptions(*activate, args->server);
  activate->callback([args, &exit_code] { exit_code = RunActivate(*args); });

  CLI::App* rollback = score.add_subcommand(
      "rollback", "Make an earlier score model active (default: the one before the active one)");
  rollback->add_option("version", args->version, "The version number")->check(CLI::PositiveNumber);
  rollback->add_option("--reason", args->reason, "Why, for the audit log");
  client::AddServerOptions(*rollback, args->server);
  rollback->callback([args, &exit_code] { exit_code = RunRollback(*args); });
}

}  // namespace leadrouter::leadctl
