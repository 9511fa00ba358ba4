#include "dsl/eval/eval_nodes.h"

#include <re2/re2.h>

#include <utility>

#include "dsl/base/lexical.h"
#include "dsl/eval/internal/eval_operators.h"

namespace leadrouter::dsl {
namespace {

using ast::BinaryOp;

class ConstantNode final : public ExprNode {
 public:
  ConstantNode(SourceSpan span, Value value) : ExprNode(span), value_(value) {}
  Value Evaluate(const EvalContext&) const override { return value_; }
  void Dump(std::string& out) const override { out += FormatValue(value_); }
  const Value* constant() const override { return &value_; }

 private:
  const Value value_;
};

class FieldNode final : public ExprNode {
 public:
  FieldNode(SourceSpan span, RecordKind record, Slot slot, std::string name)
      : ExprNode(span), record_(record), slot_(slot), name_(std::move(name)) {}
  Value Evaluate(const EvalContext& context) const override {
    const Record* record = record_ == RecordKind::kLead ? context.lead : context.rep;
    return record == nullptr ? Value() : record->Get(slot_);
  }
  void Dump(std::string& out) const override {
    out += RecordKindName(record_);
    out += '.';
    out += name_;
  }
  std::optional<FieldRef> field() const override { return FieldRef{record_, slot_}; }

 private:
  const RecordKind record_;
  const Slot slot_;
  const std::string name_;
};

class SegmentRefNode final : public ExprNode {
 public:
  SegmentRefNode(SourceSpan span, std::string name, const ExprNode* segment)
      : ExprNode(span), name_(std::move(name)), segment_(segment) {}
  Value Evaluate(const EvalContext& context) const override {
    return segment_ == nullptr ? Value() : segment_->Evaluate(context);
  }
  void Dump(std::string& out) const override {
    out += "segment ";
    out += name_;
  }

 private:
  const std::string name_;
  const ExprNode* const segment_;
};

class NotNode final : public ExprNode {
 public:
  NotNode(SourceSpan span, ExprNodePtr operand) : ExprNode(span), operand_(std::move(operand)) {}
  Value Evaluate(const EvalContext& context) const override {
    const Value v = operand_->Evaluate(context);
    return v.is_bool() ? Value::Bool(!v.bool_value()) : Value();
  }
  void Dump(std::string& out) const override {
    out += "(not ";
    operand_->Dump(out);
    out += ')';
  }
  const ExprNode* subject() const override { return operand_->subject(); }

 private:
  const ExprNodePtr operand_;
};

class NegateNode final : public ExprNode {
 public:
  NegateNode(SourceSpan span, ExprNodePtr operand) : ExprNode(span), operand_(std::move(operand)) {}
  Value Evaluate(const EvalContext& context) const override {
    return Negate(operand_->Evaluate(context));
  }
  void Dump(std::string& out) const override {
    out += "(-";
    operand_->Dump(out);
    out += ')';
  }

 private:
  const ExprNodePtr operand_;
};

// The shared shape of every two-operand node.
class BinaryNode : public ExprNode {
 public:
  BinaryNode(SourceSpan span, BinaryOp op, ExprNodePtr lhs, ExprNodePtr rhs)
      : ExprNode(span), op_(op), lhs_(std::move(lhs)), rhs_(std::move(rhs)) {}
  void Dump(std::string& out) const override {
    out += '(';
    lhs_->Dump(out);
    out += ' ';
    out += ast::BinaryOpText(op_);
    out += ' ';
    rhs_->Dump(out);
    out += ')';
  }
  const ExprNode* subject() const override { return lhs_.get(); }

