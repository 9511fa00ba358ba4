#!/usr/bin/env bash
# Fuzzes the rule-language compiler and evaluator for a bounded time.
#
#   scripts/fuzz-smoke.sh [SECONDS]    (default 60)
#
# Configures build-fuzz/ with clang (language only, libFuzzer + ASan + UBSan), builds fuzz_compile,
# seeds a corpus from tests/fuzz/corpus, examples/**/*.rules and tests/dsl/golden/*.rules, and runs
# the fuzzer. Exits non-zero on any crash, leak, sanitizer report or timeout; the reproducer is left
# in build-fuzz/fuzz-artifacts/ (replay it with `build-fuzz/tests/fuzz/fuzz_compile FILE`).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build-fuzz"
jobs="${LEADROUTER_JOBS:-2}"

CXX=clang++ cmake -S "${root}" -B "${build}" -G Ninja \
  -DLEADROUTER_LANGUAGE_ONLY=ON -DLEADROUTER_BUILD_FUZZ=ON -DLEADROUTER_BUILD_TESTS=ON \
  -DLEADROUTER_BUILD_BENCH=OFF >/dev/null
ninja -C "${build}" -j "${jobs}" fuzz_compile

corpus="${build}/fuzz-corpus"
artifacts="${build}/fuzz-artifacts"
mkdir -p "${corpus}" "${artifacts}"
cp "${root}"/tests/fuzz/corpus/* "${corpus}/"
find "${root}/examples" "${root}/tests/dsl/golden" -name '*.rules' -size -64k \
  -exec cp {} "${corpus}/" \; 2>/dev/null || true

# -timeout: one input taking longer than 10 s is a hang; -rss_limit_mb bounds memory.
"${build}/tests/fuzz/fuzz_compile" \
  -max_total_time="${seconds}" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -max_len=8192 \
  -dict="${root}/tests/fuzz/rules.dict" \
  -artifact_prefix="${artifacts}/" \
  -print_final_stats=1 \
  "${corpus}"
