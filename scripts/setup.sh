#!/usr/bin/env bash
# Installs Sprig's system libraries and data with apt, only those missing.
# --test: also the test-only tools (chromium for the HTML report browser
# tests, python3).
set -euo pipefail
# Open MPI (libopenmpi-dev, openmpi-bin) for Distributed/'s sprig-mpi: the
# main package builds without it.
packages=(libgraphblas-dev libsuitesparse-dev libopenblas-dev zlib1g-dev dataset-fashion-mnist libopenmpi-dev openmpi-bin)
test_packages=(chromium python3)
for arg in "$@"; do
  case "$arg" in
    --test) packages+=("${test_packages[@]}") ;;
    -h | --help) echo "usage: $0 [--test]   (--test also installs ${test_packages[*]})"; exit 0 ;;
    *) echo "setup: unknown argument '$arg' (usage: $0 [--test])" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
