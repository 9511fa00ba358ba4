#!/usr/bin/env bash
# Runs every benchmark of a build directory: the Google Benchmark programs in bench/, then the
# server under load (scripts/bench-server.sh). The figures in docs/performance.md come from here.
set -euo pipefail
build_dir=${1:-build}
shopt -s nullglob
benches=("$build_dir"/bench/*_bench)
if [[ ${#benches[@]} -eq 0 ]]; then
  echo "run-benchmarks: no benchmarks in $build_dir/bench (build first: make build)" >&2
  exit 1
fi
for bench in "${benches[@]}"; do
  echo "== $(basename "$bench")"
  "$bench" --benchmark_counters_tabular=true
done
bash "$(dirname "$0")/bench-server.sh" "$build_dir"
