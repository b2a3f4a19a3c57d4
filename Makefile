# The two commands of the README, and the steps they are made of.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all setup configure build demo test bench clean format

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@if [ ! -f $(BUILD)/build.ninja ]; then cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS); fi

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Every bench program, one after the other (figures, not tests). For the figures of
# docs/performance.md build in Release: make bench BUILD=build-release CMAKE_FLAGS=-DCMAKE_BUILD_TYPE=Release
bench: build
	@$(BUILD)/bench/bench_sandbox
	@$(BUILD)/bench/bench_ingest
	@$(BUILD)/bench/bench_ratelimit
	@$(BUILD)/bench/bench_api
	@$(BUILD)/bench/bench_webhooks

format:
	@git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

clean:
	@rm -rf $(BUILD)
