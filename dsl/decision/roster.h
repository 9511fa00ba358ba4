// The reps a decision chooses from, bound once to one Program so that deciding never re-binds.
//
//   ASSIGN_OR_RETURN(Roster roster, Roster::Bind(program, std::move(reps)));
//   Decide(*program, lead, roster, state, time, calendar, options, workspace);
//
// Reps are kept sorted by id: nothing in the decision depends on the order reps were listed or
// added in (ties are broken by stable hashes of ids, never by position or age). A Roster is
// immutable after Bind and safe to share between threads; rebind when reps or the program change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"
#include "dsl/base/source.h"
#include "dsl/base/text_util.h"  // StableHash
#include "dsl/compile/program.h"
#include "dsl/decision/decision_state.h"  // RepIdList

namespace leadrouter::dsl {

// Only kActive reps receive leads.
enum class RepStatus : uint8_t { kActive, kAway, kOff };

std::string_view RepStatusName(RepStatus status);  // "active", "away", "off"
std::optional<RepStatus> ParseRepStatus(std::string_view text);

// A rep as it arrives from outside (the server's store, a roster file, a test).
struct RepInfo {
  // Unique, non-empty.
  std::string id;
  // Display name; the id when empty.
  std::string name;
  // Empty: no team (a rule with `team "x"` never picks the rep).
  std::string team;
  RepStatus status = RepStatus::kActive;
  // The rep's own limits across every rule; nullopt: none.
  std::optional<int64_t> daily_cap;
  std::optional<int64_t> max_open;
  // Every other field: level, region, skills, tags, channels and custom attributes. Attributes
  // named like the fields above, or like a counter the decision fills (open_leads, assigned_today,
  // assigned_week, assigned_month, quality_today, available), are overridden.
  std::vector<Attribute> attributes;
};

// Every attribute a rep is bound with, that is every rep field a rule can read: the rep's own
// attributes except those named like a field the decision fills, then id, name (the id when
// empty), team (when set), status, available, daily_cap and max_open (when set), and the counters
// open_leads, assigned_today, assigned_week, assigned_month and quality_today at 0.
std::vector<Attribute> RepAttributes(const RepInfo& rep);

// The state key of a rule (see dsl/decision/decision_state.h): its name, "otherwise" for the
// fallback, or "anon:" + 16 hex digits of the FNV-1a hash of its source text (+ "#n" for the n-th
// identical anonymous rule, n >= 2).
std::vector<std::string> RuleKeys(const Program& program);

class Roster {
 public:
  // InvalidArgument for an empty or duplicate rep id, or a negative cap.
  [[nodiscard]] static absl::StatusOr<Roster> Bind(std::shared_ptr<const Program> program,
                                                   std::vector<RepInfo> reps);

  const Program& program() const { return *program_; }
  const std::shared_ptr<const Program>& shared_program() const { return program_; }

  size_t size() const { return reps_.size(); }
  // Sorted by id.
  const RepInfo& rep(size_t index) const { return reps_[index]; }
  const std::vector<RepInfo>& reps() const { return reps_; }
  // The rep bound for the program, counters (open_leads, ...) at 0: the decision refreshes them
  // in its workspace copy.
  const Record& record(size_t index) const { return records_[index]; }
  // FNV-1a of the rep id: the input of every id-based tie-break.
  uint64_t id_hash(size_t index) const { return id_hashes_[index]; }
  std::optional<size_t> Find(std::string_view rep_id) const;

  // Compact per-rep arrays, so that the decision's cheap filters (status, team, the rep's own
  // caps) touch a few bytes per rep and no RepInfo:
  // - whether the rep's status is active (only active reps receive leads);
  bool active(size_t index) const { return active_[index] != 0; }
  // - its own caps, kNoCap when it has none (so `count >= cap` is the whole test);
  static constexpr int64_t kNoCap = std::numeric_limits<int64_t>::max();
  int64_t daily_cap(size_t index) const { return daily_caps_[index]; }
  int64_t max_open(size_t index) const { return max_opens_[index]; }
  // - the team index: the roster indices (increasing) of the reps rule `rule_index` may consider,
  //   the members of its `team` (empty when no rep is in it); nullptr when the rule names no team
  //   (every rep). in_team says whether rep `index` is one of them.
  const std::vector<uint32_t>* team_members(size_t rule_index) const;
  bool in_team(size_t rule_index, size_t index) const;

