#!/usr/bin/env bash
# The scale benchmark recorded in docs/performance.md ("10,000 reps and 1,000,000 assignments"),
# run by `make bench` (issue #10 point 6):
#
#  1. leadrouterd --durability async on a temporary database with SCALE_REPS reps (default 10000:
#     the 12 example reps' rows repeated under new ids, as bench-server.sh's large roster) and
#     examples/rules/quick-start.rules; the time from launch to serving;
#  2. SCALE_ASSIGNMENTS new leads (default 1000000) through AssignBatch, SCALE_BATCH per call
#     (default 500), SCALE_PRELOAD_IN_FLIGHT calls at once (default 4);
#  3. a restart (SIGTERM, start again; the time until Health.Check answers SERVING): the
#     incremental counter check, whose checkpoint is still the one of the first start, replays
#     the whole load;
#  4. Assign at BENCH_IN_FLIGHT (default 64) and at 1 in flight, BENCH_SECONDS each (default 10)
#     after 1 s of warm-up; then the server's RSS (VmRSS) and peak (VmHWM);
#  5. a clean stop, the database's size on disk (`du`: table files, WAL and logs as a clean stop
#     leaves them), then two more restarts: incremental (from the checkpoint of step 3, replaying
#     step 4's entries) and --counter-check full (every entry);
#  6. the figures beside the issue's targets.
#
# A quick run while developing: SCALE_ASSIGNMENTS=50000 bash scripts/bench-scale.sh build
# (SCALE_KEEP=1 keeps the database and the server logs).
set -euo pipefail

build_dir=${1:-build}
reps=${SCALE_REPS:-10000}
assignments=${SCALE_ASSIGNMENTS:-1000000}
batch=${SCALE_BATCH:-500}
preload_in_flight=${SCALE_PRELOAD_IN_FLIGHT:-4}
seconds=${BENCH_SECONDS:-10}
in_flight=${BENCH_IN_FLIGHT:-64}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
leadrouterd="$build_dir/server/leadrouterd"
loadgen="$build_dir/clients/loadgen/leadrouter-loadgen"
leadctl="$build_dir/clients/leadctl/leadctl"
for binary in "$leadrouterd" "$loadgen" "$leadctl"; do
  if [[ ! -x "$binary" ]]; then
    echo "bench-scale: $binary is missing (build first: make build)" >&2
    exit 1
  fi
done
if ! command -v jq >/dev/null; then
  echo "bench-scale: jq is missing (apt-get install jq)" >&2
  exit 1
fi

work=$(mktemp -d "${SCALE_WORK_DIR:-${TMPDIR:-/tmp}}/leadrouter-scale.XXXXXX")
db="$work/db"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "${SCALE_KEEP:-}" ]]; then echo "bench-scale: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }

