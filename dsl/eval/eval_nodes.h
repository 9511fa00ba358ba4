// The evaluation nodes that a compiled Program is made of: one node per operation of an expression,
// each evaluating its children directly and returning a Value (no interpreter loop, no stack).
//
// Each node is small, immutable and non-copyable, knows the source span it was compiled from and
// evaluates with `const` code only, so one tree serves any number of threads. Nodes never throw and
// never allocate while evaluating (string results go to the context's ScratchBuffer). The semantics
// of every operator (null, type mismatches, division by zero) are documented in dsl/eval/eval.h.
//
// Built by the compiler (dsl/compile/compiler.cc) through the factories below; other code only
// evaluates.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/base/builtins.h"
#include "dsl/base/schema.h"
#include "dsl/base/source.h"
#include "dsl/base/value.h"
#include "dsl/eval/eval_context.h"
#include "dsl/syntax/ast.h"

namespace re2 {
class RE2;
}

namespace leadrouter::dsl {

// What evaluating a node may read besides constants, as bits of ExprNode::reads().
namespace reads {
inline constexpr uint8_t kLead = 1;         // a lead field, a segment
inline constexpr uint8_t kRep = 2;          // a rep field, skill(), tag()
inline constexpr uint8_t kRepCounters = 4;  // a rep field the decision refreshes (IsRepCounterSlot)
inline constexpr uint8_t kTime = 8;         // the decision's time: hours_since()
}  // namespace reads

class ExprNode {
 public:
  explicit ExprNode(SourceSpan span) : span_(span) {}
  virtual ~ExprNode() = default;
  ExprNode(const ExprNode&) = delete;
  ExprNode& operator=(const ExprNode&) = delete;

  virtual Value Evaluate(const EvalContext& context) const = 0;

  // Appends the canonical text of this node (names resolved, constants folded) for Program::Dump.
  virtual void Dump(std::string& out) const = 0;

  // The operand an explanation shows the value of: the left side of a comparison, `in`,
  // `between`, ... (`require failed: skill("tech") = 0`). Null for other nodes.
  virtual const ExprNode* subject() const { return nullptr; }

  // The value of a constant node; null for every other node. Used by constant folding.
  virtual const Value* constant() const { return nullptr; }

  // For a field node: which record and slot it reads. Lets the factories build fused nodes for
  // the most common shape, `field <op> constant`.
  struct FieldRef {
    RecordKind record;
    Slot slot;
  };
  virtual std::optional<FieldRef> field() const { return std::nullopt; }

  // For `lead_field == "text"` and `lead_field in ["a", "b"]` (string constants only): the lead
  // slot, and the strings one of which it must hold for the node to be true (any other value,
  // null or another kind, makes it false). Lets a Program index its rules by lead values
  // (dsl/compile/rule_index.h). nullopt for every other node.
  struct KeyTest {
    Slot slot;
    std::vector<std::string_view> values;  // views into the node's constants
  };
  virtual std::optional<KeyTest> key_test() const { return std::nullopt; }

  SourceSpan span() const { return span_; }

  // The reads:: bits of this node and everything below it. A node without kLead, kRepCounters
  // and kTime depends on the rep's fixed fields alone: a Roster evaluates it once per rep.
  uint8_t reads() const { return reads_; }

 private:
  friend struct NodeFactory;  // the factories below, which set reads_

  SourceSpan span_;
  uint8_t reads_ = 0;
};

using ExprNodePtr = std::unique_ptr<const ExprNode>;

// `value` must stay valid as long as the node (its storage belongs to the Program).
ExprNodePtr MakeConstant(SourceSpan span, Value value);
ExprNodePtr MakeField(SourceSpan span, RecordKind record, Slot slot, std::string name);
// A reference to a compiled segment owned elsewhere (by the Program), evaluated against the lead.
ExprNodePtr MakeSegmentRef(SourceSpan span, std::string name, const ExprNode* segment);

ExprNodePtr MakeNot(SourceSpan span, ExprNodePtr operand);
ExprNodePtr MakeNegate(SourceSpan span, ExprNodePtr operand);

// `and`, `or` (short-circuit), comparisons, `in`, `not in`, `contains`, `starts_with`,
// `ends_with` and arithmetic. Not `matches`: see MakeMatches.
ExprNodePtr MakeBinary(SourceSpan span, ast::BinaryOp op, ExprNodePtr lhs, ExprNodePtr rhs);
// `text matches pattern`; `regex` was compiled once by the compiler and belongs to the node.
ExprNodePtr MakeMatches(SourceSpan span, ExprNodePtr lhs, std::unique_ptr<const re2::RE2> regex,
                        std::string pattern);
ExprNodePtr MakeBetween(SourceSpan span, ExprNodePtr value, ExprNodePtr low, ExprNodePtr high);

ExprNodePtr MakeCall(SourceSpan span, Builtin function, ExprNodePtr argument);

}  // namespace leadrouter::dsl
