#!/usr/bin/env bash
# Quick start, command 2: install what is missing, then run the Swift tests
# (swift test) and the Python checkpoint check. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --build-tests
swift test --skip-build
./scripts/check_checkpoint.sh
