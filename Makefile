# The two commands of the Quick start: `make run` and `make test`. Both install what is missing
# (scripts/install-deps.sh), configure once, and rebuild only what changed.

BUILD_DIR      ?= build
SANITIZE_DIR   ?= build-sanitize
TSAN_DIR       ?= build-tsan
FUZZ_SECONDS   ?= 30
LISTEN         ?= 127.0.0.1:50051
DATA_DIR       ?= ./data
JOBS           ?= $(shell nproc)

CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEADROUTER_WERROR=ON

.PHONY: all deps build run test test-release test-sanitize test-tsan fuzz-smoke bench bench-server bench-scale fmt fmt-check clean

all: build

deps:
	@bash scripts/install-deps.sh

# The test files are most of what a build compiles, and their own code (set-up, assertions) does
# little at run time: they are compiled at -O0 (the code they test is not), which halves their
# share of the build.
TEST_FLAGS  := -DLEADROUTER_TEST_CXX_FLAGS=-O0

# -O2 rather than CMake's default -O3 for Release: Assign throughput measured the same (the hot
# paths are RocksDB, gRPC and hashing, all prebuilt), and a heavy file compiles ~15% faster.
$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) $(TEST_FLAGS) -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

RULES          ?= examples/rules/quick-start.rules
REPS           ?= examples/reps.csv

# The example rules are published as version 1 on the first start only (the server then starts on
# the active stored version); the example reps are upserted at every start.
run: build
	@mkdir -p $(DATA_DIR)
	$(BUILD_DIR)/server/leadrouterd --listen $(LISTEN) --db $(DATA_DIR) --rules $(RULES) --reps $(REPS)

# Everything CI runs: the release build's tests, the same tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, the concurrency tests under ThreadSanitizer, and bounded libFuzzer
# runs over the rule compiler and over request handling. The sanitizer
# build uses clang at -O1 with line tables only: clang compiles the instrumented code in two thirds
# of GCC's time (GCC's UBSan instrumentation at -O1 is the slow part), which keeps CI on a 2-core
# machine within its budget, and the release build stays GCC: both compilers' warnings are errors.
test: test-release test-sanitize test-tsan fuzz-smoke

test-release: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The sanitizer build also holds the request fuzzer (tests/fuzz/requests.cmake): its code gets
# libFuzzer's coverage instrumentation, which the tests do not notice.
$(SANITIZE_DIR)/build.ninja: | deps
	CXX=clang++ cmake -S . -B $(SANITIZE_DIR) $(CMAKE_FLAGS) $(TEST_FLAGS) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DLEADROUTER_SANITIZE=address,undefined -DLEADROUTER_BUILD_BENCH=OFF \
	  -DLEADROUTER_FUZZ_REQUESTS=ON

test-sanitize: deps $(SANITIZE_DIR)/build.ninja
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

# ThreadSanitizer over the tests labelled `concurrency` (the commit queue, exact caps under
# concurrent assigns, a Program shared by threads), at the reduced rounds of a sanitizer build
# (tests/storage/stress_scale.h). Only storage/ and dsl/ are built: they synchronise with the
# standard library, which TSan sees; Debian's gRPC and Abseil are not instrumented, so a server
# test under TSan would report their own synchronisation as races. Debian's RocksDB is not
# instrumented either: where a test reads the database while another thread writes or compacts it
# (the counter checkpoint tests), TSan reports RocksDB's own memtable and table-reader
# synchronisation as races, so those tests run in the release and ASan builds only.
TSAN_TARGETS   := storage_commit_queue_test storage_write_txn_test storage_cap_concurrency_test \
                  storage_large_roster_cap_test compiler_test

$(TSAN_DIR)/build.ninja: | deps
	CXX=clang++ cmake -S . -B $(TSAN_DIR) $(CMAKE_FLAGS) $(TEST_FLAGS) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DLEADROUTER_SANITIZE=thread -DLEADROUTER_BUILD_BENCH=OFF

test-tsan: deps $(TSAN_DIR)/build.ninja
	cmake --build $(TSAN_DIR) -j $(JOBS) --target $(TSAN_TARGETS)
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --test-dir $(TSAN_DIR) --output-on-failure -j $(JOBS) -L concurrency

fuzz-smoke: deps $(SANITIZE_DIR)/build.ninja
	bash scripts/fuzz-smoke.sh $(FUZZ_SECONDS) $(SANITIZE_DIR)

# Every benchmark: bench/*_bench, then the server under load (leadrouter-loadgen against
# leadrouterd with --durability async, then sync; BENCH_SECONDS per phase), then the server with
# SCALE_REPS reps and SCALE_ASSIGNMENTS assignments (default 10,000 and 1,000,000: RSS, size on
# disk, restart time). `make bench-server` and `make bench-scale` run one of the latter two;
# `make bench-scale SCALE_ASSIGNMENTS=50000` is the quick one.
BENCH_SECONDS  ?= 10
export BENCH_SECONDS
SCALE_REPS        ?= 10000
SCALE_ASSIGNMENTS ?= 1000000
export SCALE_REPS SCALE_ASSIGNMENTS

bench: build
	bash scripts/run-benchmarks.sh $(BUILD_DIR)

bench-server: build
	bash scripts/bench-server.sh $(BUILD_DIR)

bench-scale: build
	bash scripts/bench-scale.sh $(BUILD_DIR)

fmt:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

fmt-check:
	git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) build-fuzz
