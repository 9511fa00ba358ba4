// The stored reps, kept in memory as the decision sees them, and bound to a rule Program once per
// (roster change, program) instead of once per decision.
//
// The writer keeps it exact: rep changes call Put / Erase from inside their commit mutation (on
// the single writer thread, after every write of the mutation succeeded), so the next decision in
// the same commit group already sees the change. If a group's commit then fails, the caller
// Reload()s from the database.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/compile/program.h"
#include "dsl/decision/roster.h"
#include "leadrouter/v1/common.pb.h"
#include "storage/database.h"

namespace leadrouter::server {

class RosterCache {
 public:
  // Replaces the contents with the reps stored in `db`.
  [[nodiscard]] absl::Status Reload(storage::Database& db);

  // Adds or replaces one rep (keyed by its name).
  void Put(const leadrouter::v1::Rep& rep);
  void Erase(const std::string& rep_name);

  // The reps bound for `program`: cached while neither changes. Never null on success.
  [[nodiscard]] absl::StatusOr<std::shared_ptr<const dsl::Roster>> Bound(
      const std::shared_ptr<const dsl::Program>& program);

  // Every stored rep, in name order.
  std::vector<leadrouter::v1::Rep> List() const;
  // The stored rep, if any.
  std::optional<leadrouter::v1::Rep> Find(const std::string& rep_name) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, leadrouter::v1::Rep> reps_;  // by name; guarded by mu_
  uint64_t generation_ = 0;                          // bumped on every change; guarded by mu_
  struct Binding {
    std::shared_ptr<const dsl::Program> program;
    uint64_t generation = 0;
    std::shared_ptr<const dsl::Roster> roster;
  };
  // The two most recent bindings: during a Publish, calls on the old and the new version
  // alternate without rebinding each time.
  Binding bindings_[2];  // guarded by mu_
};

}  // namespace leadrouter::server
