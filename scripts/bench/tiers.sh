#!/usr/bin/env bash
# Benchmarks `abmsync tiers score --all` on generated plan repositories (default 10,000 and 50,000
# accounts, with the optional scoring inputs: generate.py --signals): with no parse records in
# .git/abmsync (a fresh clone), after `abmsync validate` left them (as the pre-commit hook does), as
# JSON and CSV, and with ABMSYNC_NO_CACHE=1 (every file parsed). `abmsync validate` on the same
# repository, cold and warm, is timed next to it: the command a team runs on every commit, and the
# nearest thing to compare (the issue names no other tool).
#
# usage: scripts/bench/tiers.sh [SIZES...]     (default: 10000 50000)
# needs: python3, git, hyperfine (apt-get install -y hyperfine), GNU time (/usr/bin/time)
# env:   BENCH_DIR (default /tmp/abmsync-bench-tiers), RUNS (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/common.sh
sizes=("${@:-10000 50000}")
read -r -a sizes <<<"${sizes[*]}"
bench=${BENCH_DIR:-/tmp/abmsync-bench-tiers}
runs=${RUNS:-10}
mkdir -p "$bench"

release_abmsync

describe_machine
for n in "${sizes[@]}"; do
    dir=$bench/repo-$n
    if [ ! -d "$dir/.git" ]; then
        generate_repository "$dir" "$n" --signals
    fi
    git -C "$dir" reset -q --hard
    echo
    echo "== $n accounts ($(git -C "$dir" ls-files | wc -l) files)"
    "$bin" tiers score -C "$dir" | tail -1
    sleep 2.5 # files written less than 2 s ago are always read again
    echo "no parse records (cold):"
    hyperfine -N -r "$runs" --prepare "rm -f $dir/.git/abmsync/tree-cache-v1" --export-json "$bench/tiers-cold-$n.json" \
        "$bin tiers score --all -C $dir" "$bin validate -C $dir" | grep -E "Time|Range|tiers score|validate"
    "$bin" validate -C "$dir" >/dev/null || true
    echo "after validate (parse records reused):"
    hyperfine -N -w 2 -r "$runs" --export-json "$bench/tiers-warm-$n.json" \
        "$bin tiers score --all -C $dir" "$bin tiers score --all --format json -C $dir" \
        "$bin tiers score --all --format csv -C $dir" "$bin tiers score -C $dir" "$bin validate -C $dir" \
        | grep -E "Time|Range|tiers score|validate"
    /usr/bin/time -f "peak RSS (after validate): %M KB" "$bin" tiers score --all -C "$dir" 2>&1 >/dev/null | tail -1
    echo "ABMSYNC_NO_CACHE=1 (every file parsed):"
    ABMSYNC_NO_CACHE=1 hyperfine -N -r "$runs" "$bin tiers score --all -C $dir" | grep -E "Time|Range"
done
