#!/usr/bin/env bash
# Benchmarks `abmsync verify` (issue 13): 100 commits on a generated repository of 10,000 accounts
# with their plans, each commit made by the person who owns the change (owned_history.py), so the
# range must verify clean (exit 0). Target: < 2 s.
#
# usage: scripts/bench/verify.sh [ACCOUNTS] [COMMITS]     (default: 10000 100)
# needs: python3, git, hyperfine (apt-get install -y hyperfine)
# env:   BENCH_DIR (default /tmp/abmsync-bench-verify), RUNS (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
n=${1:-10000}
commits=${2:-100}
bench=${BENCH_DIR:-/tmp/abmsync-bench-verify}
runs=${RUNS:-5}
mkdir -p "$bench"

swift build -c release --product abmsync >/dev/null
bin=$repo/.build/release/abmsync

dir=$bench/repo-$n-$commits
if [ ! -d "$dir/.git" ]; then
    rm -rf "$dir"
    python3 scripts/bench/generate.py "$n" "$dir"
    git -C "$dir" init -q -b main
    git -C "$dir" add -A
    git -C "$dir" -c user.name=vp -c user.email=val@example.com commit -q -m "generated $n accounts"
    python3 scripts/bench/owned_history.py "$dir" "$commits"
fi
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "abmsync $(git -C "$repo" rev-parse --short HEAD), $(swift --version 2>&1 | head -1)"
echo "== verify HEAD~$commits..HEAD on $n accounts ($(git -C "$dir" ls-files | wc -l) files)"
"$bin" verify -C "$dir" "HEAD~$commits..HEAD" | tail -1
hyperfine -N -w 1 -r "$runs" --export-json "$bench/verify-$n-$commits.json" "$bin verify -C $dir HEAD~$commits..HEAD" |
    grep -E "Time|Range"
/usr/bin/time -f "peak RSS: %M KB" "$bin" verify -C "$dir" "HEAD~$commits..HEAD" 2>&1 >/dev/null | tail -1
