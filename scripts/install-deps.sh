#!/usr/bin/env bash
# Installs the Debian 12 packages that leadrouter needs to build, test and benchmark.
#
# Does nothing when everything is present (a second `make test` must take seconds), installs only
# what is missing, and refuses clearly when it would need root and is not run as root.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config make git
  # libraries
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  tao-pegtl-dev librocksdb-dev libabsl-dev libre2-dev libcli11-dev libfmt-dev libspdlog-dev
  nlohmann-json3-dev
  # leadrouterd's allocator (LEADROUTER_JEMALLOC)
  libjemalloc-dev
  # SHA-256 of tokens and rule sources, certificate checks (libssl-dev); the TLS tests make a
  # throwaway CA with the openssl command
  libssl-dev openssl
  # lead mapping files (leadctl import / dry-run --mapping), read header-only
  libtomlplusplus-dev
  # leadctl rules diff: the shortest edit script of two rule sources (header-only)
  libdtl-dev
  # lead scoring's gradient-boosted trees (dsl/score/, XGBoost's C API)
  libxgboost-dev
  # IANA time zones for cap periods (read by Abseil from /usr/share/zoneinfo)
  tzdata
  # tests and benchmarks; jq reads the benchmarks' JSON in scripts/bench-compare.sh
  libgtest-dev libgmock-dev libbenchmark-dev jq
  # the fuzzing smoke test (libFuzzer ships with clang's runtime) and formatting
  clang libclang-rt-14-dev clang-format
  # the Python client smoke test, generated from proto/ by grpc_python_plugin
  python3 python3-grpcio python3-protobuf
  # `make bench`'s lead-scoring anchors (bench/anchors/scoring_anchor.py)
  python3-sklearn python3-pandas python3-xgboost
  # the report page's browser test (tests/clients/report_browser_test.cc), headless
  chromium
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run 'sudo $0' (or as root: apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
