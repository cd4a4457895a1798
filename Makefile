# Conveniences over the two quick-start scripts. ARGS passes options to
# `sprig train` or `sprig-bench`, e.g. make train ARGS="--dataset mnist".
.PHONY: train test setup bench

train:
	./scripts/train.sh $(ARGS)

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh

bench: setup
	swift build -c release
	.build/release/sprig-bench $(ARGS)
