#!/usr/bin/env bash
# Benchmarks the pre-commit hook's check with permissions (issue 13): `abmsync validate --staged`
# after a one-field change in accounts.yaml of a generated repository, judged for the person
# committing (GIT_AUTHOR_EMAIL, as git passes it to its hooks). Target: < 100 ms at 10,000 accounts.
#
#   allowed: account-000005's AE (ae1) gives it a new ACV every run          -> exit 0
#   refused: an AE of other accounts (ae0) gives it a new ACV                  -> exit 1
#
# usage: scripts/bench/precommit.sh [ACCOUNTS]     (default: 10000)
# needs: python3, git, hyperfine (apt-get install -y hyperfine)
# env:   BENCH_DIR (default /tmp/abmsync-bench-precommit), RUNS (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/common.sh
repo=$(pwd)
n=${1:-10000}
bench=${BENCH_DIR:-/tmp/abmsync-bench-precommit}
runs=${RUNS:-20}
mkdir -p "$bench"

release_abmsync

dir=$bench/repo-$n
if [ ! -d "$dir/.git" ]; then
    generate_repository "$dir" "$n"
fi
git -C "$dir" reset -q --hard
edit="python3 $repo/scripts/bench/edit_account.py $dir/accounts.yaml account-000005 acv && git -C $dir add accounts.yaml"
describe_machine
"$bin" validate --staged -C "$dir" >/dev/null || true   # warm the parse records once
for who in ae1 ae0; do
    echo "== validate --staged on $n accounts, one ACV changed, committed by $who@example.com"
    sh -c "$edit"
    GIT_AUTHOR_EMAIL=$who@example.com "$bin" validate --staged -C "$dir" | tail -2 || true
    GIT_AUTHOR_EMAIL=$who@example.com hyperfine -N -i -w 3 -r "$runs" --prepare "sh -c '$edit'" \
        --export-json "$bench/precommit-$n-$who.json" "$bin validate --staged -C $dir" | grep -E "Time|Range"
done
git -C "$dir" reset -q --hard
