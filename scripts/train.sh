#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build in release mode, and
# train the default SET-MLP on Fashion-MNIST. Extra arguments go to `sprig train`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release
exec .build/release/sprig train "$@"