 protected:
  const BinaryOp op_;
  const ExprNodePtr lhs_;
  const ExprNodePtr rhs_;
};

class AndNode final : public BinaryNode {
 public:
  using BinaryNode::BinaryNode;
  Value Evaluate(const EvalContext& context) const override {
    if (!lhs_->Evaluate(context).IsTrue()) return Value::Bool(false);
    return Value::Bool(rhs_->Evaluate(context).IsTrue());
  }
  const ExprNode* subject() const override { return nullptr; }
};

class OrNode final : public BinaryNode {
 public:
  using BinaryNode::BinaryNode;
  Value Evaluate(const EvalContext& context) const override {
    if (lhs_->Evaluate(context).IsTrue()) return Value::Bool(true);
    return Value::Bool(rhs_->Evaluate(context).IsTrue());
  }
  const ExprNode* subject() const override { return nullptr; }
};

class CompareNode final : public BinaryNode {
 public:
  using BinaryNode::BinaryNode;
  Value Evaluate(const EvalContext& context) const override {
    const Value lhs = lhs_->Evaluate(context);
    if (lhs.is_null()) return Value::Bool(false);  // no need to evaluate the right side
    return Value::Bool(Compare(op_, lhs, rhs_->Evaluate(context)));
  }
};

// Numbers compared inline; everything else through Compare (dsl/eval/internal/eval_operators.h).
template <BinaryOp kOp>
bool CompareWith(const Value& lhs, const Value& rhs) {
  if (lhs.is_number() && rhs.is_number()) {
    const double a = lhs.number_value();
    const double b = rhs.number_value();
    if constexpr (kOp == BinaryOp::kEqual) return a == b;
    if constexpr (kOp == BinaryOp::kNotEqual) return a != b;
    if constexpr (kOp == BinaryOp::kLess) return a < b;
    if constexpr (kOp == BinaryOp::kLessEqual) return a <= b;
    if constexpr (kOp == BinaryOp::kGreater) return a > b;
    if constexpr (kOp == BinaryOp::kGreaterEqual) return a >= b;
  }
  return Compare(kOp, lhs, rhs);
}

// `field <op> constant`, the most common condition, fused into one node: one virtual call and a
// direct slot read instead of three calls. The field node is kept for Dump and explanations.
template <BinaryOp kOp>
class FieldCompareConstantNode final : public BinaryNode {
 public:
  FieldCompareConstantNode(SourceSpan span, ExprNodePtr lhs, ExprNodePtr rhs, FieldRef field)
      : BinaryNode(span, kOp, std::move(lhs), std::move(rhs)),
        record_(field.record),
        slot_(field.slot),
        constant_(*rhs_->constant()) {}
  Value Evaluate(const EvalContext& context) const override {
    const Record* record = record_ == RecordKind::kLead ? context.lead : context.rep;
    if (record == nullptr) return Value::Bool(false);
    return Value::Bool(CompareWith<kOp>(record->Get(slot_), constant_));
  }
  // `==` against a string is true only for that exact string (Compare: same kind, byte-wise).
  std::optional<KeyTest> key_test() const override {
    if (kOp != BinaryOp::kEqual || record_ != RecordKind::kLead || !constant_.is_string()) {
      return std::nullopt;
    }
    return KeyTest{slot_, {constant_.string_value()}};
  }

 private:
  const RecordKind record_;
  const Slot slot_;
  const Value constant_;
};

}  // namespace

// Where every node the factories make gets its reads() bits.
struct NodeFactory {
  template <typename Node>
  static ExprNodePtr Finish(std::unique_ptr<Node> node, uint8_t reads) {
    node->reads_ = reads;
    return node;
  }
};

namespace {

template <BinaryOp kOp>
ExprNodePtr MakeComparison(SourceSpan span, ExprNodePtr lhs, ExprNodePtr rhs, uint8_t reads) {
  const std::optional<ExprNode::FieldRef> field = lhs->field();
  if (field && rhs->constant() != nullptr) {
    return NodeFactory::Finish(std::make_unique<FieldCompareConstantNode<kOp>>(
                                   span, std::move(lhs), std::move(rhs), *field),
                               reads);
  }
  return NodeFactory::Finish(
      std::make_unique<CompareNode>(span, kOp, std::move(lhs), std::move(rhs)), reads);
}

// `in`, `not in`, `contains` (which is `in` with the operands swapped).
class MembershipNode final : public BinaryNode {
 public:
  using BinaryNode::BinaryNode;
  Value Evaluate(const EvalContext& context) const override {
    const Value lhs = lhs_->Evaluate(context);
    const Value rhs = rhs_->Evaluate(context);
    const Membership m = op_ == BinaryOp::kContains ? In(rhs, lhs) : In(lhs, rhs);
    switch (m) {
      case Membership::kYes:
        return Value::Bool(op_ != BinaryOp::kNotIn);
      case Membership::kNo:
        return Value::Bool(op_ == BinaryOp::kNotIn);
      case Membership::kInvalid:
        return Value::Bool(false);
    }
    return Value::Bool(false);
  }
  // `field in [strings]` is true only when the field is a string equal to an item (In, Equal).
  std::optional<KeyTest> key_test() const override {
    if (op_ != BinaryOp::kIn) return std::nullopt;
    const std::optional<FieldRef> lhs_field = lhs_->field();
    const Value* list = rhs_->constant();
    if (!lhs_field || lhs_field->record != RecordKind::kLead || list == nullptr ||
        !list->is_list()) {
      return std::nullopt;
    }
    KeyTest key{lhs_field->slot, {}};
    for (const Value& item : list->list_value()) {
      if (!item.is_string()) return std::nullopt;
      key.values.push_back(item.string_value());
    }
    return key;
  }
};

class AffixNode final : public BinaryNode {
 public:
  using BinaryNode::BinaryNode;
  Value Evaluate(const EvalContext& context) const override {
    const Value lhs = lhs_->Evaluate(context);
    if (!lhs.is_string()) return Value::Bool(false);
    const Value rhs = rhs_->Evaluate(context);
    if (!rhs.is_string()) return Value::Bool(false);
    const std::string_view text = lhs.string_value();
    const std::string_view affix = rhs.string_value();
    return Value::Bool(op_ == BinaryOp::kStartsWith ? text.starts_with(affix)
                                                    : text.ends_with(affix));
  }
};

class ArithmeticNode final : public BinaryNode {
 public:
  using BinaryNode::BinaryNode;
  Value Evaluate(const EvalContext& context) const override {
    return Arithmetic(op_, lhs_->Evaluate(context), rhs_->Evaluate(context));
  }
  const ExprNode* subject() const override { return nullptr; }
};

class MatchesNode final : public ExprNode {
 public:
  MatchesNode(SourceSpan span, ExprNodePtr lhs, std::unique_ptr<const re2::RE2> regex,
              std::string pattern)
      : ExprNode(span),
        lhs_(std::move(lhs)),
        regex_(std::move(regex)),
        pattern_(std::move(pattern)) {}
  Value Evaluate(const EvalContext& context) const override {
    const Value lhs = lhs_->Evaluate(context);
    if (!lhs.is_string() || regex_ == nullptr) return Value::Bool(false);
    const std::string_view text = lhs.string_value();
    return Value::Bool(re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex_));
  }
  void Dump(std::string& out) const override {
    out += '(';
    lhs_->Dump(out);
    out += " matches ";
    out += lexical::QuoteString(pattern_);
    out += ')';
  }
  const ExprNode* subject() const override { return lhs_.get(); }

