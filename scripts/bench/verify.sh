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
. scripts/bench/common.sh
n=${1:-10000}
commits=${2:-100}
bench=${BENCH_DIR:-/tmp/abmsync-bench-verify}
runs=${RUNS:-5}
mkdir -p "$bench"

release_abmsync

dir=$bench/repo-$n-$commits
if [ ! -d "$dir/.git" ]; then
    generate_repository "$dir" "$n"
    python3 scripts/bench/owned_history.py "$dir" "$commits"
fi
describe_machine
echo "== verify HEAD~$commits..HEAD on $n accounts ($(git -C "$dir" ls-files | wc -l) files)"
"$bin" verify -C "$dir" "HEAD~$commits..HEAD" | tail -1
hyperfine -N -w 1 -r "$runs" --export-json "$bench/verify-$n-$commits.json" "$bin verify -C $dir HEAD~$commits..HEAD" |
    grep -E "Time|Range"
/usr/bin/time -f "peak RSS: %M KB" "$bin" verify -C "$dir" "HEAD~$commits..HEAD" 2>&1 >/dev/null | tail -1
