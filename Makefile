# The README's two commands: `make demo` and `make test`. Both install what is missing first.
# `make bench` runs the side-by-side benchmark (docs/BENCHMARKS.md); BENCH_FLAGS=--quick for a short run.
BUILD ?= build
SANITIZE_BUILD ?= build-asan
JOBS ?= $(shell nproc)
# A sanitizer report fails the test that caused it; detect_leaks stays on (the default).
SANITIZE_ENV = ASAN_OPTIONS=abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all setup build demo test test-sanitize bench package clean

all: build

setup:
	@scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite again, built with ASan and UBSan in a second build folder (CI runs it after `test`).
test-sanitize: setup
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRMEXPORT_SANITIZE=ON >/dev/null
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@cd $(SANITIZE_BUILD) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS)

bench: build
	@bench/run.sh $(BENCH_FLAGS) $(BUILD)

package: build
	@cmake --build $(BUILD) --target package

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)