 private:
  const ExprNodePtr lhs_;
  const std::unique_ptr<const re2::RE2> regex_;
  const std::string pattern_;
};

class BetweenNode final : public ExprNode {
 public:
  BetweenNode(SourceSpan span, ExprNodePtr value, ExprNodePtr low, ExprNodePtr high)
      : ExprNode(span), value_(std::move(value)), low_(std::move(low)), high_(std::move(high)) {}
  Value Evaluate(const EvalContext& context) const override {
    const Value v = value_->Evaluate(context);
    if (v.is_null()) return Value::Bool(false);
    return Value::Bool(Compare(BinaryOp::kGreaterEqual, v, low_->Evaluate(context)) &&
                       Compare(BinaryOp::kLessEqual, v, high_->Evaluate(context)));
  }
  void Dump(std::string& out) const override {
    out += '(';
    value_->Dump(out);
    out += " between ";
    low_->Dump(out);
    out += " and ";
    high_->Dump(out);
    out += ')';
  }
  const ExprNode* subject() const override { return value_.get(); }

 private:
  const ExprNodePtr value_;
  const ExprNodePtr low_;
  const ExprNodePtr high_;
};

class CallNode final : public ExprNode {
 public:
  CallNode(SourceSpan span, Builtin function, ExprNodePtr argument)
      : ExprNode(span), function_(function), argument_(std::move(argument)) {}
  Value Evaluate(const EvalContext& context) const override {
    const Value arg = argument_->Evaluate(context);
    switch (function_) {
      case Builtin::kHas:
        return Value::Bool(!arg.is_null());
      case Builtin::kLower:
        return Lower(arg, context.scratch);
      case Builtin::kLen:
        return Length(arg);
      case Builtin::kSkill:
        if (context.rep == nullptr) return Value();
        return SkillLevelOf(context.rep->Get(rep_slot::kSkills), arg);
      case Builtin::kTag:
        if (context.rep == nullptr) return Value();
        return HasTag(context.rep->Get(rep_slot::kTags), arg);
      case Builtin::kHoursSince:
        return HoursSince(arg, context.now);
    }
    return Value();
  }
  void Dump(std::string& out) const override {
    out += BuiltinName(function_);
    out += '(';
    argument_->Dump(out);
    out += ')';
  }

 private:
  const Builtin function_;
  const ExprNodePtr argument_;
};

}  // namespace

ExprNodePtr MakeConstant(SourceSpan span, Value value) {
  return NodeFactory::Finish(std::make_unique<ConstantNode>(span, value), 0);
}

