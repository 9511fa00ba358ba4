// leadctl score train | report | predict: lead scoring offline (dsl/score/, docs/scoring.md);
// `train --server` and the version commands (models, activate, rollback) work on a server's
// models instead (cmd_score_server.cc).
//
//   train   --leads FILE [--mapping FILE] [--label converted] [--seed 42] [--out MODEL]
//           trains on the leads that have the label, holds 20% out, prints the metrics
//   train   --server ADDR [--activate | --activate-if-better] [--seed 42]
//           the same on the server's closed leads, stored there as the next model version
//   report  --model MODEL --leads FILE [--mapping FILE] [--label converted] --html OUT
//           the model on those leads: calibration curve and lift chart, one HTML file
//   predict --model MODEL --leads FILE [--mapping FILE] [--factors 3]
//           one CSV line per lead: id, score, the largest contributions
//
// Exit code: 0 done, 2 unusable input (a file, too little data, a label no lead has).
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/leadctl/commands.h"
#include "clients/leadctl/html_page.h"
#include "clients/leadctl/score_report.h"
#include "clients/leadctl/score_server.h"
#include "dsl/base/status_macros.h"
#include "dsl/data/lead_mapping.h"
#include "dsl/data/score_data.h"
#include "dsl/score/train.h"

namespace leadrouter::leadctl {
namespace {

namespace score = dsl::score;

struct ScoreArgs {
  std::string leads;
  std::string mapping;
  std::string label = "converted";
  uint64_t seed = 42;
  std::string out;
  std::string model;
  std::string html;
  std::vector<std::string> exclude;
  std::string encoding = "one-hot";
  size_t min_closed = score::Minimums{}.closed;
  size_t min_each = score::Minimums{}.each_outcome;
  size_t factors = 3;
  client::ServerArgs server;
  bool activate = false;
  bool activate_if_better = false;
};

// The label as a lead field: its name, or, for `--label Converted`, the field a mapping fills from
// that column, or the same name in lower case (the X Education export without a mapping).
absl::StatusOr<std::string> LabelField(const ScoreArgs& args,
                                       const std::vector<dsl::LeadRow>& leads) {
  std::set<std::string> fields;
  for (const dsl::LeadRow& row : leads) {
    for (const dsl::Attribute& a : row.attributes) fields.insert(a.name);
  }
  if (fields.count(args.label) > 0) return args.label;
  if (!args.mapping.empty()) {
    ASSIGN_OR_RETURN(const dsl::LeadMapping mapping, dsl::ReadLeadMappingFile(args.mapping));
    for (const dsl::FieldMapping& f : mapping.fields) {
      if (f.column == args.label) return f.name;
    }
  }
  const std::string lower = absl::AsciiStrToLower(args.label);
  if (fields.count(lower) > 0) return lower;
  return args.label;  // ScoreExamplesFromLeads names the fields there are
}

absl::StatusOr<dsl::ScoreExamples> ReadExamples(const ScoreArgs& args, std::string& label) {
  ASSIGN_OR_RETURN(const std::vector<dsl::LeadRow> leads,
                   dsl::ReadLeadsWithMapping(args.leads, args.mapping, absl::UTCTimeZone()));
  ASSIGN_OR_RETURN(label, LabelField(args, leads));
  return dsl::ScoreExamplesFromLeads(leads, label, args.leads);
}

int Fail(const absl::Status& status) {
  std::cerr << "leadctl score: " << status.message() << '\n';
  return 2;
}

absl::Status Train(const ScoreArgs& args) {
  std::string label;
  ASSIGN_OR_RETURN(const dsl::ScoreExamples examples, ReadExamples(args, label));
  score::TrainOptions options;
  options.seed = args.seed;
  options.minimums = {args.min_closed, args.min_each};
  for (const std::string& field : args.exclude) options.features.exclude.push_back(field);
  options.features.encoding = args.encoding == "native" ? score::CategoricalEncoding::kNative
                                                        : score::CategoricalEncoding::kOneHot;
  ASSIGN_OR_RETURN(const score::Model model, score::Train(examples.examples, label, options));
  const score::ModelInfo& info = model.info();
  std::vector<std::string> features;
  for (const score::Feature& f : model.features().features()) {
    features.push_back(f.kind == score::FeatureKind::kNumeric
                           ? f.field
                           : absl::StrFormat("%s (%d values)", f.field, f.categories.size()));
  }
  std::cout << absl::StrFormat(
      "trained on %d leads (%d converted; %d without \"%s\" left out), %s split, seed %d\n"
      "features (%d): %s\n",
      info.train_count, info.train_positives, examples.unlabelled, label, info.split, info.seed,
      features.size(), absl::StrJoin(features, ", "));
  std::cout << score::FormatMetrics(info.holdout);
  if (!args.out.empty()) {
    RETURN_IF_ERROR(dsl::WriteScoreModelFile(args.out, model));
    std::cout << "model written to " << args.out << '\n';
  }
  return absl::OkStatus();
}

absl::Status Report(const ScoreArgs& args) {
  ASSIGN_OR_RETURN(const score::Model model, dsl::ReadScoreModelFile(args.model));
  std::string label;
  ASSIGN_OR_RETURN(const dsl::ScoreExamples examples, ReadExamples(args, label));
  std::vector<const std::vector<dsl::Attribute>*> leads;
  std::vector<bool> outcomes;
  for (const score::Example& e : examples.examples) {
    leads.push_back(&e.attributes);
    outcomes.push_back(e.converted);
  }
  ASSIGN_OR_RETURN(const std::vector<double> scores, model.Predict(leads));
  const score::Metrics measured = score::Evaluate(scores, outcomes);
  std::cout << score::FormatMetrics(measured);
  RETURN_IF_ERROR(html::WritePage(args.html, ScoreReportHtml(model, measured, args.leads)));
  std::cout << "report written to " << args.html << '\n';
  return absl::OkStatus();
}

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

absl::Status Predict(const ScoreArgs& args) {
  ASSIGN_OR_RETURN(const score::Model model, dsl::ReadScoreModelFile(args.model));
  ASSIGN_OR_RETURN(const std::vector<dsl::LeadRow> leads,
                   dsl::ReadLeadsWithMapping(args.leads, args.mapping, absl::UTCTimeZone()));
  std::cout << "id,score,factors\n";
  for (const dsl::LeadRow& row : leads) {
    ASSIGN_OR_RETURN(const score::ScoreExplanation why, model.Explain(row.attributes));
    std::vector<std::string> factors;
    for (size_t i = 0; i < why.contributions.size() && i < args.factors; ++i) {
      const score::Contribution& c = why.contributions[i];
      factors.push_back(absl::StrFormat("%s=%s %+.2f", c.feature, c.value, c.log_odds));
    }
    std::cout << CsvCell(row.id) << ',' << absl::StrFormat("%.4f", why.score) << ','
              << CsvCell(absl::StrJoin(factors, "; ")) << '\n';
  }
  return absl::OkStatus();
}

CLI::Option* AddLeadOptions(CLI::App* command, ScoreArgs& args) {
  CLI::Option* leads = command->add_option("--leads", args.leads, "Lead file (.csv or .jsonl)");
  command->add_option("--mapping", args.mapping,
                      "Mapping file for a CSV export (examples/x-education.scoring.mapping.toml)");
  return leads;
}

}  // namespace

void AddScoreCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* score_command = app.add_subcommand(
      "score", "Lead scoring: train a model, report on it, score leads; a server's models");
  score_command->require_subcommand(1);

