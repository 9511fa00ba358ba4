// Rules checked against a roster: warnings for the names rules use that no rep has. Such a file is
// valid (it compiles, and may be written ahead of a hire), but a misspelt skill scores 0 for every
// rep and a misspelt team finds nobody, so the lead silently falls through to the next rule.
//
//   CompileResult compiled = Compile(source);
//   if (compiled.program) {
//     std::vector<Diagnostic> warnings = LintRoster(*compiled.program, reps);
//     std::cout << RenderText(source, warnings);
//   }
//
// Pure: no I/O, no clock, nothing shared; safe to call from any thread. Cost: linear in the number
// of names the rules use plus the size of the roster.
#pragma once

#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/compile/program.h"
#include "dsl/decision/roster.h"

namespace leadrouter::dsl {

// One warning (Severity::kWarning) per occurrence, in source order, pointing at the string literal
// or the field name in the program's source (render with the SourceFile the program was compiled
// from), with a did-you-mean hint when the roster has a near name (dsl/base/suggest.h, case
// ignored):
//   unknown-skill          skill("x"), "x" in skills, skills contains "x": no rep has the skill
//   unknown-tag            tag("x"), "x" in tags, tags contains "x": no rep has the tag
//   unknown-team           team "x", rep.team == "x" or != "x", rep.team in ["x", ...]: no rep is
//                          in that team
//   unknown-rep-attribute  a rep field the rules read (`level`, `rep.certified`, `has(rep.x)`) that
//                          no rep carries; the fields the decision fills for every rep (id, name,
//                          status, available, open_leads, assigned_today/week/month,
//                          quality_today) are always carried
// Only names written as literals are checked (Program::rep_references): `skill(industry)` is not.
// Every rep counts, whatever its status; an attribute whose value is missing (null) does not.
// With no reps at all, every skill, tag, team and attribute the rules name is reported.
std::vector<Diagnostic> LintRoster(const Program& program, const std::vector<RepInfo>& reps);

}  // namespace leadrouter::dsl