ExprNodePtr MakeField(SourceSpan span, RecordKind record, Slot slot, std::string name) {
  const uint8_t bits = record == RecordKind::kLead ? reads::kLead
                       : IsRepCounterSlot(slot)    ? reads::kRep | reads::kRepCounters
                                                   : reads::kRep;
  return NodeFactory::Finish(std::make_unique<FieldNode>(span, record, slot, std::move(name)),
                             bits);
}

ExprNodePtr MakeSegmentRef(SourceSpan span, std::string name, const ExprNode* segment) {
  return NodeFactory::Finish(std::make_unique<SegmentRefNode>(span, std::move(name), segment),
                             reads::kLead | (segment != nullptr ? segment->reads() : 0));
}

ExprNodePtr MakeNot(SourceSpan span, ExprNodePtr operand) {
  const uint8_t bits = operand->reads();
  return NodeFactory::Finish(std::make_unique<NotNode>(span, std::move(operand)), bits);
}

ExprNodePtr MakeNegate(SourceSpan span, ExprNodePtr operand) {
  const uint8_t bits = operand->reads();
  return NodeFactory::Finish(std::make_unique<NegateNode>(span, std::move(operand)), bits);
}

ExprNodePtr MakeBinary(SourceSpan span, BinaryOp op, ExprNodePtr lhs, ExprNodePtr rhs) {
  const uint8_t bits = lhs->reads() | rhs->reads();
  switch (op) {
    case BinaryOp::kAnd:
      return NodeFactory::Finish(
          std::make_unique<AndNode>(span, op, std::move(lhs), std::move(rhs)), bits);
    case BinaryOp::kOr:
      return NodeFactory::Finish(std::make_unique<OrNode>(span, op, std::move(lhs), std::move(rhs)),
                                 bits);
    case BinaryOp::kEqual:
      return MakeComparison<BinaryOp::kEqual>(span, std::move(lhs), std::move(rhs), bits);
    case BinaryOp::kNotEqual:
      return MakeComparison<BinaryOp::kNotEqual>(span, std::move(lhs), std::move(rhs), bits);
    case BinaryOp::kLess:
      return MakeComparison<BinaryOp::kLess>(span, std::move(lhs), std::move(rhs), bits);
    case BinaryOp::kLessEqual:
      return MakeComparison<BinaryOp::kLessEqual>(span, std::move(lhs), std::move(rhs), bits);
    case BinaryOp::kGreater:
      return MakeComparison<BinaryOp::kGreater>(span, std::move(lhs), std::move(rhs), bits);
    case BinaryOp::kGreaterEqual:
      return MakeComparison<BinaryOp::kGreaterEqual>(span, std::move(lhs), std::move(rhs), bits);
    case BinaryOp::kIn:
    case BinaryOp::kNotIn:
    case BinaryOp::kContains:
      return NodeFactory::Finish(
          std::make_unique<MembershipNode>(span, op, std::move(lhs), std::move(rhs)), bits);
    case BinaryOp::kStartsWith:
    case BinaryOp::kEndsWith:
      return NodeFactory::Finish(
          std::make_unique<AffixNode>(span, op, std::move(lhs), std::move(rhs)), bits);
    case BinaryOp::kAdd:
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
      return NodeFactory::Finish(
          std::make_unique<ArithmeticNode>(span, op, std::move(lhs), std::move(rhs)), bits);
    case BinaryOp::kMatches:
      break;  // needs a compiled regex: MakeMatches
  }
  return MakeConstant(span, Value::Bool(false));
}

ExprNodePtr MakeMatches(SourceSpan span, ExprNodePtr lhs, std::unique_ptr<const re2::RE2> regex,
                        std::string pattern) {
  const uint8_t bits = lhs->reads();
  return NodeFactory::Finish(
      std::make_unique<MatchesNode>(span, std::move(lhs), std::move(regex), std::move(pattern)),
      bits);
}

ExprNodePtr MakeBetween(SourceSpan span, ExprNodePtr value, ExprNodePtr low, ExprNodePtr high) {
  const uint8_t bits = value->reads() | low->reads() | high->reads();
  return NodeFactory::Finish(
      std::make_unique<BetweenNode>(span, std::move(value), std::move(low), std::move(high)), bits);
}

ExprNodePtr MakeCall(SourceSpan span, Builtin function, ExprNodePtr argument) {
  uint8_t bits = argument->reads();
  if (function == Builtin::kSkill || function == Builtin::kTag) bits |= reads::kRep;
  if (function == Builtin::kHoursSince) bits |= reads::kTime;
  return NodeFactory::Finish(std::make_unique<CallNode>(span, function, std::move(argument)), bits);
}

}  // namespace leadrouter::dsl
