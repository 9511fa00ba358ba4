// leadrouterd: the lead-routing gRPC server.
#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/server.h"

namespace {

// SIGINT, SIGTERM and SIGHUP are blocked in every thread (gRPC's included, which inherit the mask)
// and taken synchronously by one watcher, so shutdown and reloads run as ordinary code, not in a
// signal handler.
sigset_t BlockWatchedSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Written once the port is bound (then renamed into place, so a reader never sees half a number):
// how tests and scripts find a server started with port 0.
bool WritePortFile(const std::string& path, int port) {
  const std::string temporary = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

// protobuf's own error lines ("String field ... contains invalid UTF-8 data when parsing") in the
// server's log format instead of raw on stderr. A refused request parse is already answered with
// INVALID_ARGUMENT naming the field (proto/strict_parse.h), so it is only worth a debug line.
void LogProtobufMessage(google::protobuf::LogLevel level, const char* file, int line,
                        const std::string& message) {
  const bool parse_refusal = message.find("when parsing") != std::string::npos;
  const spdlog::level::level_enum spd_level =
      parse_refusal                                 ? spdlog::level::debug
      : level >= google::protobuf::LOGLEVEL_ERROR   ? spdlog::level::err
      : level == google::protobuf::LOGLEVEL_WARNING ? spdlog::level::warn
                                                    : spdlog::level::info;
  spdlog::log(spd_level, "protobuf {}:{}: {}", file, line, message);
}

// Waits for signals until SIGINT or SIGTERM: SIGHUP reloads tokens and certificates.
void WatchSignals(const sigset_t& signals, leadrouter::server::Server& server) {
  while (true) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGHUP) {
      spdlog::info("received signal=SIGHUP: reloading the token file and TLS certificates");
      if (absl::Status status = server.ReloadSecurity(); !status.ok()) {
        spdlog::error("SIGHUP: {}", std::string(status.message()));
      }
      continue;
    }
    spdlog::info("received signal={}", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    server.Shutdown();
    return;
  }
}

// "30d", "12h", "90m", "45s" or "0" (0: keep forever); nullopt for anything else.
std::optional<std::chrono::seconds> ParseDurationFlag(const std::string& text) {
  if (text == "0") return std::chrono::seconds(0);
  if (text.size() < 2) return std::nullopt;
  int64_t count = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &count) || count < 0) return std::nullopt;
  const std::map<char, int64_t> seconds_per = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  const auto unit = seconds_per.find(text.back());
  if (unit == seconds_per.end() || count > INT64_MAX / unit->second) return std::nullopt;
  return std::chrono::seconds(count * unit->second);
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil is built with its debug checks on, so every absl::Mutex (gRPC takes several
  // per call) feeds a global lock-order graph: ~1.5% of the server's CPU under load. The tests keep
  // that check; the shipped server does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  leadrouter::server::ServerOptions options;
  std::string log_level = "info";
  std::string durability = "sync";
  std::string encode_on_callers = "auto";
  std::string counter_check = "incremental";
  std::string port_file;
  int shutdown_grace_ms = static_cast<int>(options.shutdown_grace.count());
  int64_t max_deadline_ms = absl::ToInt64Milliseconds(options.max_deadline);
  int64_t min_client_ping_interval_ms = options.min_client_ping_interval.count();
  std::string event_retention = "30d";
  std::string review_timeout = "24h";
  std::string review_timeout_action = "escalate";
  std::string work_schedule_file;
  std::string sla_stops_on = "attempt";
  int64_t sla_sweep_interval_ms = options.sla_sweep_interval.count();
  std::string score_train_interval = "0";
  std::string counter_checkpoint_interval = "5m";
  std::string performance_window = "90d";

  CLI::App app{"leadrouterd: assigns sales leads to reps by rules", "leadrouterd"};
  app.set_config("--config", "",
                 "read options from an INI/TOML file (`listen = \"0.0.0.0:50051\"`); options on "
                 "the command line override it");
  app.add_option("--listen", options.listen_address, "host:port to serve gRPC on (port 0: any)")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "directory of the RocksDB database (created if missing)")
      ->capture_default_str();
  app.add_option("--rules", options.rules_file,
                 "rule file published as version 1 when the database has no rule version yet")
      ->check(CLI::ExistingFile);
  app.add_option("--reps", options.reps_file,
                 "roster file (.csv or .jsonl) whose reps are upserted at start")
      ->check(CLI::ExistingFile);
  app.add_option("--timezone", options.timezone,
                 "IANA time zone of day/week/month caps, e.g. Asia/Shanghai")
      ->capture_default_str();
  app.add_option("--channels", options.channels,
                 "follow-up channels on top of phone, email, sms, wechat, social, im, visit "
                 "(comma-separated names, e.g. line,whatsapp)")
      ->delimiter(',');
  app.add_option("--durability", durability,
                 "sync: fsync before acknowledging a change; async: survive a process crash only")
      ->capture_default_str()
      ->check(CLI::IsMember({"sync", "async"}));
  app.add_option("--encode-on-callers", encode_on_callers,
                 "who encodes a commit group's history, explanation, audit and event records: "
                 "on: the calls' threads, off: the writer, auto: on with more than two cores")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
  app.add_option("--counter-check", counter_check,
                 "the counter check at start: incremental (from the counter checkpoint, the whole "
                 "history when there is none) or full (every history entry replayed)")
      ->capture_default_str()
      ->check(CLI::IsMember({"incremental", "full"}));
  app.add_option("--counter-checkpoint-interval", counter_checkpoint_interval,
                 "move the counter checkpoint to the last committed entry this often while "
                 "serving (and always at a clean stop), so a start after a crash replays at most "
                 "this long's history: 5m, 1h; 0 only at a clean stop")
      ->capture_default_str()
      ->check([](const std::string& text) {
        return ParseDurationFlag(text).has_value() ? "" : "expected e.g. 5m, 1h, 30s or 0";
      });
  app.add_option("--shutdown-grace-ms", shutdown_grace_ms,
                 "how long in-flight calls may finish on shutdown")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--port-file", port_file,
                 "write the bound port to this file once serving (useful with port 0)");
  app.add_option("--auth-tokens", options.security.auth_tokens_file,
                 "token hash file (docs/security.md): turns authentication on; reloaded on SIGHUP")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-cert", options.security.tls_cert,
                 "PEM certificate chain to serve TLS with; reloaded on SIGHUP")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", options.security.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-client-ca", options.security.tls_client_ca,
                 "PEM CA certificates of accepted client certificates: mutual TLS")
      ->check(CLI::ExistingFile);
  app.add_flag("--insecure", options.security.insecure,
               "serve plaintext on a non-loopback listener (a network secured otherwise)");
  app.add_option("--max-deadline-ms", max_deadline_ms,
                 "longest deadline a call gets; calls without one get this")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-metadata-bytes", options.max_metadata_bytes,
                 "largest request metadata (keys and values summed)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-message-bytes", options.max_receive_message_bytes,
                 "largest request message")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-concurrent-streams", options.max_concurrent_streams,
                 "concurrent calls per connection (more wait on the client)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--min-client-ping-interval-ms", min_client_ping_interval_ms,
                 "clients pinging more often without data are disconnected (too_many_pings)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--assign-rate", options.assign_rate.per_second,
                 "leads per second each caller may send to Assign/AssignBatch (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--assign-burst", options.assign_rate.burst,
                 "leads a caller may send at once after being idle (default: 2 x --assign-rate)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--event-retention", event_retention,
                 "events older than this are trimmed from the event log: 30d, 12h, 90m, 45s; "
                 "0 keeps them all")
      ->capture_default_str()
      ->check([](const std::string& text) {
        return ParseDurationFlag(text).has_value() ? "" : "expected e.g. 30d, 12h, 90m, 45s or 0";
      });
  app.add_option("--performance-window", performance_window,
                 "the rep performance fields (conversion_rate, median_first_contact_hours, "
                 "sla_compliance) count the leads reps received in this window: 90d, 30d, 12h; "
                 "at most 400d")
      ->capture_default_str()
      ->check([](const std::string& text) {
        const std::optional<std::chrono::seconds> window = ParseDurationFlag(text);
        return window.has_value() && window->count() > 0 ? "" : "expected e.g. 90d, 30d or 12h";
      });
  app.add_option("--performance-prior", options.performance_prior,
                 "leads' worth of evidence the team's figure counts for in a rep's performance "
                 "fields (k of the shrinkage: docs/language.md)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-event-watchers", options.max_event_watchers,
                 "most WatchEvents streams at once (more: RESOURCE_EXHAUSTED)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--review-timeout", review_timeout,
                 "a proposal waiting for review longer than this gets --review-timeout-action: "
                 "24h, 90m, 2d; 0 never")
      ->capture_default_str()
      ->check([](const std::string& text) {
        return ParseDurationFlag(text).has_value() ? "" : "expected e.g. 24h, 90m, 2d or 0";
      });
  app.add_option("--review-timeout-action", review_timeout_action,
                 "what a timed-out review does: escalate (a REVIEW_EXPIRED event, the proposal "
                 "keeps waiting), approve, or reject (the lead is unassigned)")
      ->capture_default_str()
      ->check(CLI::IsMember({"escalate", "approve", "reject"}));
  app.add_option("--work-schedule", work_schedule_file,
                 "JSON file with the working time of reps without their own schedule "
                 "({\"time_zone\": \"Asia/Shanghai\", \"hours\": \"mon-fri 09:00-18:00\"}); "
                 "default: around the clock in UTC")
      ->check(CLI::ExistingFile);
  app.add_option("--default-sla", options.default_sla,
                 "the SLA of rules without `sla` and of manual assignments, as a rule writes it "
                 "after `sla`, e.g. \"4 working hours then notify, 1 working day then reassign\"")
      ->capture_default_str();
  app.add_option("--sla-stops-on", sla_stops_on,
                 "what stops an SLA clock: the owner's first follow-up (attempt) or the first "
                 "that reached the lead (reached)")
      ->capture_default_str()
      ->check(CLI::IsMember({"attempt", "reached"}));
  app.add_option("--escalation-target", options.escalation_target,
                 "whom a bare `escalate` hands a lead to: team:NAME or rep:ID (default: nobody, "
                 "the step only reports)");
  app.add_option("--sla-sweep-interval-ms", sla_sweep_interval_ms,
                 "how often due SLA steps and tasks are applied")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--score-train-interval", score_train_interval,
                 "retrain the score model from the closed leads this often and make it active "
                 "when it does at least as well as the active one on the newest held-out leads "
                 "(skipped, logged, while there is too little data): 7d, 12h; 0 never")
      ->capture_default_str()
      ->check([](const std::string& text) {
        return ParseDurationFlag(text).has_value() ? "" : "expected e.g. 7d, 12h, 90m or 0";
      });
  app.add_option("--score-min-closed", options.score_minimums.closed,
                 "the fewest closed leads a score model is trained on")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--score-min-each", options.score_minimums.each_outcome,
                 "the fewest converted, and the fewest lost, leads a score model is trained on")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  if (!work_schedule_file.empty()) {
    std::ifstream in(work_schedule_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      spdlog::critical("cannot read --work-schedule {}", work_schedule_file);
      return EXIT_FAILURE;
    }
    options.work_schedule = text.str();
  }
  options.sla_stops_on = *leadrouter::server::ParseSlaStopsOn(sla_stops_on);
  options.sla_sweep_interval = std::chrono::milliseconds(sla_sweep_interval_ms);
  options.event_retention = *ParseDurationFlag(event_retention);
  options.score_train_interval = *ParseDurationFlag(score_train_interval);
  options.counter_checkpoint_interval = *ParseDurationFlag(counter_checkpoint_interval);
  options.performance_window = *ParseDurationFlag(performance_window);
  options.review_timeout = *ParseDurationFlag(review_timeout);
  options.review_timeout_action =
      *leadrouter::server::ParseReviewTimeoutAction(review_timeout_action);
  options.max_deadline = absl::Milliseconds(max_deadline_ms);
  options.min_client_ping_interval = std::chrono::milliseconds(min_client_ping_interval_ms);

  options.shutdown_grace = std::chrono::milliseconds(shutdown_grace_ms);
  options.durability = durability == "async" ? leadrouter::storage::Durability::kAsync
                                             : leadrouter::storage::Durability::kSync;
  if (encode_on_callers != "auto") options.encode_on_callers = encode_on_callers == "on";
  options.counter_check = *leadrouter::storage::ParseCounterCheckMode(counter_check);
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);

  google::protobuf::SetLogHandler(&LogProtobufMessage);
  if (std::getenv("GRPC_TRACE") != nullptr) {
    spdlog::warn(
        "GRPC_TRACE is set: gRPC's HTTP/2 tracers print request headers, bearer tokens included "
        "(docs/security.md)");
  }
  const sigset_t signals = BlockWatchedSignals();
  auto server = leadrouter::server::Server::Start(options);
  if (!server.ok()) {
    spdlog::critical("cannot start: {}", server.status().ToString());
    return EXIT_FAILURE;
  }
  if (!port_file.empty() && !WritePortFile(port_file, (*server)->port())) {
    spdlog::critical("cannot write --port-file {}", port_file);
    (*server)->Shutdown();
    return EXIT_FAILURE;
  }

  std::thread watcher([&signals, &server] { WatchSignals(signals, **server); });
  (*server)->Wait();
  watcher.join();
  return EXIT_SUCCESS;
}
