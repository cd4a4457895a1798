#!/usr/bin/env bash
# Kill-and-resume loop (issue 32): trains a small Fashion-MNIST MLP, SIGKILLs
# it N times at seeded random moments, resuming with --resume after each
# kill, and checks that its final model.safetensors equals, byte for byte,
# that of the same run never killed. A third of the kills wait for a
# checkpoint or resume-state write to start (its temporary file to appear),
# so some land inside writes; the summary says how many did.
#
# Usage: scripts/kill-loop.sh [N] [--seed S] [--sprig PATH] [--work DIR]
#   N       kills before the run is let finish (default 20)
#   --seed  seeds both the training and the kill delays (default 1)
#   --sprig the sprig executable (default .build/debug/sprig)
#   --work  folder for the two runs (default a new temporary folder, removed after)
# Exits 0 when the bytes match, 1 when they differ or a resume failed, and
# 77 (skipped) when Fashion-MNIST is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

kills_wanted=20 seed=1 sprig=.build/debug/sprig work=""
while (($#)); do
  case "$1" in
    --seed) seed=$2; shift 2 ;;
    --sprig) sprig=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) kills_wanted=$1; shift ;;
  esac
done
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
# An epoch per kill and two more: each kill costs at most about an epoch
# of progress, so the run is still going when the last kill is due.
epochs=$((kills_wanted + 2))
# Wide enough that writing a checkpoint (fsync included) is a real share of
# an epoch, small enough that an epoch takes about a second.
flags=(train --dataset fashion-mnist --train-limit 800 --test-limit 200 --hidden 1000,1000 --epsilon 60
  --epochs "$epochs" --batch-size 50 --threads 1 --seed "$seed" --quiet)

whole="$work/whole" killed="$work/killed"
rm -rf "$whole" "$killed"
start=$(date +%s%N)
if ! "$sprig" "${flags[@]}" --out "$whole" >/dev/null 2>"$work/whole.err"; then
  if grep -qi "not found\|no such\|download" "$work/whole.err"; then
    echo "kill-loop: skipped, Fashion-MNIST is not installed: $(head -1 "$work/whole.err")"
    exit 77
  fi
  cat "$work/whole.err" >&2
  exit 1
fi
epoch_ms=$((($(date +%s%N) - start) / 1000000 / epochs))
echo "kill-loop: uninterrupted run done, about ${epoch_ms} ms an epoch"

RANDOM=$seed
lines() { [[ -f "$killed/metrics.jsonl" ]] && wc -l <"$killed/metrics.jsonl" || echo 0; }
# Sleeps with a builtin (read -t on a pipe nothing writes to), so polling
# every millisecond costs no process per poll.
exec {never}<> <(:)
nap() { read -rt "$1" -u "$never" || true; }
nap_ms() { nap "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"; }
wait_for_write() { # $1: pid; returns once a temporary file of $1 exists, or it exits
  local deadline=$((SECONDS + 60))
  while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)); do
    compgen -G "$killed/.*.tmp-$1" >/dev/null && return
    nap 0.001
  done
}
wait_for_line() { # $1: pid, $2: line count to exceed
  local deadline=$((SECONDS + 60))
  while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)) && (($(lines) <= $2)); do nap 0.005; done
}

kills=0 in_write=0 in_training=0 resumes=0 runs=0
: >"$work/all.err"
while :; do
  args=("${flags[@]}" --out "$killed")
  ((runs > 0)) && { args+=(--resume); resumes=$((resumes + 1)); }
  runs=$((runs + 1))
  "$sprig" "${args[@]}" >/dev/null 2>"$work/run.err" &
  pid=$!
  if ((kills < kills_wanted)); then
    # The first kill lands in the first epoch, before any state is saved:
    # --resume must then start the run over.
    mode=$((kills == 0 ? 3 : RANDOM % 3))
    case $mode in
      0) wait_for_write "$pid"; nap "0.00$((RANDOM % 3))" ;;
      1) wait_for_line "$pid" "$(lines)"; nap_ms $((RANDOM % 300)) ;;
      2) nap_ms $((RANDOM % (epoch_ms * 3 / 2 + 1))) ;;
      3) nap_ms $((RANDOM % (epoch_ms / 2 + 1))) ;;
    esac
    if kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      cat "$work/run.err" >>"$work/all.err"
      kills=$((kills + 1))
      # A temporary file of the dead process: it died between creating the
      # file and renaming it over the old one.
      if compgen -G "$killed/.*.tmp-$pid" >/dev/null; then in_write=$((in_write + 1)); else in_training=$((in_training + 1)); fi
      continue
    fi
  fi
  if wait "$pid"; then break; fi
  if grep -q "holds a finished run" "$work/run.err"; then break; fi # killed after its last write
  echo "kill-loop: FAIL, run $runs (after $kills kills) exited non-zero:" >&2
  cat "$work/run.err" >&2
  exit 1
done
cat "$work/run.err" >>"$work/all.err"
restarts=$(grep -c "starting it from epoch 1" "$work/all.err" || true)

((kills == kills_wanted)) || echo "kill-loop: warning, the run finished after $kills of the $kills_wanted kills wanted"
echo "kill-loop: kills $kills (inside a checkpoint/resume-state write $in_write, during training, start-up or evaluation $in_training), resumes $resumes ($restarts found no state yet and started over)"
got=$(sha256sum <"$killed/model.safetensors" | cut -d' ' -f1)
want=$(sha256sum <"$whole/model.safetensors" | cut -d' ' -f1)
logged=$(lines)
if [[ "$got" == "$want" ]] && ((logged == epochs)); then
  echo "kill-loop: ok, final model.safetensors identical to the uninterrupted run's (sha256 $got), $logged metrics lines"
else
  echo "kill-loop: FAIL, final model.safetensors $got, uninterrupted $want; $logged of $epochs metrics lines" >&2
  exit 1
fi
