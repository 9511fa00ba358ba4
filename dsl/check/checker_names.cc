// What a name means where it is used: a `let`, a segment (and its cycles), a known field of the
// lead or the rep, or a custom attribute, and the did-you-mean when it looks like a typo.
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/suggest.h"
#include "dsl/base/text_util.h"
#include "dsl/check/internal/checker_impl.h"

namespace leadrouter::dsl::checker {
namespace {

NameRef FieldRefTo(RecordKind record, Slot slot, const std::string& name) {
  NameRef ref;
  ref.kind = NameRef::Kind::kField;
  ref.record = record;
  ref.slot = slot;
  ref.field = name;
  return ref;
}

// The names of the known fields of `kind`, for did-you-mean hints.
const std::vector<std::string>& KnownFieldNames(RecordKind kind) {
  static const auto names = [](RecordKind k) {
    std::vector<std::string> out;
    const FieldTable table(k);
    for (const FieldInfo& field : table.fields()) out.push_back(field.name);
    return out;
  };
  static const std::vector<std::string> lead = names(RecordKind::kLead);
  static const std::vector<std::string> rep = names(RecordKind::kRep);
  return kind == RecordKind::kLead ? lead : rep;
}

}  // namespace

Info Checker::CheckNode(const ast::Expr& expr, const ast::Name& name, Scope scope, int) {
  return ResolveName(expr, name.name, scope);
}

Info Checker::CheckNode(const ast::Expr& expr, const ast::FieldAccess& access, Scope scope, int) {
  RecordKind record;
  if (access.object == "lead") {
    record = RecordKind::kLead;
  } else if (access.object == "rep") {
    record = RecordKind::kRep;
  } else {
    Error(expr.span, "unknown-name", absl::StrCat("unknown object `", access.object, "`"),
          DidYouMean(Suggest(access.object, {"lead", "rep"})).empty()
              ? "only `lead.x` and `rep.x` exist"
              : DidYouMean(Suggest(access.object, {"lead", "rep"})));
    return ErrorInfo();
  }
  if (scope == Scope::kConstant) {
    Error(expr.span, "let-not-constant",
          absl::StrCat("a `let` must be a constant, but `", access.object, ".", access.field,
                       "` is a field"));
    return ErrorInfo();
  }
  if (record == RecordKind::kRep && scope == Scope::kLead) {
    Error(expr.span, "rep-field-in-when",
          absl::StrCat("`rep.", access.field,
                       "` reads the rep; use it in require, prefer or distribute"),
          "`when` and segments choose leads before any rep is considered");
    return ErrorInfo();
  }
  FieldTable& table = record == RecordKind::kLead ? out_.lead_fields : out_.rep_fields;
  if (!table.IsKnown(access.field)) {
    if (auto suggestion = Suggest(access.field, KnownFieldNames(record))) {
      Warning(access.field_span, "possible-typo",
              absl::StrCat("`", access.object, ".", access.field, "` is not a known ",
                           access.object, " field; it is read as a custom attribute"),
              DidYouMean(suggestion));
    }
  }
  return FieldInfoFor(expr, record, table.Intern(access.field), table);
}

Info Checker::FieldInfoFor(const ast::Expr& expr, RecordKind record, Slot slot,
                           const FieldTable& table) {
  out_.names[&expr] = FieldRefTo(record, slot, table.field(slot).name);
  Info info = InfoOf(FieldTypeOf(table.field(slot).kind));
  info.reads_rep = record == RecordKind::kRep;
  return info;
}

Info Checker::ResolveName(const ast::Expr& expr, const std::string& name, Scope scope) {
  if (auto it = lets_.find(name); it != lets_.end()) {
    it->second.used = true;
    NameRef ref;
    ref.kind = NameRef::Kind::kLet;
    ref.let = it->second.decl;
    out_.names[&expr] = ref;
    Info info = CheckLet(it->second, expr.span);
    return info;
  }
  if (auto it = segments_.find(name); it != segments_.end()) {
    if (scope == Scope::kConstant) {
      Error(expr.span, "let-not-constant",
            absl::StrCat("a `let` must be a constant, but `", name, "` is a segment"));
      return ErrorInfo();
    }
    SegmentEntry& entry = it->second;
    entry.used = true;
    const int depth = CheckSegment(entry);
    if (depth == -1) {
      Error(expr.span, "definition-cycle",
            absl::StrCat("segment `", name, "` is defined in terms of itself"),
            absl::StrCat("see segment `", name, "` on line ", LineOf(entry.decl->name_span)));
      return ErrorInfo();
    }
    if (depth == -2) {
      Error(expr.span, "too-deep",
            absl::StrCat("segments refer to later segments more than ",
                         options_.max_definition_nesting, " levels deep"),
            "define segments before the ones that use them");
      return ErrorInfo();
    }
    if (entry.too_deep) return ErrorInfo();
    NameRef ref;
    ref.kind = NameRef::Kind::kSegment;
    ref.segment = entry.decl;
    out_.names[&expr] = ref;
    Info info = InfoOf(Type::Of(ValueKind::kBool));
    info.depth = depth + 1;
    return info;
  }
  const bool lead_field = out_.lead_fields.IsKnown(name);
  const bool rep_field = out_.rep_fields.IsKnown(name);
  switch (scope) {
    case Scope::kConstant:
      if (lead_field || rep_field) {
        Error(expr.span, "let-not-constant",
              absl::StrCat("a `let` must be a constant, but `", name, "` is a field"));
        return ErrorInfo();
      }
      Error(expr.span, "unknown-name", absl::StrCat("unknown name `", name, "`"),
            DidYouMean(Suggest(name, DefinitionNames())));
      return ErrorInfo();
    case Scope::kLead:
      if (lead_field) {
        return FieldInfoFor(expr, RecordKind::kLead, *out_.lead_fields.Find(name),
                            out_.lead_fields);
      }
      if (rep_field) {
        Error(expr.span, "rep-field-in-when",
              absl::StrCat("`", name, "` is a rep field; `when` and segments read the lead"),
              absl::StrCat("move it to require, prefer or distribute; for a lead attribute named `",
                           name, "` write `lead.", name, "`"));
        return ErrorInfo();
      }
      break;
    case Scope::kRep:
      if (rep_field) {
        return FieldInfoFor(expr, RecordKind::kRep, *out_.rep_fields.Find(name), out_.rep_fields);
      }
      if (lead_field) {
        return FieldInfoFor(expr, RecordKind::kLead, *out_.lead_fields.Find(name),
                            out_.lead_fields);
      }
      break;
  }
  // Not a definition and not a known field: a custom attribute, unless it looks like a typo.
  std::vector<std::string> candidates = DefinitionNames();
  const auto& lead_names = KnownFieldNames(RecordKind::kLead);
  candidates.insert(candidates.end(), lead_names.begin(), lead_names.end());
  if (scope == Scope::kRep) {
    const auto& rep_names = KnownFieldNames(RecordKind::kRep);
    candidates.insert(candidates.end(), rep_names.begin(), rep_names.end());
  }
  if (auto suggestion = Suggest(name, candidates)) {
    const std::string_view object = scope == Scope::kRep ? "rep" : "lead";
    Error(expr.span, "unknown-name", absl::StrCat("unknown name `", name, "`"),
          absl::StrCat("did you mean `", *suggestion, "`? (for a custom attribute named `", name,
                       "`, write `", Piece(object), ".", name, "`)"));
    return ErrorInfo();
  }
  const RecordKind record = scope == Scope::kRep ? RecordKind::kRep : RecordKind::kLead;
  FieldTable& table = record == RecordKind::kLead ? out_.lead_fields : out_.rep_fields;
  return FieldInfoFor(expr, record, table.Intern(name), table);
}

std::vector<std::string> Checker::DefinitionNames() const {
  std::vector<std::string> names = let_order_;
  names.insert(names.end(), segment_order_.begin(), segment_order_.end());
  return names;
}

}  // namespace leadrouter::dsl::checker
