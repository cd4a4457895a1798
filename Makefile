# Sprig: `make train` sets up, builds and trains the default SET-MLP on
# Fashion-MNIST; `make test` runs the tests. ARGS passes options to
# `sprig train`, e.g. make train ARGS="--dataset mnist --epochs 20".
.PHONY: train setup build test bench

train: build
	.build/release/sprig train $(ARGS)

setup:
	@./scripts/setup.sh

build: setup
	swift build -c release

test: setup
	swift build --build-tests
	swift test --skip-build
	./scripts/check_checkpoint.sh

bench: build
	.build/release/sprig-bench $(ARGS)
