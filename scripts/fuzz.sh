#!/usr/bin/env bash
# libFuzzer harnesses of Sprig's parsers (Fuzz/, docs/fuzzing.md).
#
#   scripts/fuzz.sh               lists the harnesses, one per line
#   scripts/fuzz.sh NAME SECONDS  builds (if needed) and fuzzes NAME for SECONDS
#   scripts/fuzz.sh all SECONDS   every harness in turn (CI: scripts/test.sh)
#
# Each run starts from the committed seeds in Fuzz/Corpus/NAME/ and writes
# what it discovers to a temporary folder, never into the committed corpus.
# A crash, leak, timeout or out-of-memory makes the script exit non-zero; the
# input is kept under Fuzz/.build/artifacts/NAME/ (add it to the corpus and
# as a regression test in Tests/SprigTests/Fuzz/ once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."

harnesses() { (cd Fuzz/Sources && ls -d fuzz-* | sort); }

if [[ $# -eq 0 ]]; then
  harnesses
  exit 0
fi
if [[ $# -ne 2 || ! "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [NAME|all SECONDS]; harnesses:" >&2
  harnesses >&2
  exit 2
fi
name=$1 seconds=$2

# lld: gold aborts on these ASan-instrumented Swift binaries (an internal
# error in its DWARF reader). -enable-testing: fuzz-http-response reaches an
# internal type through @testable import rather than widen Sprig's API.
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -use-ld=lld)
build() {
  if ! swift build --package-path Fuzz "${flags[@]}" "$@" >/tmp/sprig-fuzz-build.$$ 2>&1; then
    grep -v "Cannot export local symbol" /tmp/sprig-fuzz-build.$$ | tail -40 >&2
    rm -f /tmp/sprig-fuzz-build.$$
    echo "fuzz.sh: the Fuzz package did not build" >&2
    exit 1
  fi
  rm -f /tmp/sprig-fuzz-build.$$
}
bin=$(swift build --package-path Fuzz "${flags[@]}" --show-bin-path)

# libFuzzer's default input cap (4096 bytes) holds no two CIFAR-10 records.
extra_options() {
  case $1 in
    fuzz-cifar10) echo "-max_len=8192" ;;
    *) echo "-max_len=4096" ;;
  esac
}

# A Swift trap then reaches libFuzzer as a deadly signal with a symbolised
# stack; Swift's own backtracer would read memory ASan forbids and report
# a heap-buffer-overflow of its own instead.
export SWIFT_BACKTRACE=enable=no

run() {
  local harness=$1 scratch log status
  scratch=$(mktemp -d)
  log=$scratch/log
  mkdir -p "$scratch/corpus" "Fuzz/.build/artifacts/$harness"
  set +e
  # shellcheck disable=SC2046
  "$bin/$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="Fuzz/.build/artifacts/$harness/" $(extra_options "$harness") \
    "$scratch/corpus" "Fuzz/Corpus/$harness" >"$log" 2>&1
  status=$?
  set -e
  local executions coverage
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
  printf '%-24s executions %s, %s, %s new corpus entries\n' "$harness" "${executions:-?}" "${coverage:-cov: ?}" \
    "$(ls "$scratch/corpus" | wc -l)"
  if [[ $status -ne 0 ]]; then
    grep -E "ERROR|SUMMARY|Fatal error|Test unit written|==[0-9]+==" "$log" | head -20 >&2
    echo "$harness: libFuzzer exited with status $status (input kept in Fuzz/.build/artifacts/$harness/)" >&2
  fi
  rm -rf "$scratch"
  return $status
}

if [[ $name == all ]]; then
  # One product at a time: a plain `swift build` would also build the root
  # package's command-line tools, which no harness needs.
  started=$SECONDS
  for h in $(harnesses); do build --product "$h"; done
  echo "built the harnesses in $((SECONDS - started)) s"
  failed=()
  for h in $(harnesses); do run "$h" || failed+=("$h"); done
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: findings in ${failed[*]}" >&2
    exit 1
  fi
else
  harnesses | grep -qx "$name" || { echo "fuzz.sh: no harness $name; harnesses:" >&2; harnesses >&2; exit 2; }
  build --product "$name"
  run "$name"
fi
