#!/usr/bin/env bash
# Distributed benchmarks on this machine (docs/distributed.md): the SET-MLP
# and the dense MLP of the same shape, data-parallel on 1, 2 and 4 ranks
# (oversubscribed past the cores), synchronous and with local steps; then a
# sharded layer over 2 and 4 ranks under a per-rank memory cap. Each run
# appends one JSON record to OUT/records.jsonl (default
# docs/results/distributed); `--quick` runs each once on a subset.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/results/distributed
repeats=3
limit=()
for arg in "$@"; do
  case "$arg" in
    --quick) repeats=1; limit=(--train-limit 6000) ;;
    -h | --help) echo "usage: $0 [--quick] [OUT]"; exit 0 ;;
    *) out="$arg" ;;
  esac
done
mkdir -p "$out"
swift build -c release --package-path Distributed >/dev/null
bin=Distributed/.build/release/sprig-mpi
mpirun=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && mpirun+=(--allow-run-as-root)
records="$out/records.jsonl"
echo "{\"machine\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores\", \"commit\": \"$(git rev-parse --short HEAD)\", \"date\": \"$(date -u +%FT%TZ)\"}" >> "$records"
for r in $(seq "$repeats"); do
  "${mpirun[@]}" -np 1 "$bin" bench data-parallel --threads 1 "${limit[@]}" --json "$records"
  "${mpirun[@]}" --bind-to none -np 1 "$bin" bench data-parallel --batch-size 256 "${limit[@]}" --json "$records"
  "${mpirun[@]}" -np 1 "$bin" bench data-parallel --threads 1 --dense --epochs 1 --train-limit 12000 --json "$records"
  for n in 1 2 4; do
    # One rank may use both cores (mpirun would bind it to one); two get one
    # each; four share them (oversubscribed, unbound).
    bind=()
    [ "$n" -eq 1 ] && bind=(--bind-to none)
    "${mpirun[@]}" "${bind[@]}" -np "$n" "$bin" bench data-parallel "${limit[@]}" --json "$records"
    "${mpirun[@]}" "${bind[@]}" -np "$n" "$bin" bench data-parallel --dense --epochs 1 --train-limit 12000 --json "$records"
    if [ "$n" -gt 1 ]; then
      "${mpirun[@]}" -np "$n" "$bin" bench data-parallel --average-every 4 "${limit[@]}" --json "$records"
      "${mpirun[@]}" -np "$n" "$bin" bench data-parallel --average-every 16 "${limit[@]}" --json "$records"
      # The same batch per rank as one process has: a global batch of n × 128.
      "${mpirun[@]}" -np "$n" "$bin" bench data-parallel --batch-size $((128 * n)) "${limit[@]}" --json "$records"
    fi
  done
done
# A layer whose weights, indices and optimizer state exceed the cap on one
# rank: refused there, trained on 2 and 4.
"${mpirun[@]}" -np 1 "$bin" bench sharded --json "$records" || echo "(one rank: refused, as it should be)"
for n in 2 4; do "${mpirun[@]}" -np "$n" "$bin" bench sharded --json "$records"; done
