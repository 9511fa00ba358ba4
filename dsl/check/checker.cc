#include "dsl/check/checker.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/check/internal/checker_impl.h"

namespace leadrouter::dsl {
namespace checker {

CheckedFile Checker::Run(const ast::File& file) {
  RegisterDefinitions(file);
  for (const std::string& name : let_order_) CheckLet(lets_.at(name), SourceSpan{});
  for (const std::string& name : segment_order_) CheckSegment(segments_.at(name));
  CheckRules(file);
  ReportUnused();
  if (options_.partial) {
    std::erase_if(out_.diagnostics,
                  [](const Diagnostic& d) { return d.severity != Severity::kError; });
  }
  return std::move(out_);
}

void Checker::Report(Severity severity, SourceSpan span, std::string code, std::string message,
                     std::string hint) {
  out_.diagnostics.push_back(
      Diagnostic{severity, span, std::move(code), std::move(message), std::move(hint)});
}

void Checker::Error(SourceSpan span, std::string code, std::string message, std::string hint) {
  Report(Severity::kError, span, std::move(code), std::move(message), std::move(hint));
}

void Checker::Warning(SourceSpan span, std::string code, std::string message, std::string hint) {
  Report(Severity::kWarning, span, std::move(code), std::move(message), std::move(hint));
}

uint32_t Checker::LineOf(SourceSpan span) const { return source_.Locate(span.begin).line; }

void Checker::RegisterDefinitions(const ast::File& file) {
  const FieldTable lead_known(RecordKind::kLead);
  const FieldTable rep_known(RecordKind::kRep);
  for (const ast::Statement& statement : file.statements) {
    if (const auto* let = std::get_if<ast::Let>(&statement.node)) {
      if (!CheckNewName(let->name, let->name_span)) continue;
      LetEntry entry;
      entry.decl = let;
      lets_.emplace(let->name, entry);
      let_order_.push_back(let->name);
      if (lead_known.IsKnown(let->name) || rep_known.IsKnown(let->name)) {
        Warning(let->name_span, "shadowed-field",
                absl::StrCat("`let ", let->name, "` hides the field `", let->name,
                             "` wherever the name is used"),
                absl::StrCat("rename the constant, or write `lead.", let->name, "` / `rep.",
                             let->name, "` for the field"));
      }
    } else if (const auto* segment = std::get_if<ast::Segment>(&statement.node)) {
      if (!CheckNewName(segment->name, segment->name_span)) continue;
      SegmentEntry entry;
      entry.decl = segment;
      segments_.emplace(segment->name, entry);
      segment_order_.push_back(segment->name);
      if (lead_known.IsKnown(segment->name) || rep_known.IsKnown(segment->name)) {
        Warning(segment->name_span, "shadowed-segment",
                absl::StrCat("segment `", segment->name, "` hides the field `", segment->name,
                             "` wherever the name is used"),
                absl::StrCat("rename the segment, or write `lead.", segment->name, "` / `rep.",
                             segment->name, "` for the field"));
      }
    }
  }
}

bool Checker::CheckNewName(const std::string& name, SourceSpan span) {
  if (auto it = lets_.find(name); it != lets_.end()) {
    Error(span, "duplicate-definition", absl::StrCat("`", name, "` is already defined"),
          absl::StrCat("the first definition is the `let` on line ",
                       LineOf(it->second.decl->name_span)));
    return false;
  }
  if (auto it = segments_.find(name); it != segments_.end()) {
    Error(span, "duplicate-definition", absl::StrCat("`", name, "` is already defined"),
          absl::StrCat("the first definition is the segment on line ",
                       LineOf(it->second.decl->name_span)));
    return false;
  }
  return true;
}

const Info& Checker::CheckLet(LetEntry& entry, SourceSpan use) {
  if (entry.state == State::kDone) return entry.info;
  if (entry.state == State::kChecking) {
    Error(use, "definition-cycle",
          absl::StrCat("`", entry.decl->name, "` is defined in terms of itself"),
          absl::StrCat("see `let ", entry.decl->name, "` on line ", LineOf(entry.decl->name_span)));
    static const Info kError = ErrorInfo();
    return kError;
  }
  if (definition_chain_ >= options_.max_definition_nesting) {
    Error(use, "too-deep",
          absl::StrCat("constants refer to later constants more than ",
                       options_.max_definition_nesting, " levels deep"),
          "define constants before the ones that use them");
    static const Info kError = ErrorInfo();
    return kError;
  }
  entry.state = State::kChecking;
  ++definition_chain_;
  Info info = CheckTop(*entry.decl->value, Scope::kConstant);
  --definition_chain_;
  if (!info.type.unknown() &&
      !info.type.Allows({ValueKind::kNumber, ValueKind::kString, ValueKind::kBool, ValueKind::kList,
                         ValueKind::kDuration})) {
    Error(entry.decl->value->span, "type-mismatch",
          absl::StrCat("a `let` must be a number, string, true/false, list or duration, not ",
                       Describe(info.type)));
    info = ErrorInfo();
  }
  info.constant = true;
  info.depth = 1;  // folded to a constant
  info.null_literal = false;
  entry.info = std::move(info);
  entry.state = State::kDone;
  return entry.info;
}

int Checker::CheckSegment(SegmentEntry& entry) {
  if (entry.state == State::kDone) return entry.depth;
  if (entry.state == State::kChecking) return -1;  // the caller reports the cycle
  if (definition_chain_ >= options_.max_definition_nesting) return -2;
  entry.state = State::kChecking;
  ++definition_chain_;
  const Info info = CheckCondition(*entry.decl->predicate, Scope::kLead, "a segment");
  --definition_chain_;
  entry.too_deep = info.depth > options_.max_expression_depth;
  entry.depth = entry.too_deep ? 1 : info.depth;
  entry.state = State::kDone;
  return entry.depth;
}

void Checker::ReportUnused() {
  for (const std::string& name : let_order_) {
    const LetEntry& entry = lets_.at(name);
    if (!entry.used) {
      Warning(entry.decl->name_span, "unused-let", absl::StrCat("`", name, "` is never used"));
    }
  }
  for (const std::string& name : segment_order_) {
    const SegmentEntry& entry = segments_.at(name);
    if (entry.used) out_.used_segments.insert(entry.decl);
    if (!entry.used) {
      Warning(entry.decl->name_span, "unused-segment",
              absl::StrCat("segment `", name, "` is never used"));
    }
  }
}

}  // namespace checker

CheckedFile Check(const ast::File& file, const SourceFile& source, const CheckOptions& options) {
  return checker::Checker(source, options).Run(file);
}

}  // namespace leadrouter::dsl