  CLI::App* train = score_command->add_subcommand(
      "train",
      "Train a score model on leads with a known outcome (a file, or the closed leads of "
      "--server) and print its held-out metrics");
  CLI::Option* train_leads = AddLeadOptions(train, *args);
  client::AddServerOptions(*train, args->server);
  CLI::Option* train_server = train->get_option("--server");
  train_leads->excludes(train_server);
  CLI::Option* activate =
      train->add_flag("--activate", args->activate,
                      "With --server: make the new model the active one (default: stored only)");
  train
      ->add_flag("--activate-if-better", args->activate_if_better,
                 "With --server: make it active only when no model is, or when it does at least "
                 "as well as the active one on the same held-out leads (ROC AUC)")
      ->excludes(activate);
  train->add_option("--label", args->label,
                    "The outcome: a lead field (true/false or 0/1), or the column a mapping reads "
                    "it from (default: converted)");
  train->add_option("--seed", args->seed, "Seed of the split and of XGBoost (default: 42)");
  train->add_option("--out", args->out, "Write the model to this file");
  train->add_option("--exclude", args->exclude,
                    "A lead field not to learn from, besides id and created_at (repeatable)");
  train->add_option("--encoding", args->encoding, "Categorical fields: one-hot (default) or native")
      ->check(CLI::IsMember({"one-hot", "native"}));
  train->add_option("--min-closed", args->min_closed,
                    "Refuse to train on fewer leads with an outcome (default: 200)");
  train->add_option("--min-each", args->min_each,
                    "Refuse to train on fewer of either outcome (default: 40)");
  train->callback([args, train_server, &exit_code] {
    if (train_server->count() > 0) {
      exit_code =
          TrainOnServer(args->server, {args->activate, args->activate_if_better}, args->seed);
      return;
    }
    if (args->leads.empty()) {
      exit_code = Fail(absl::InvalidArgumentError("train needs --leads FILE or --server ADDR"));
      return;
    }
    const absl::Status s = Train(*args);
    exit_code = s.ok() ? 0 : Fail(s);
  });

  CLI::App* report = score_command->add_subcommand(
      "report", "A model's calibration and lift on leads with a known outcome, as an HTML page");
  report->add_option("--model", args->model, "Model file (leadctl score train --out)")->required();
  AddLeadOptions(report, *args)->required();
  report->add_option("--label", args->label, "The outcome, as for train (default: converted)");
  report->add_option("--html", args->html, "Write the page to this file")->required();
  report->callback([args, &exit_code] {
    const absl::Status s = Report(*args);
    exit_code = s.ok() ? 0 : Fail(s);
  });

  CLI::App* predict = score_command->add_subcommand(
      "predict", "Score leads: one CSV line per lead with its score and largest factors");
  predict->add_option("--model", args->model, "Model file (leadctl score train --out)")->required();
  AddLeadOptions(predict, *args)->required();
  predict->add_option("--factors", args->factors,
                      "How many contributions to print per lead, largest first (default: 3)");
  predict->callback([args, &exit_code] {
    const absl::Status s = Predict(*args);
    exit_code = s.ok() ? 0 : Fail(s);
  });

  AddScoreServerCommands(*score_command, exit_code);
}

}  // namespace leadrouter::leadctl
