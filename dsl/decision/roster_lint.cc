#include "dsl/decision/roster_lint.h"

#include <optional>
#include <set>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "dsl/base/lexical.h"
#include "dsl/base/suggest.h"

namespace leadrouter::dsl {
namespace {

// What the reps of a roster have, sorted so that hints do not depend on the order of the reps.
struct RosterNames {
  std::set<std::string> skills;
  std::set<std::string> tags;
  std::set<std::string> teams;
  std::set<std::string> fields;

  void Add(const std::vector<Attribute>& attributes) {
    for (const Attribute& a : attributes) {
      if (std::holds_alternative<std::monostate>(a.value)) continue;
      fields.insert(a.name);
      if (a.name == "skills") {
        if (const auto* skill_map = std::get_if<SkillMap>(&a.value)) {
          for (const auto& [skill, level] : *skill_map) skills.insert(skill);
        }
      } else if (a.name == "tags") {
        if (const auto* list = std::get_if<std::vector<std::string>>(&a.value)) {
          tags.insert(list->begin(), list->end());
        }
      } else if (a.name == "team") {
        if (const auto* team = std::get_if<std::string>(&a.value)) teams.insert(*team);
      }
    }
  }
};

RosterNames NamesOf(const std::vector<RepInfo>& reps) {
  RosterNames names;
  // The fields the decision fills for every rep, even one that says nothing else.
  names.Add(RepAttributes(RepInfo{}));
  for (const RepInfo& rep : reps) names.Add(RepAttributes(rep));
  return names;
}

// How one kind of reference is checked: against which names, and how a miss is reported.
struct KindCheck {
  const char* code;
  const char* message;  // followed by the name
  const std::set<std::string>* known;
  bool literal;  // a string literal (quoted in messages and hints), else a field name
};

KindCheck CheckOf(RepReference::Kind kind, const RosterNames& names) {
  switch (kind) {
    case RepReference::Kind::kSkill:
      return {"unknown-skill", "no rep in the roster has the skill ", &names.skills, true};
    case RepReference::Kind::kTag:
      return {"unknown-tag", "no rep in the roster has the tag ", &names.tags, true};
    case RepReference::Kind::kTeam:
      return {"unknown-team", "no rep in the roster is in team ", &names.teams, true};
    case RepReference::Kind::kField:
      break;
  }
  return {"unknown-rep-attribute", "no rep in the roster has the attribute ", &names.fields, false};
}

// `"tech"` for a string literal, `level` for a field name.
std::string Shown(const std::string& name, bool literal) {
  return literal ? lexical::QuoteString(name) : absl::StrCat("`", name, "`");
}

}  // namespace

std::vector<Diagnostic> LintRoster(const Program& program, const std::vector<RepInfo>& reps) {
  const RosterNames names = NamesOf(reps);
  std::vector<Diagnostic> warnings;
  for (const RepReference& ref : program.rep_references()) {
    const KindCheck check = CheckOf(ref.kind, names);
    if (check.known->contains(ref.name)) continue;
    std::optional<std::string> near =
        Suggest(ref.name, std::vector<std::string>(check.known->begin(), check.known->end()));
    if (near && check.literal) near = lexical::QuoteString(*near);
    warnings.push_back(Diagnostic{Severity::kWarning, ref.span, check.code,
                                  check.message + Shown(ref.name, check.literal),
                                  DidYouMean(near)});
  }
  SortDiagnostics(warnings);
  return warnings;
}

}  // namespace leadrouter::dsl