# start_server LOG ARGS...: starts leadrouterd on $db; sets server_pid, port and elapsed (the
# seconds from launch until Health.Check answers SERVING).
start_server() {
  local log=$1
  shift
  rm -f "$work/port"
  local started
  started=$(now)
  "$leadrouterd" --listen 127.0.0.1:0 --db "$db" --durability async --port-file "$work/port" \
    --log-level info "$@" >"$log" 2>&1 &
  server_pid=$!
  while [[ ! -s "$work/port" ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "bench-scale: the server exited before serving; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.01
  done
  port=$(cat "$work/port")
  until "$leadctl" health --server "127.0.0.1:$port" >/dev/null 2>&1; do sleep 0.01; done
  elapsed=$(echo "$(now) - $started" | bc | awk '{ printf "%.2f", $1 }')
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
}

status_kb() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$server_pid/status"; }

# The counter check's line of a server log: "counters of DB checked against history (from the
# checkpoint at sequence S | full): N history entries replayed, C counters".
check_line() { grep -o 'checked against history (.*' "$1" | sed 's/^checked against history //' | head -1; }

# The example roster's rows, repeated under new ids up to $reps reps.
awk -F, -v OFS=, -v n="$reps" 'NR == 1 { print; next } { rows[++count] = $0 }
  END {
    for (i = 0; i < n; ++i) {
      m = split(rows[i % count + 1], f, ",")
      f[1] = sprintf("%s%05d", f[1], i); f[2] = f[2] " " i
      line = f[1]; for (k = 2; k <= m; ++k) line = line OFS f[k]
      print line
    }
  }' "$source_dir/examples/reps.csv" >"$work/reps.csv"

echo "== scale benchmark: $(nproc) cores, $reps reps, $assignments assignments, client and server on this machine"
start_server "$work/start-1.log" --rules "$source_dir/examples/rules/quick-start.rules" \
  --reps "$work/reps.csv"
first_start=$elapsed
echo "first start (reps upserted): ${first_start} s"

"$loadgen" --server "127.0.0.1:$port" --rpc none --preload "$assignments" --batch-size "$batch" \
  --preload-in-flight "$preload_in_flight" --id-prefix scale-load --format json >"$work/preload.json"
jq -r '.preload | "loaded \(.leads) leads in \(.batches) AssignBatch calls: \(.seconds | floor) s, \(.leads_per_second | floor) leads/s, batch p50 \(.batch_latency_ms.p50 | floor) ms, p99 \(.batch_latency_ms.p99 | floor) ms; failed calls \(.failed_calls), items \(.failed_items); outcomes \(.outcomes)"' \
  "$work/preload.json"
if [[ $(jq '.preload.failed_calls + .preload.failed_items' "$work/preload.json") != 0 ]]; then
  echo "bench-scale: the load failed: $(jq -r .preload.first_error "$work/preload.json")" >&2
  exit 1
fi
loaded_rss=$(status_kb VmRSS)
loaded_hwm=$(status_kb VmHWM)
stopping=$(now)
stop_server
stop_seconds=$(echo "$(now) - $stopping" | bc | awk '{ printf "%.2f", $1 }')
echo "clean stop after the load (SIGTERM until exit): ${stop_seconds} s"

start_server "$work/start-2.log"
restart_after_load=$elapsed
echo "restart after the load: ${restart_after_load} s ($(check_line "$work/start-2.log"))"

echo
"$loadgen" --server "127.0.0.1:$port" --rpc assign --in-flight "$in_flight" --duration "$seconds" \
  --warmup 1 --server-pid "$server_pid" --id-prefix scale-64 --label "$reps reps, $in_flight in flight"
echo
"$loadgen" --server "127.0.0.1:$port" --rpc assign --in-flight 1 --channels 1 --threads 1 \
  --duration "$seconds" --warmup 1 --server-pid "$server_pid" --id-prefix scale-1 \
  --label "$reps reps, latency"
rss=$(status_kb VmRSS)
hwm=$(status_kb VmHWM)
stop_server
du_bytes=$(du -sb "$db" | cut -f1)
echo
echo "database on disk after a clean stop:"
ls -l "$db" | awk '$5 > 0 { size[$NF ~ /\.sst$/ ? "table files" : $NF ~ /\.log$/ ? "WAL" : "other"] += $5 }
  END { for (k in size) printf "  %s: %.1f MB\n", k, size[k] / 1e6 }'
if [[ -x "$build_dir/bench/storage_sizes" ]]; then
  echo "by column family (key and value bytes as stored, before block compression):"
  "$build_dir/bench/storage_sizes" "$db"
fi

start_server "$work/start-3.log"
restart_incremental=$elapsed
echo "restart, incremental check: ${restart_incremental} s ($(check_line "$work/start-3.log"))"
stop_server
start_server "$work/start-4.log" --counter-check full
restart_full=$elapsed
echo "restart, --counter-check full: ${restart_full} s ($(check_line "$work/start-4.log"))"
stop_server

mb() { echo "scale=1; $1 / 1024" | bc; }
echo
echo "== figures beside the targets ($reps reps, $assignments assignments loaded)"
printf '%-58s %14s %12s\n' "figure" "measured" "target"
printf '%-58s %14s %12s\n' "server RSS after the load (VmRSS)" "$(mb "$loaded_rss") MB" "<= 300 MB"
printf '%-58s %14s %12s\n' "server peak RSS during the load (VmHWM)" "$(mb "$loaded_hwm") MB" "<= 300 MB"
printf '%-58s %14s %12s\n' "server RSS after the Assign phases (VmRSS)" "$(mb "$rss") MB" "<= 300 MB"
printf '%-58s %14s %12s\n' "server peak RSS after the restart (VmHWM)" "$(mb "$hwm") MB" "<= 300 MB"
printf '%-58s %14s %12s\n' "database on disk (du -sb after a clean stop)" \
  "$(echo "scale=2; $du_bytes / 1000000000" | bc) GB" "<= 1.5 GB"
printf '%-58s %14s %12s\n' "restart to SERVING, incremental, after the load" "$restart_after_load s" ""
printf '%-58s %14s %12s\n' "restart to SERVING, incremental, after the Assign phases" \
  "$restart_incremental s" "<= 5 s"
printf '%-58s %14s %12s\n' "restart to SERVING, --counter-check full" "$restart_full s" ""
