// Rule file -> immutable Program in one call: parse, check, then plan into evaluation nodes
// (dsl/eval/eval_nodes.h). Planning starts only when parsing and checking found no error.
//
//   SourceFile source("rules.rules", text);
//   CompileResult result = Compile(source);
//   std::cout << RenderText(source, result.diagnostics);
//   if (result.program) Publish(result.program);  // shared_ptr<const Program>
//
// Compile never throws and bounds everything an untrusted file can make large: its size, its
// rule count, its nesting. The time zone of cap periods is not a compile option: it belongs to the
// decision, which counts assignments per day/week/month.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/compile/program.h"

namespace leadrouter::dsl {

struct CompileOptions {
  // Parentheses, lists, calls and unary operators nested deeper than this are a syntax error.
  // Default: 64
  int max_nesting_depth = 64;
  // The deepest expression tree accepted, counting `and`/`or` chains and the segments it uses.
  // Bounds the recursion of checking, compiling and evaluating.
  // Default: 1000 (the parser's own default, so one limit speaks for both)
  int max_expression_depth = 1000;
  // Larger files are rejected with a `file-too-large` error before parsing.
  // Default: 1 MiB
  size_t max_source_bytes = size_t{1} << 20;
  // Default: 10000
  size_t max_rules = 10000;
  // Follow-up channels accepted besides the built-in ones (phone, email, sms, wechat, social, im,
  // visit): the server passes its configured list, `leadctl` its `--channel` flags. Check a
  // configured list with CheckExtraChannels (dsl/base/vocabulary.h) when it is read.
  // Default: none
  std::vector<std::string> extra_channels;
};

struct CompileResult {
  // Null when any diagnostic is an error.
  std::shared_ptr<const Program> program;
  // Syntax and semantic diagnostics (errors and warnings), sorted by position.
  std::vector<Diagnostic> diagnostics;
};

CompileResult Compile(const SourceFile& source, const CompileOptions& options = {});

// An SLA chain written as in a rule, after `sla` ("15m then notify, 1h then reassign"): the
// server's default SLA (leadrouterd --default-sla). Checked as a rule's `sla` is; InvalidArgument
// with the first error and its 1-based column in `text` otherwise.
absl::StatusOr<SlaPolicy> CompileSlaPolicy(std::string_view text);

}  // namespace leadrouter::dsl
