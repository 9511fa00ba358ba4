#include "server/roster/roster_cache.h"

#include <utility>
#include <vector>

#include "dsl/base/status_macros.h"
#include "server/api/dsl_binding.h"
#include "storage/read_view.h"
#include "storage/rep_store.h"

namespace leadrouter::server {

absl::Status RosterCache::Reload(storage::Database& db) {
  std::map<std::string, leadrouter::v1::Rep> reps;
  storage::DatabaseView view(db);
  RETURN_IF_ERROR(storage::ListReps(view, "", [&](const storage::RepRecord& record) {
    reps.emplace(record.rep().name(), record.rep());
    return true;
  }));
  std::lock_guard lock(mu_);
  reps_ = std::move(reps);
  ++generation_;
  return absl::OkStatus();
}

void RosterCache::Put(const leadrouter::v1::Rep& rep) {
  std::lock_guard lock(mu_);
  reps_[rep.name()] = rep;
  ++generation_;
}

void RosterCache::Erase(const std::string& rep_name) {
  std::lock_guard lock(mu_);
  reps_.erase(rep_name);
  ++generation_;
}

absl::StatusOr<std::shared_ptr<const dsl::Roster>> RosterCache::Bound(
    const std::shared_ptr<const dsl::Program>& program) {
  std::vector<dsl::RepInfo> infos;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    for (const Binding& binding : bindings_) {
      if (binding.roster != nullptr && binding.program == program &&
          binding.generation == generation_) {
        return binding.roster;
      }
    }
    generation = generation_;
    infos.reserve(reps_.size());
    for (const auto& [name, rep] : reps_) infos.push_back(ToRepInfo(rep));
  }
  // Binding evaluates nothing but copies every rep: done outside the lock.
  ASSIGN_OR_RETURN(dsl::Roster roster, dsl::Roster::Bind(program, std::move(infos)));
  auto shared = std::make_shared<const dsl::Roster>(std::move(roster));
  std::lock_guard lock(mu_);
  if (generation == generation_) {
    bindings_[1] = std::move(bindings_[0]);
    bindings_[0] = Binding{program, generation, shared};
  }
  return shared;
}

std::vector<leadrouter::v1::Rep> RosterCache::List() const {
  std::lock_guard lock(mu_);
  std::vector<leadrouter::v1::Rep> reps;
  reps.reserve(reps_.size());
  for (const auto& [name, rep] : reps_) reps.push_back(rep);
  return reps;
}

std::optional<leadrouter::v1::Rep> RosterCache::Find(const std::string& rep_name) const {
  std::lock_guard lock(mu_);
  const auto it = reps_.find(rep_name);
  if (it == reps_.end()) return std::nullopt;
  return it->second;
}

size_t RosterCache::size() const {
  std::lock_guard lock(mu_);
  return reps_.size();
}

}  // namespace leadrouter::server
