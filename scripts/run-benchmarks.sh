#!/usr/bin/env bash
# Runs every benchmark of a build directory: the Google Benchmark programs in bench/, then the
# server under load (scripts/bench-server.sh), then the server at scale (scripts/bench-scale.sh).
# The figures in docs/performance.md come from here.
set -euo pipefail
build_dir=${1:-build}
shopt -s nullglob
benches=("$build_dir"/bench/*_bench)
if [[ ${#benches[@]} -eq 0 ]]; then
  echo "run-benchmarks: no benchmarks in $build_dir/bench (build first: make build)" >&2
  exit 1
fi
# Lead scoring's anchors (bench/anchors/, issue #12) run in the same run as score_bench, on the same
# leads, when Debian's python3-sklearn, python3-pandas and python3-xgboost are installed; their
# split's held-out leads are handed to score_bench, which also measures itself on those.
root=$(cd "$(dirname "$0")/.." && pwd)
leads="$root/examples/data/leads-x-education.csv"
anchor_ids=""
if /usr/bin/python3 -c 'import sklearn, pandas, xgboost' 2>/dev/null; then
  anchor_ids=$(mktemp)
  trap 'rm -f "$anchor_ids"' EXIT
  /usr/bin/python3 "$root/bench/anchors/anchor_split.py" "$leads" >"$anchor_ids"
fi
for bench in "${benches[@]}"; do
  echo "== $(basename "$bench")"
  if [[ "$(basename "$bench")" == score_bench && -n "$anchor_ids" ]]; then
    echo "anchors (bench/anchors/scoring_anchor.py):"
    /usr/bin/python3 "$root/bench/anchors/scoring_anchor.py" "$leads"
    ANCHOR_TEST_IDS="$anchor_ids" "$bench" --benchmark_counters_tabular=true
  else
    "$bench" --benchmark_counters_tabular=true
  fi
done
bash "$(dirname "$0")/bench-server.sh" "$build_dir"
# 10,000 reps and 1,000,000 assignments (SCALE_REPS, SCALE_ASSIGNMENTS): most of an hour on the
# 2-core machine of docs/performance.md, nearly all of it loading the assignments.
bash "$(dirname "$0")/bench-scale.sh" "$build_dir"
