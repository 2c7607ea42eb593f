# The README's two commands: `make demo` and `make test`. Both install what is missing first.
# `make bench` runs the side-by-side benchmark (docs/BENCHMARKS.md); BENCH_FLAGS=--quick for a short run.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all setup build demo test bench clean

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

bench: build
	@bench/run.sh $(BENCH_FLAGS) $(BUILD)

clean:
	rm -rf $(BUILD)
