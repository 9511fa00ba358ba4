// leadrouterd's gRPC server: owns the database, the rule registry, the roster, the assigner and
// the services, and shuts down cleanly.
//
// Start() returns a running server; Shutdown() may be called from any thread (a signal watcher,
// a test) and is idempotent. All methods are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dsl/decision/rep_performance.h"
#include "dsl/score/train.h"
#include "server/api/clock.h"
#include "server/assign/lead_lifecycle.h"
#include "server/assign/review_timeout.h"
#include "server/services/call_policy.h"
#include "server/services/rate_limiter.h"
#include "server/transport/listener_security.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"

namespace leadrouter::server {

struct ServerOptions {
  // host:port to listen on. Port 0 picks a free port (see Server::port()).
  // Default: 127.0.0.1:50051
  std::string listen_address = "127.0.0.1:50051";
  // Directory of the embedded RocksDB database; created when missing.
  // Default: ./data
  std::string db_path = "./data";
  // A rule file published as version 1 when the database has no rule version yet; ignored once
  // one is stored (the server always starts on the active stored version). Default: none
  std::string rules_file;
  // A roster file (CSV or JSON Lines, dsl/data/dataset.h) whose reps are upserted at every start
  // (reps already stored with the same fields are left alone). Default: none
  std::string reps_file;
  // IANA time zone of day / week / month caps; an unknown zone refuses to start.
  // Default: UTC
  std::string timezone = "UTC";
  // When a change is acknowledged: kSync fsyncs the write-ahead log first, kAsync does not
  // (storage/database.h). Default: kSync
  storage::Durability durability = storage::Durability::kSync;
  // Whether the callers of a commit group encode its write-once records instead of the writer
  // (storage::CommitQueueOptions::encode_on_callers). Default: nullopt, that option's default (on
  // with more than two cores)
  std::optional<bool> encode_on_callers;
  // How the counter check at start gets what history implies (storage/counter_recovery.h):
  // kIncremental from the counter checkpoint plus the entries after it, kFull from every entry.
  // Default: kIncremental
  storage::CounterCheckMode counter_check = storage::CounterCheckMode::kIncremental;
  // How often the counter checkpoint is moved to the last committed entry while serving (0: only
  // at a clean stop), so that a start after a crash replays at most this long's entries.
  // Default: 5 minutes
  std::chrono::seconds counter_checkpoint_interval = std::chrono::minutes(5);
  // How long Shutdown() lets in-flight calls finish before cancelling them.
  // Default: 5 seconds
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);
  // Largest request accepted (RESOURCE_EXHAUSTED above). Sized for DryRun's 10000 leads.
  // Default: 16 MiB
  size_t max_receive_message_bytes = size_t{16} << 20;
  // Tokens, TLS and which listener may serve what (server/transport/listener_security.h): a
  // non-loopback listener without TLS refuses to start unless `security.insecure`.
  // Default: none (plaintext, auth off: loopback only)
  transport::SecurityOptions security;
  // Deadline cap and soft metadata limit of every call (server/services/call_policy.h).
  absl::Duration max_deadline = absl::Seconds(120);
  size_t max_metadata_bytes = 8192;
  // gRPC's own limit on request metadata, far above max_metadata_bytes: what is between the two
  // gets our precise message. Default: 64 KiB
  size_t max_metadata_bytes_hard = size_t{64} << 10;
  // Per-caller leads per second for Assign and AssignBatch (server/services/rate_limiter.h).
  // Default: off
  RateLimit assign_rate;
  // Concurrent calls (HTTP/2 streams) per connection; more wait on the client for a free stream.
  // Default: 100
  int max_concurrent_streams = 100;
  // Keepalive pings a client may send without data in between, at most one per this interval
  // (two strikes, then GOAWAY "too_many_pings"). Default: 10 s
  std::chrono::milliseconds min_client_ping_interval = std::chrono::seconds(10);
  // The server pings an idle connection this often, and drops it when no answer comes within
  // keepalive_timeout: dead peers do not keep their streams. Default: 60 s, 20 s
  std::chrono::milliseconds keepalive_time = std::chrono::seconds(60);
  std::chrono::milliseconds keepalive_timeout = std::chrono::seconds(20);
  // A TLS handshake that has not completed by then is dropped. Default: 10 s
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
  // Most threads gRPC's synchronous server may use for calls in flight (its ResourceQuota); calls
  // beyond it wait for a thread. Default: 256
  int max_threads = 256;
  // How often reps whose AWAY time ended are made ACTIVE again (RepRegistry::EndExpiredAway).
  std::chrono::milliseconds away_check_interval = std::chrono::seconds(1);
  // Idempotency keys are kept this long (the API promises at least 24 hours), then purged by a
  // job that runs every `idempotency_purge_interval`.
  std::chrono::seconds idempotency_retention = std::chrono::hours(24 * 7);
  std::chrono::milliseconds idempotency_purge_interval = std::chrono::hours(1);
  // Events older than this are trimmed from the event log (0: kept forever), by a job that runs
  // every `event_trim_interval` and deletes at most `event_trim_batch` events per mutation, so
  // that trimming never holds the writer long. Ages are the server's business time (`clock`).
  // Default: 30 days, 1 hour, 1000
  std::chrono::seconds event_retention = std::chrono::hours(24 * 30);
  std::chrono::milliseconds event_trim_interval = std::chrono::hours(1);
  size_t event_trim_batch = 1000;
  // Most WatchEvents streams at once (RESOURCE_EXHAUSTED past it). Default: 64
  int max_event_watchers = 64;
  // A proposal waiting for review longer than this (0: never) gets `review_timeout_action`
  // (server/assign/assigner.h), checked every `review_check_interval`.
  // Default: 24 hours, escalate (a REVIEW_EXPIRED event), 1 minute
  std::chrono::seconds review_timeout = std::chrono::hours(24);
  ReviewTimeoutAction review_timeout_action = ReviewTimeoutAction::kEscalate;
  std::chrono::milliseconds review_check_interval = std::chrono::minutes(1);
  // After the assignment (docs/followup.md). `work_schedule`: the schedule of reps without their
  // own, as JSON ({"time_zone": ..., "hours": ...}); empty: around the clock in UTC.
  // `default_sla`: the SLA of rules without `sla` and of manual assignments, as a rule writes it
  // after `sla`. `escalation_target`: whom a bare `escalate` hands a lead to ("team:NAME" or
  // "rep:ID"; empty: nobody, the step only reports). The SLA sweeper runs every
  // `sla_sweep_interval` (0: never, for tests that call it themselves). A bad value refuses to
  // start. Default: around the clock, "24h then notify", the first attempt stops the clock, no
  // escalation target, 1 second
  std::string work_schedule;
  std::string default_sla = "24h then notify";
  SlaStopsOn sla_stops_on = SlaStopsOn::kAttempt;
  std::string escalation_target;
  std::chrono::milliseconds sla_sweep_interval = std::chrono::seconds(1);
  // Lead scoring (docs/scoring.md): the least closed data ScoreService.Train accepts, and how
  // often a scheduled training runs (0: never), which makes its model active and skips, logged,
  // while there is too little data. Default: 200 closed leads and 40 of each outcome; never
  dsl::score::Minimums score_minimums;
  std::chrono::seconds score_train_interval{0};
  // The rep performance fields (conversion_rate, median_first_contact_hours, sla_compliance;
  // docs/language.md): the leads they count (received in the last `performance_window`, at most
  // 400 days) and k, the leads' worth of evidence the team's figure counts for. A bad value
  // refuses to start. Default: 90 days, 10
  std::chrono::seconds performance_window = std::chrono::hours(24 * 90);
  double performance_prior = dsl::kDefaultPerformancePrior;
  // Where the server's "now" comes from: receive and decide times, caps' days, away periods,
  // deadlines (server/api/clock.h). Tests pass a SimulatedClock, which must outlive the server.
  // Default: the system clock
  const Clock* clock = &Clock::System();
  // Follow-up channels on top of the built-in ones (phone, email, ...): names of the rule
  // language, checked with dsl::CheckExtraChannels at start (a bad one refuses to start).
  // Default: none
  std::vector<std::string> channels;
  // Tests only: see CallGate::Hook (server/services/call_gate.h). Default: none
  std::function<void(absl::string_view method)> call_hook_for_testing;
  // Tests only: see AssignerOptions::before_decide_for_testing. Default: none
  std::function<void()> before_decide_for_testing;
};

class Server {
 public:
  // Opens the database, loads the rules (stored, or `rules_file`), the roster (stored, plus
  // `reps_file`) and the unassigned queue, then serves. Errors name the cause: the port, the
  // database lock, the time zone, a rule or roster file.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // shuts down if still running

  // The port actually bound (useful with port 0).
  int port() const;

  // Marks the server NOT_SERVING, answers every new call UNAVAILABLE, lets in-flight calls finish
  // within the grace period, stops the retry worker, then closes the database.
  void Shutdown();

  // Re-reads the token file and the TLS certificates (SIGHUP). What fails to load is kept as it
  // was, and the error says which part and why.
  [[nodiscard]] absl::Status ReloadSecurity();

  // Blocks until Shutdown() has completed.
  void Wait();

  // Runs the SLA sweeper once, now (the sla_sweep job does it every sla_sweep_interval): for
  // tests and benchmarks that move a simulated clock. Returns how many due items it handled.
  [[nodiscard]] absl::StatusOr<int> SweepDue();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadrouter::server
