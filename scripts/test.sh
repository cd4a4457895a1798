#!/usr/bin/env bash
# Quick start, command 2: install what is missing, then run the Swift tests
# (swift test) and the Python checkpoint check. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --build-tests
swift test --skip-build
# The accuracy suite on small subsets (seconds), and its outputs parsed.
bench=$(mktemp -d)
.build/debug/sprig-bench accuracy --quick --out "$bench"
if command -v python3 >/dev/null; then python3 scripts/check_bench_outputs.py "$bench"; fi
rm -rf "$bench"
./scripts/check_checkpoint.sh
