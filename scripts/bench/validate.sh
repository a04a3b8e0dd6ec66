#!/usr/bin/env bash
# Benchmarks `abmsync validate` on generated plan repositories of 1k, 10k and 50k accounts:
# full validation of the working tree, `--staged` after a one-account change, peak memory, and
# the naive alternative a team would script (yamllint + check-jsonschema) on the same files.
#
# usage: scripts/bench/validate.sh [SIZES...]     (default: 1000 10000 50000)
# needs: python3, git, hyperfine (apt-get install -y hyperfine), GNU time (/usr/bin/time)
# env:   SKIP_NAIVE=1 skips the naive comparison; BENCH_DIR (default /tmp/abmsync-bench), RUNS (default 10), NAIVE_RUNS (default 3),
#        VENV (default /tmp/abmsync-bench-venv)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/common.sh
repo=$(pwd)
sizes=("${@:-1000 10000 50000}")
read -r -a sizes <<<"${sizes[*]}"
bench=${BENCH_DIR:-/tmp/abmsync-bench}
runs=${RUNS:-10}
venv=${VENV:-/tmp/abmsync-bench-venv}
mkdir -p "$bench"

release_abmsync
# The --staged runs judge the staged change for its committer (issue 13): Val Park, the generated
# team's admin, may make every edit below, so what is timed is the validation (the judging of an
# owner's own change is scripts/bench/precommit.sh).
export GIT_AUTHOR_EMAIL=val@example.com

if [ ! -x "$venv/bin/yamllint" ] || [ ! -x "$venv/bin/check-jsonschema" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q check-jsonschema yamllint
fi

describe_machine
for n in "${sizes[@]}"; do
    dir=$bench/repo-$n
    if [ ! -d "$dir/.git" ]; then
        generate_repository "$dir" "$n"
    fi
    git -C "$dir" reset -q --hard
    files=$(git -C "$dir" ls-files | wc -l)
    echo
    echo "== $n accounts ($files files, $(du -sh --exclude=.git "$dir" | cut -f1))"
    "$bin" validate -C "$dir" | grep -v '^$' | tail -1

    # Full validation with no parse records yet (a fresh clone, or the first run after an upgrade),
    # then as it runs every other time: files whose stat data is unchanged are not read again.
    hyperfine -N -r "$runs" --prepare "rm -f $dir/.git/abmsync/tree-cache-v1" --export-json "$bench/full-cold-$n.json" \
        "$bin validate -C $dir" | grep -E "Time|Range"
    rm -f "$dir/.git/abmsync/tree-cache-v1"
    /usr/bin/time -f "peak RSS (cold): %M KB" "$bin" validate -C "$dir" 2>&1 >/dev/null | tail -1
    sleep 2.5 # files written by the generator less than 2 s ago are always read
    echo "warm (parse records of unchanged files reused):"
    hyperfine -N -w 2 -r "$runs" --export-json "$bench/full-$n.json" "$bin validate -C $dir" | grep -E "Time|Range"
    /usr/bin/time -f "peak RSS (warm): %M KB" "$bin" validate -C "$dir" 2>&1 >/dev/null | tail -1

    # --staged after a one-plan change: before every timed run one plan gets new content and is
    # staged, so each run meets a blob it has not seen (the parse cache in .git/abmsync is warm from
    # the previous run, as it is for someone committing one edit after another).
    edit=$bench/edit-one-plan.sh
    printf '%s\n' '#!/bin/sh' \
        'sed -i "s/^owner_notes: .*/owner_notes: edited $(date +%s%N)/" "$1/accounts/account-000000.md"' \
        'git -C "$1" add accounts/account-000000.md' >"$edit"
    chmod +x "$edit"
    rm -rf "$dir/.git/abmsync"
    cold=$( { /usr/bin/time -f %e "$bin" validate --staged -C "$dir" >/dev/null; } 2>&1 | tail -1)
    echo "--staged with no cache yet (parses everything, writes the cache): ${cold} s"
    hyperfine -N -w 2 -r "$runs" --prepare "$edit $dir" --export-json "$bench/staged-$n.json" "$bin validate --staged -C $dir" | grep -E "Time|Range"
    "$edit" "$dir"
    /usr/bin/time -f "peak RSS (--staged): %M KB" "$bin" validate --staged -C "$dir" 2>&1 >/dev/null | tail -1

    # --staged after a one-account change in the account list: accounts.yaml is a new blob, so it is
    # parsed again and the cross-file rules run again.
    account_edit=$bench/edit-one-account.sh
    printf '%s\n' '#!/bin/sh' "python3 $repo/scripts/bench/edit_account.py \"\$1/accounts.yaml\" account-000005 acv" \
        'git -C "$1" add accounts.yaml' >"$account_edit"
    chmod +x "$account_edit"
    echo "--staged after a one-account change in accounts.yaml:"
    hyperfine -N -w 2 -r "$runs" --prepare "$account_edit $dir" --export-json "$bench/staged-account-$n.json" "$bin validate --staged -C $dir" | grep -E "Time|Range"

    # --staged after an owner change (the AE of one tier 1 account): what the checks across accounts
    # read (capacities per AE) changed, so they run again over every account.
    owner_edit=$bench/edit-one-owner.sh
    printf '%s\n' '#!/bin/sh' "python3 $repo/scripts/bench/edit_account.py \"\$1/accounts.yaml\" account-000007 ae" \
        'git -C "$1" add accounts.yaml' >"$owner_edit"
    chmod +x "$owner_edit"
    echo "--staged after an owner change in accounts.yaml (checks across accounts run again):"
    hyperfine -N -w 2 -r "$runs" --prepare "$owner_edit $dir" --export-json "$bench/staged-owner-$n.json" "$bin validate --staged -C $dir" | grep -E "Time|Range"
    git -C "$dir" reset -q --hard

    [ -n "${SKIP_NAIVE:-}" ] && continue
    # The naive alternative: yamllint on the three YAML files + check-jsonschema on accounts.yaml.
    naive="$venv/bin/yamllint -d relaxed $dir/accounts.yaml $dir/team.yaml $dir/abmsync.yaml && $venv/bin/check-jsonschema --schemafile $repo/scripts/bench/accounts.schema.json $dir/accounts.yaml"
    hyperfine -r "${NAIVE_RUNS:-3}" --export-json "$bench/naive-$n.json" "$naive" | grep -E "Time|Range"
    python3 - "$bench/full-$n.json" "$bench/naive-$n.json" <<'PY'
import json, sys
full = json.load(open(sys.argv[1]))["results"][0]["median"]
naive = json.load(open(sys.argv[2]))["results"][0]["median"]
print(f"median: abmsync {full*1000:.0f} ms, naive {naive*1000:.0f} ms, naive/abmsync = {naive/full:.1f}x")
PY
done
