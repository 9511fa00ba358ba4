#!/usr/bin/env bash
# The server benchmark recorded in docs/performance.md ("Server"), run by `make bench`:
#
#  1. leadrouterd --durability async (example rules and roster, a temporary database, a free port):
#     leadrouter-loadgen's Assign phase then its Health.Check phase (the trivial-RPC baseline), at
#     BENCH_IN_FLIGHT calls in flight (default 64), then both again at 1 in flight (latency);
#  2. the same server with --durability sync, at BENCH_IN_FLIGHT;
#  3. leadrouterd --durability async with a roster of BENCH_LARGE_REPS reps (default 1000: the 12
#     example reps' rows repeated under new ids, so the same rules find as many candidates per
#     rep): its Assign phase at BENCH_IN_FLIGHT, beside phase 1's (issue #13: a large roster at
#     >= 50% of the example roster's throughput);
#  4. leadrouter-trivial-server on gRPC's sync, callback and completion-queue models: the health
#     check alone, at BENCH_IN_FLIGHT, to show what each server model costs on this machine.
#
# Every phase is bounded: BENCH_SECONDS measured (default 10) after a 1 s warm-up. Servers are
# stopped with SIGTERM, and killed if the script is interrupted.
set -euo pipefail

build_dir=${1:-build}
seconds=${BENCH_SECONDS:-10}
in_flight=${BENCH_IN_FLIGHT:-64}
large_reps=${BENCH_LARGE_REPS:-1000}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
leadrouterd="$build_dir/server/leadrouterd"
loadgen="$build_dir/clients/loadgen/leadrouter-loadgen"
trivial="$build_dir/clients/loadgen/leadrouter-trivial-server"
for binary in "$leadrouterd" "$loadgen" "$trivial"; do
  if [[ ! -x "$binary" ]]; then
    echo "bench-server: $binary is missing (build first: make build)" >&2
    exit 1
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/leadrouter-bench.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for_port FILE: prints the port once the server has written it (at most 30 s).
wait_for_port() {
  for _ in $(seq 300); do
    if [[ -s "$1" ]]; then
      cat "$1"
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "bench-server: the server exited before serving; its log:" >&2
      cat "$work/server.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "bench-server: no port file after 30 s" >&2
  return 1
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
}

load() {
  "$loadgen" --duration "$seconds" --warmup 1 --server-pid "$server_pid" "$@"
}

echo "== server benchmark: $(nproc) cores, client and server on this machine, ${seconds} s per phase"
for durability in async sync; do
  rm -f "$work/port"
  "$leadrouterd" --listen 127.0.0.1:0 --db "$work/db-$durability" --durability "$durability" \
    --rules "$source_dir/examples/rules/quick-start.rules" --reps "$source_dir/examples/reps.csv" \
    --port-file "$work/port" --log-level warn >"$work/server.log" 2>&1 &
  server_pid=$!
  port=$(wait_for_port "$work/port")
  echo
  echo "== leadrouterd --durability $durability"
  load --server "127.0.0.1:$port" --in-flight "$in_flight" --label "durability=$durability"
  if [[ "$durability" == async ]]; then
    echo
    load --server "127.0.0.1:$port" --in-flight 1 --channels 1 --threads 1 \
      --label "durability=$durability, latency"
  fi
  stop_server
done

# The example roster's rows, repeated under new ids up to $large_reps reps.
awk -F, -v OFS=, -v n="$large_reps" 'NR == 1 { print; next } { rows[++count] = $0 }
  END {
    for (i = 0; i < n; ++i) {
      m = split(rows[i % count + 1], f, ",")
      f[1] = sprintf("%s%05d", f[1], i); f[2] = f[2] " " i
      line = f[1]; for (k = 2; k <= m; ++k) line = line OFS f[k]
      print line
    }
  }' "$source_dir/examples/reps.csv" >"$work/large-reps.csv"
rm -f "$work/port"
"$leadrouterd" --listen 127.0.0.1:0 --db "$work/db-large" --durability async \
  --rules "$source_dir/examples/rules/quick-start.rules" --reps "$work/large-reps.csv" \
  --port-file "$work/port" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
port=$(wait_for_port "$work/port")
echo
echo "== leadrouterd --durability async, $large_reps reps"
load --server "127.0.0.1:$port" --rpc assign --in-flight "$in_flight" --label "reps=$large_reps"
stop_server

for model in sync callback async; do
  rm -f "$work/port"
  "$trivial" --model "$model" --port-file "$work/port" >"$work/server.log" 2>&1 &
  server_pid=$!
  port=$(wait_for_port "$work/port")
  echo
  echo "== leadrouter-trivial-server --model $model"
  load --server "127.0.0.1:$port" --rpc health --in-flight "$in_flight" --label "trivial $model"
  stop_server
done
