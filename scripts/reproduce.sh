#!/usr/bin/env bash
# Re-runs one results table with sprig-bench (release build), one JSON record
# per run under docs/results/<folder>/runs/ (command, seed, commit, machine,
# date, per-epoch test accuracy and training loss; finished runs are skipped,
# so an interrupted table goes on where it stopped), then regenerates
# docs/results/summary.json and the README's results table from them.
#
# usage: scripts/reproduce.sh TABLE [--seeds 0,1,2]
#   defaults  Sprig's default SET-MLP: MNIST 200 epochs, Fashion-MNIST 100,
#             CIFAR-10 300 (about 4 min, 2 min and 22 min a seed on one Zen 4
#             core)                                 -> docs/results/defaults
#   paper     the SET paper's rows (MLP, MLP-FixProb, SET-MLP) with Sprig's
#             defaults and with the paper's settings: MNIST 100 epochs
#             (the dense MLP ≈ 8 min a seed)        -> docs/results/paper-mnist-100
#             and CIFAR-10 300 epochs (the dense MLP ≈ 9 h a seed)
#                                                   -> docs/results/paper-cifar10-300
#   summary   only regenerate summary.json and the tables
#
# Each run takes one thread (--threads 1); run two tables side by side on a
# 2-core machine. Needs MNIST and CIFAR-10 (`sprig data download mnist cifar10`).
set -euo pipefail
cd "$(dirname "$0")/.."
table="${1:-}"
shift || true
seeds="0,1,2"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    *) echo "reproduce.sh: unknown option $1 (only --seeds LIST)" >&2; exit 2 ;;
  esac
done
bench() {
  swift build -c release --product sprig-bench >&2
  .build/release/sprig-bench accuracy --threads 1 --no-probe --seeds "$seeds" "$@"
}
case "$table" in
  defaults)
    bench --datasets mnist --models set-mlp --settings sprig --epochs 200 --out docs/results/defaults
    bench --datasets fashion-mnist --models set-mlp --settings sprig --epochs 100 --out docs/results/defaults
    bench --datasets cifar10 --models set-mlp --settings sprig --epochs 300 --out docs/results/defaults ;;
  paper)
    bench --datasets mnist --models mlp,mlp-fixprob,set-mlp --settings both --epochs 100 --out docs/results/paper-mnist-100
    bench --datasets cifar10 --models mlp,mlp-fixprob,set-mlp --settings both --epochs 300 --out docs/results/paper-cifar10-300 ;;
  summary) ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
python3 scripts/readme_accuracy_table.py
