// The checker: resolves every name of a parsed rule file and checks types, clause by clause.
//
// It leaves the syntax tree as the parser built it and returns the file's diagnostics plus side
// tables (what each name refers to, which builtin each call is) that the compiler
// (dsl/compile/compiler.cc) plans from. Every problem of the file is reported, not only the first.
//
// It checks the tree Parse returned, and what the parser checks it does not check again: a clause
// written twice, `when` in `otherwise`, a second `otherwise`, an unknown strategy, channel, cap
// unit or SLA action, a strategy's argument missing or extra, a channel repeated in one `followup`,
// a cap limit that is not a whole number (those statements never reach it). It checks what needs
// the whole file or a meaning: names, types, a cap of zero, a duration of zero, two caps per unit.
//
// Name resolution (see also docs/language.md):
// - In `when` and segment bodies a bare name is, in this order: a `let` constant, a segment, a
//   known lead field, else a custom lead attribute -- unless it is a near miss (dsl/base/suggest.h)
//   of a let, segment or known field, which is an `unknown-name` error with a did-you-mean hint. A
//   known rep field there is a `rep-field-in-when` error (write `lead.x` for a lead attribute of
//   that name).
// - In `require`, `prefer` and `distribute`: a let, a segment (always a lead predicate), a known
// rep
//   field, a known lead field no rep field shadows (so `skill(industry)` reads the lead's
//   industry), else a custom rep attribute -- with the same near-miss rule over all of those.
// - `lead.x` and `rep.x` are explicit; an unknown x is a custom attribute (a near miss of a known
//   field gets a `possible-typo` warning).
// - `let` values must be constants (other lets, literals, operators, lower(), len()).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dsl/base/builtins.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/schema.h"
#include "dsl/base/source.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

struct CheckOptions {
  // The deepest expression tree accepted, counting `and`/`or` chains and the segments it uses
  // (each segment adds its own depth). Bounds the recursion of checking, compiling and evaluating.
  // Default: 1000 (the parser's own default, so one limit speaks for both)
  int max_expression_depth = 1000;
  // How deeply `let`s and segments may refer to ones defined further down the file (each such
  // reference is checked on the spot, recursively). References to earlier definitions cost
  // nothing and are not counted.
  // Default: 64
  int max_definition_nesting = 64;
  // Default: 10000
  size_t max_rules = 10000;
  // The parse had errors, so some statements are missing: report errors only, no warnings (a `let`
  // used only by a statement that failed to parse is not "unused").
  // Default: false
  bool partial = false;
};

// What a Name or FieldAccess expression refers to.
struct NameRef {
  enum class Kind { kLet, kSegment, kField };
  Kind kind = Kind::kField;
  const ast::Let* let = nullptr;
  const ast::Segment* segment = nullptr;
  RecordKind record = RecordKind::kLead;
  Slot slot = 0;
  std::string field;  // field name, for kField
};

struct CheckedFile {
  std::vector<Diagnostic> diagnostics;
  // Known fields plus every custom attribute the file reads.
  FieldTable lead_fields{RecordKind::kLead};
  FieldTable rep_fields{RecordKind::kRep};
  // Side tables keyed by the syntax-tree node: names (Name, FieldAccess) and calls.
  std::unordered_map<const ast::Expr*, NameRef> names;
  std::unordered_map<const ast::Expr*, Builtin> calls;
  // Segments that something references (the compiler compiles only these).
  std::unordered_set<const ast::Segment*> used_segments;
};

CheckedFile Check(const ast::File& file, const SourceFile& source,
                  const CheckOptions& options = {});

}  // namespace leadrouter::dsl