  // What of a rule's `require` and `prefer` depends on the rep's fixed fields alone (no lead, no
  // counter, no time: ExprNode::reads()), evaluated once per rep here instead of at every decision:
  // - whether rep `index` passes every such conjunct of rule `rule_index`'s `require` (true when
  //   the rule has none), and the rule's other conjuncts, in source order, for the decision to
  //   evaluate (a `require` holds when every conjunct does);
  bool passes_fixed_require(size_t rule_index, size_t index) const {
    const std::vector<uint8_t>& passes = rules_fixed_[rule_index].require_passes;
    return passes.empty() || passes[index] != 0;
  }
  const std::vector<const ExprNode*>& varying_require(size_t rule_index) const {
    return rules_fixed_[rule_index].varying_require;
  }
  // - prefer key `key` of the rule for rep `index` (RankKey's value), when the key is fixed.
  bool rank_key_fixed(size_t rule_index, size_t key) const {
    return rules_fixed_[rule_index].key_fixed[key] != 0;
  }
  double fixed_rank_key(size_t rule_index, size_t index, size_t key) const {
    const RuleFixed& fixed = rules_fixed_[rule_index];
    return fixed.rank_keys[index * fixed.key_fixed.size() + key];
  }

  // The rep ids in roster order with this roster's generation: the positions a DecisionState
  // reads counters by (DecisionState::ReadRepCountersAt).
  RepIdList id_list() const { return RepIdList{generation_, ids_}; }

  // Keys of program().rules()[i], then the fallback's at index rules().size().
  const std::string& rule_key(size_t rule_index) const { return rule_keys_[rule_index]; }
  uint64_t rule_key_hash(size_t rule_index) const { return rule_key_hashes_[rule_index]; }

  // Line and column of a byte offset into the program's source (for explanations).
  LineColumn Locate(uint32_t offset) const;

  // Unique per Bind in this process: lets a workspace know its copy of the records is current.
  uint64_t generation() const { return generation_; }

 private:
  // Per rule (fallback last), what passes_fixed_require and fixed_rank_key read.
  struct RuleFixed {
    std::vector<uint8_t> require_passes;  // per rep; empty: no fixed conjunct
    std::vector<const ExprNode*> varying_require;
    std::vector<uint8_t> key_fixed;  // per prefer key
    std::vector<double> rank_keys;   // rep-major, prefer.size() per rep; only fixed keys filled
  };

  Roster() = default;
  RuleFixed BindFixedParts(const Rule* rule) const;

  std::shared_ptr<const Program> program_;
  std::vector<RepInfo> reps_;
  std::vector<Record> records_;
  std::vector<uint64_t> id_hashes_;
  std::vector<std::string> ids_;
  std::vector<uint8_t> active_;
  std::vector<int64_t> daily_caps_;
  std::vector<int64_t> max_opens_;
  // Per rep: its team's index in team_members_, or kNoTeam. Per rule (fallback last): the index of
  // its team's members, kNoTeam when it names none, kEmptyTeam when no rep is in it.
  static constexpr int32_t kNoTeam = -1;
  static constexpr int32_t kEmptyTeam = -2;
  std::vector<int32_t> rep_team_;
  std::vector<int32_t> rule_team_;
  std::vector<RuleFixed> rules_fixed_;
  std::vector<std::vector<uint32_t>> team_members_;
  std::vector<std::string> rule_keys_;
  std::vector<uint64_t> rule_key_hashes_;
  std::vector<uint32_t> line_starts_;  // of the program's source, up to its last rule
  uint64_t generation_ = 0;
};

// A strong 64-bit mix (splitmix64 finaliser) of two hashes: tie-breaks and rendezvous scores.
uint64_t MixHash(uint64_t a, uint64_t b);

}  // namespace leadrouter::dsl
