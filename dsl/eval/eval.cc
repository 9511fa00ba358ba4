#include "dsl/eval/eval.h"

namespace leadrouter::dsl {
namespace {

void ResetScratch(const EvalContext& context) {
  if (context.scratch != nullptr) context.scratch->Reset();
}

}  // namespace

Value Evaluate(const ExprNode& node, const EvalContext& context) {
  ResetScratch(context);
  return node.Evaluate(context);
}

}  // namespace leadrouter::dsl
