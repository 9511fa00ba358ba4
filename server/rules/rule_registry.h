// The rule versions: the active compiled Program, swapped atomically on Publish and Rollback, and
// the stored versions behind RuleService's Publish, GetRules, ListVersions and Rollback.
//
// Readers take Active() once per call and keep that snapshot for the whole call, so a call in
// flight finishes on the version it started with while a Publish swaps in the next one. Versions
// are stored through the single writer (storage/commit_queue.h); the in-memory swap follows the
// commit and only ever moves forward, so concurrent publishes cannot leave an older program active.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/base/source.h"
#include "dsl/compile/compiler.h"
#include "dsl/compile/program.h"
#include "leadrouter/v1/rules.pb.h"
#include "server/api/call_context.h"
#include "server/api/clock.h"
#include "storage/storage.h"

namespace leadrouter::server {

// One published version, compiled. Immutable.
struct ActiveRules {
  // 0 when nothing is published yet; then program and source are null.
  int64_t version = 0;
  std::shared_ptr<const dsl::Program> program;
  std::shared_ptr<const dsl::SourceFile> source;
  std::string content_hash;
};

// Rule source limits.
inline constexpr size_t kMaxRuleSourceBytes = size_t{1} << 20;

class RuleRegistry {
 public:
  // `clock` dates the versions it stores and must outlive the registry.
  explicit RuleRegistry(storage::Storage& storage, const Clock& clock = Clock::System());
  RuleRegistry(const RuleRegistry&) = delete;
  RuleRegistry& operator=(const RuleRegistry&) = delete;

  // Loads the active stored version. When the store has none and `initial_rules_file` is not
  // empty, publishes that file as version 1 (author "leadrouterd"). Errors: the file cannot be read
  // or does not compile (INVALID_ARGUMENT with the diagnostics as text), or a stored version no
  // longer compiles (FAILED_PRECONDITION).
  [[nodiscard]] absl::Status Load(const std::string& initial_rules_file);

  // The snapshot a call decides with. Never null (version 0 when nothing is published).
  std::shared_ptr<const ActiveRules> Active() const;

  // The server's business clock (RuleTester reads "now" from it too).
  const Clock& clock() const { return clock_; }

  // Called after every version that becomes active (not for `unchanged`), outside any lock.
  void OnActivated(std::function<void(int64_t version)> listener);

  [[nodiscard]] absl::StatusOr<leadrouter::v1::PublishResponse> Publish(
      const leadrouter::v1::PublishRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::RollbackResponse> Rollback(
      const leadrouter::v1::RollbackRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::GetRulesResponse> GetRules(
      const leadrouter::v1::GetRulesRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListVersionsResponse> ListVersions(
      const leadrouter::v1::ListVersionsRequest& request) const;

  // Compiles `source` as `file_name`; the diagnostics as the API reports them.
  struct Compiled {
    std::shared_ptr<const dsl::Program> program;  // null when there are errors
    std::shared_ptr<const dsl::SourceFile> source;
    std::vector<leadrouter::v1::Diagnostic> diagnostics;
    bool has_errors = false;
    bool has_warnings = false;
  };
  static Compiled CompileSource(const std::string& file_name, const std::string& source);

 private:
  struct Stored {
    leadrouter::v1::RuleVersion version;   // as stored
    leadrouter::v1::RuleVersion previous;  // the active version before (version 0: none)
    bool unchanged = false;
  };
  // Stores `version` through the writer unless its source equals the active one; checks
  // `expected_active_version`.
  [[nodiscard]] absl::StatusOr<Stored> Store(leadrouter::v1::RuleVersion version,
                                             std::optional<int64_t> expected_active_version,
                                             bool validate_only, const CallContext& call);
  // Makes `compiled` active as `version` unless a newer version already is.
  void Activate(int64_t version, const Compiled& compiled, const std::string& content_hash);

  storage::Storage& storage_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::shared_ptr<const ActiveRules> active_;            // guarded by mu_
  std::vector<std::function<void(int64_t)>> listeners_;  // guarded by mu_
};

}  // namespace leadrouter::server
