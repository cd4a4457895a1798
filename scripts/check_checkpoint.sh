#!/usr/bin/env bash
# Runs the Python checkpoint check (safetensors + scipy), installing them
# from PyPI if needed; skips with a message when Python cannot get them.
set -uo pipefail
cd "$(dirname "$0")/.."
py=python3
if ! $py -c "import safetensors, scipy, numpy" 2>/dev/null; then
  $py -m pip install --quiet safetensors scipy numpy >/dev/null 2>&1 || true
fi
if ! $py -c "import safetensors, scipy, numpy" 2>/dev/null; then
  echo "check_checkpoint: skipped (python3 with safetensors, scipy and numpy is not available)"
  exit 0
fi
exec $py Tests/python/check_checkpoint.py --sprig .build/debug/sprig
