#!/usr/bin/env bash
# Quick start, command 2: install what is missing (with the test-only tools:
# chromium, python3), then run the Swift tests (swift test), the benchmark
# smoke runs, the Python checkpoint check, the MPI tests of Distributed/ and
# 20 seconds of each fuzz harness of Fuzz/ (docs/fuzzing.md).
# .ci/run calls this.
#
# Tests that need MNIST or CIFAR-10 skip (reported as skipped) when the data is
# not found under the data roots: $SPRIG_DATA, ./datasets, the user cache,
# /usr/share/datasets (`sprig data download NAME` installs a dataset;
# SPRIG_DATA_DEFAULT_ROOTS=0 searches $SPRIG_DATA alone).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
swift build --build-tests
swift test --skip-build
# The accuracy suite on small subsets (seconds), and its outputs parsed.
bench=$(mktemp -d)
.build/debug/sprig-bench accuracy --quick --out "$bench"
if command -v python3 >/dev/null; then
  python3 scripts/check_bench_outputs.py "$bench"
  # docs/results/summary.json and the README's results table are what the
  # committed run records give (scripts/reproduce.sh summary rewrites them).
  python3 scripts/readme_accuracy_table.py --check
fi
# A wide layer's blocked and unblocked kernels checked against a reference
# and against each other (the command fails if they differ), then timed once.
.build/debug/sprig-bench blocking --width 20000 --threads 1 --samples 1 --json "$bench/blocking.json"
if command -v python3 >/dev/null; then
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert len(r) == 6 and all(x["seconds"] > 0 for x in r), r; print("ok   blocking records parse")' "$bench/blocking.json"
fi
# bf16 kernel rows beside FP32 ones (each validated against the FP32
# kernels before timing), the scale and dense-model rows, on small shapes.
.build/debug/sprig-bench kernels --shapes 200x300 --densities 10 --threads 1 --no-graphblas --json "$bench/kernels.json" >/dev/null
.build/debug/sprig-bench scale --networks 784-300-10 --epsilon 5 --batch 64 --batches 3 --threads 1 --json "$bench/scale.json"
.build/debug/sprig-bench dense --models cnn --train-limit 256 --test-limit 200 --threads 1 --no-pytorch --json "$bench/dense.json"
if command -v python3 >/dev/null; then
  python3 - "$bench" <<'PY'
import json, sys
k = json.load(open(sys.argv[1] + "/kernels.json"))
bf16 = {r["op"] for r in k if r["precision"] == "bf16" and r["speedup_vs_fp32"] > 0}
assert {"forward", "backward", "sddmm"} <= bf16, bf16
s = json.load(open(sys.argv[1] + "/scale.json"))
assert len(s) == 1 and s[0]["shape"] == "784-300-10" and s[0]["batches_timed"] == 3, s
assert s[0]["seconds_per_epoch"] > 0 and s[0]["peak_rss_bytes"] > 0 and s[0]["connections"] > 0, s
d = json.load(open(sys.argv[1] + "/dense.json"))
assert [r["engine"] for r in d] == ["sprig"] and d[0]["samples_per_second"] > 0, d
print("ok   kernels (bf16 rows), scale and dense records parse")
PY
fi
# The models table on small subsets through `sprig train --model`: a sparse
# CNN and LSTM, and the SET-RBM, SET-VAE, SET-GAN and SET-Siamese net.
.build/debug/sprig-bench models --quick --datasets fashion-mnist \
  --models sparse-cnn,sparse-lstm,set-rbm,set-vae,set-gan,set-siamese --out "$bench/models"
rm -rf "$bench"
./scripts/check_checkpoint.sh
# Training over Open MPI (Distributed/, its own package): every test runs
# sprig-mpi under mpirun on 2 and 3 ranks (docs/distributed.md).
swift build --package-path Distributed --build-tests
swift test --package-path Distributed --skip-build
# Every parser under libFuzzer and ASan for 20 s from its seed corpus
# (Fuzz/, its own package; measured 4 min 15 s of clean build and 3 of fuzzing).
./scripts/fuzz.sh all 20
