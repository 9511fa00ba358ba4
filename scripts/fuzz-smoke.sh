#!/usr/bin/env bash
# Fuzzes, each for a bounded time, the rule-language compiler and evaluator, and (given a sanitizer
# build directory) request handling.
#
#   scripts/fuzz-smoke.sh [SECONDS] [SANITIZE_DIR]    (default 60 s each; no directory: rules only)
#
# Rules: configures build-fuzz/ with clang (language only, libFuzzer + ASan + UBSan), builds
# fuzz_compile, seeds a corpus from tests/fuzz/corpus, examples/**/*.rules and
# tests/dsl/golden/*.rules, and runs it. Requests: builds fuzz_requests in SANITIZE_DIR (configured
# with LEADROUTER_FUZZ_REQUESTS=ON, as the Makefile's build-sanitize is), seeds its corpus with
# every request of the bad-input catalogue (tests/server/bad_input_test.cc), and runs it against
# an in-process server with the example rules and reps.
#
# Exits non-zero on any crash, leak, sanitizer report, broken contract or timeout; the reproducer
# is left in <build>/fuzz-artifacts/ (replay it with `<build>/tests/fuzz/fuzz_compile FILE` or
# `<build>/tests/fuzz_requests FILE`; docs/operations.md, "Fuzzing").
set -euo pipefail

seconds="${1:-60}"
sanitize_dir="${2:-}"
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

[[ -n "${sanitize_dir}" ]] || exit 0

# Requests. The catalogue's test writes its requests as seeds while it checks them.
ninja -C "${sanitize_dir}" -j "${jobs}" fuzz_requests bad_input_test
corpus="${sanitize_dir}/fuzz-requests-corpus"
artifacts="${sanitize_dir}/fuzz-artifacts"
mkdir -p "${corpus}" "${artifacts}"
# Its output (protobuf's complaint about every string that is not UTF-8) is shown only if it fails.
if ! LEADROUTER_FUZZ_WRITE_SEEDS="${corpus}" "${sanitize_dir}/tests/server/bad_input_test" \
  --gtest_filter='BadInputTest.*' >"${sanitize_dir}/fuzz-seeds.log" 2>&1; then
  cat "${sanitize_dir}/fuzz-seeds.log"
  exit 1
fi
echo "fuzz_requests: $(ls "${corpus}" | wc -l) inputs in the corpus"

"${sanitize_dir}/tests/fuzz_requests" \
  -max_total_time="${seconds}" \
  -timeout=10 \
  -rss_limit_mb=4096 \
  -max_len=4096 \
  -artifact_prefix="${artifacts}/" \
  -print_final_stats=1 \
  "${corpus}"
