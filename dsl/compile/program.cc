#include "dsl/compile/program.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/base/lexical.h"
#include "dsl/base/text_util.h"
#include "dsl/base/value.h"

namespace leadrouter::dsl {
namespace {

std::string DumpNode(const ExprNode& node) {
  std::string out;
  node.Dump(out);
  return out;
}

// Generated labels carry line numbers; the dump must not, so that layout does not matter.
std::string DumpLabel(const Rule& rule, bool fallback) {
  if (fallback) return "otherwise";
  if (rule.named) return absl::StrCat("rule ", lexical::QuoteString(rule.label));
  return absl::StrCat("rule #", rule.index + 1);
}

void DumpRuleBody(const Rule& rule, std::string& out) {
  if (rule.when) absl::StrAppend(&out, "  when ", DumpNode(*rule.when->root), "\n");
  if (rule.team) absl::StrAppend(&out, "  team ", lexical::QuoteString(*rule.team), "\n");
  if (rule.require) absl::StrAppend(&out, "  require ", DumpNode(*rule.require->root), "\n");
  if (!rule.prefer.empty()) {
    out += "  prefer ";
    for (size_t i = 0; i < rule.prefer.size(); ++i) {
      if (i > 0) out += ", ";
      out += DumpNode(*rule.prefer[i].expr);
    }
    out += "\n";
  }
  out += "  distribute ";
  out += StrategyName(rule.distribute.kind);
  if (rule.distribute.argument != nullptr) {
    absl::StrAppend(&out, "(", DumpNode(*rule.distribute.argument), ")");
  }
  if (rule.distribute.balance_over) {
    absl::StrAppend(&out, " over ", Piece(CapUnitName(*rule.distribute.balance_over)));
  }
  for (size_t i = 0; i < rule.distribute.tiers.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? " by tier [" : ", ", FormatNumber(rule.distribute.tiers[i]),
                    i + 1 == rule.distribute.tiers.size() ? "]" : "");
  }
  out += "\n";
  if (!rule.caps.empty()) {
    out += "  cap ";
    for (size_t i = 0; i < rule.caps.size(); ++i) {
      if (i > 0) out += ", ";
      const CapLimit& cap = rule.caps[i];
      out += WrittenCap(cap.limit, cap.unit);
    }
    out += "\n";
  }
  if (rule.sla) {
    out += "  sla ";
    for (size_t i = 0; i < rule.sla->steps.size(); ++i) {
      const SlaStep& step = rule.sla->steps[i];
      absl::StrAppend(&out, i > 0 ? ", " : "", WorkDurationText(step.after), " then ",
                      Piece(SlaActionName(step.action)));
      if (step.target.kind != EscalationTarget::Kind::kDefault) {
        absl::StrAppend(&out, " ", lexical::QuoteString(EscalationTargetText(step.target)));
      }
    }
    out += "\n";
  }
  if (!rule.followup.empty()) {
    out += "  followup ";
    for (size_t i = 0; i < rule.followup.size(); ++i) {
      if (i > 0) out += ", ";
      absl::StrAppend(&out, rule.followup[i].channel, " within ",
                      WorkDurationText(rule.followup[i].within));
    }
    out += "\n";
  }
  if (rule.review) {
    out += "  review";
    if (rule.review->when) absl::StrAppend(&out, " when ", DumpNode(*rule.review->when->root));
    out += "\n";
  }
}

}  // namespace

Program::Program(ProgramParts parts) : parts_(std::move(parts)), rule_index_(parts_.rules) {
  reads_rep_performance_ = std::any_of(
      parts_.rep_references.begin(), parts_.rep_references.end(), [&](const RepReference& ref) {
        if (ref.kind != RepReference::Kind::kField) return false;
        const std::optional<Slot> slot = parts_.rep_fields.Find(ref.name);
        return slot.has_value() && IsRepPerformanceSlot(*slot);
      });
}

std::string_view Program::Slice(SourceSpan span) const {
  const std::string& text = parts_.source_text;
  if (span.begin > span.end || span.end > text.size()) return {};
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

std::string Program::content_hash_hex() const { return absl::StrFormat("%016x", content_hash()); }

std::string Program::Dump() const {
  std::string out;
  // Segments in name order: the order they were written in does not change behaviour.
  std::vector<const CompiledSegment*> segments;
  for (const CompiledSegment& segment : parts_.segments) segments.push_back(&segment);
  std::sort(segments.begin(), segments.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  for (const CompiledSegment* segment : segments) {
    absl::StrAppend(&out, "segment ", segment->name, " = ", DumpNode(*segment->condition.root),
                    "\n");
  }
  for (const Rule& rule : parts_.rules) {
    absl::StrAppend(&out, DumpLabel(rule, false), "\n");
    DumpRuleBody(rule, out);
  }
  if (parts_.fallback) {
    out += "otherwise\n";
    DumpRuleBody(*parts_.fallback, out);
  } else {
    out += "otherwise unassigned\n";
  }
  return out;
}

}  // namespace leadrouter::dsl
