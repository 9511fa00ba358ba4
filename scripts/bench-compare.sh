#!/usr/bin/env bash
# bench-compare.sh BASE_DIR NEW_DIR [ROUNDS] [FILTER]
#
# Runs the Google Benchmark programs found in both BASE_DIR and NEW_DIR (a build's bench/ folder or
# any folder of *_bench binaries), alternating base and new ROUNDS times (default 3), and prints for
# each benchmark the median CPU time of each side and new ÷ base. The machines we measure on are
# shared and noisy: absolute times drift between runs, the ratio of two binaries measured in
# alternation does not, so this ratio is the figure docs/performance.md quotes for a change that
# should not move (or should move) a benchmark.
set -euo pipefail
base_dir=${1:?usage: bench-compare.sh BASE_DIR NEW_DIR [ROUNDS] [FILTER]}
new_dir=${2:?usage: bench-compare.sh BASE_DIR NEW_DIR [ROUNDS] [FILTER]}
rounds=${3:-3}
filter=${4:-.}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

shopt -s nullglob
for new_bench in "$new_dir"/*_bench; do
  name=$(basename "$new_bench")
  base_bench="$base_dir/$name"
  [[ -x $base_bench ]] || { echo "bench-compare: $name has no baseline, skipped" >&2; continue; }
  for ((round = 1; round <= rounds; round++)); do
    for side in base new; do
      binary=$base_bench
      [[ $side == new ]] && binary=$new_bench
      "$binary" --benchmark_filter="$filter" --benchmark_format=json \
        >"$out/$name.$side.$round.json" 2>/dev/null
    done
  done
done

# One line per benchmark: median over rounds of each side's cpu_time, in the benchmark's unit.
jq -rs '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  [ .[] | .side as $s | .benchmarks[] | select(.run_type == "iteration")
    | {name, unit: .time_unit, side: $s, cpu: .cpu_time} ]
  | group_by(.name)[]
  | { name: .[0].name, unit: .[0].unit,
      base: ([.[] | select(.side == "base") | .cpu] | median),
      new:  ([.[] | select(.side == "new")  | .cpu] | median) }
  | "| `\(.name)` | \(.base * 100 | round / 100) \(.unit) | \(.new * 100 | round / 100) \(.unit) | \(.new / .base * 100 | round / 100) |"
' < <(for f in "$out"/*.json; do
        side=${f%.*.json}; side=${side##*.}
        jq --arg side "$side" '. + {side: $side}' "$f"
      done) | { echo "| benchmark | base CPU | new CPU | new ÷ base |"; echo "|---|---|---|---|"; cat; }
