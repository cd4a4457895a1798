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
# A wide layer's blocked and unblocked kernels checked against a reference
# and against each other (the command fails if they differ), then timed once.
.build/debug/sprig-bench blocking --width 20000 --threads 1 --samples 1 --json "$bench/blocking.json"
if command -v python3 >/dev/null; then
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert len(r) == 6 and all(x["seconds"] > 0 for x in r), r; print("ok   blocking records parse")' "$bench/blocking.json"
fi
rm -rf "$bench"
./scripts/check_checkpoint.sh
