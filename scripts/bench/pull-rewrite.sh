#!/usr/bin/env bash
# Pull benchmark, the price of crash safety: a teammate's commit rewrites K plan files (K = 1, 100,
# 1,000) of a generated repository with N accounts; times `abmsync pull` (each file written through a
# temporary file, fsync, rename, folder fsync, under the checkout journal) against `git pull` on
# identical copies of the same clone, in the same run. Results in BENCHMARKS.md ("pull rewrite").
#
# usage: scripts/bench/pull-rewrite.sh [N=2000] [K...=1 100 1000]; REPS=3; ABMSYNC=path (default: a
# release build made first)
set -euo pipefail
N=${1:-2000}; [ $# -gt 0 ] && shift
COUNTS=("${@:-1 100 1000}"); COUNTS=(${COUNTS[*]})
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/abmsync-pullbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "${ABMSYNC:-}" ]; then (cd "$root" && swift build -c release --product abmsync >/dev/null); ABMSYNC="$root/.build/release/abmsync"; fi
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" ABMSYNC_TODAY=2026-11-22
mkdir -p "$HOME"
git config --global user.name "Val Park"; git config --global user.email val@example.com  # admin: may edit any plan
git config --global init.defaultBranch main; git config --global pull.rebase false; git config --global gc.auto 0
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }
median() { python3 -c 'import sys,statistics; print(int(statistics.median(map(int, sys.argv[1:]))))' "$@"; }

python3 "$here/generate.py" "$N" "$work/seed" >/dev/null
(cd "$work/seed" && git init -q && git add -A && git commit -qm seed)
git clone -q --bare "$work/seed" "$work/shared.git"
"$ABMSYNC" clone "$work/shared.git" "$work/base" >/dev/null
echo "N=$N accounts, REPS=$REPS, $(nproc) cores, $("$ABMSYNC" --version 2>/dev/null || echo abmsync)"
for k in "${COUNTS[@]}"; do
  git_times=(); abm_times=()
  for rep in $(seq "$REPS"); do
    rm -rf "$work/git" "$work/abm" "$work/edit"
    cp -a "$work/base" "$work/git"; cp -a "$work/base" "$work/abm"
    git clone -q "$work/shared.git" "$work/edit"
    (cd "$work/edit" && ls accounts/*.md | head -n "$k" | while read -r f; do printf '\nRewritten in round %s.\n' "$rep" >> "$f"; done \
      && git commit -qam "rewrite $k plans" --no-verify && git push -q origin main)
    t0=$(ms); (cd "$work/git" && git pull -q --no-edit >/dev/null); t1=$(ms)
    (cd "$work/abm" && "$ABMSYNC" pull --quiet >/dev/null); t2=$(ms)
    git_times+=($((t1 - t0))); abm_times+=($((t2 - t1)))
    [ "$(cd "$work/abm" && git rev-parse HEAD)" = "$(cd "$work/git" && git rev-parse HEAD)" ] || { echo "abmsync pull did not fast-forward" >&2; exit 1; }
    (cd "$work/base" && git pull -q --no-edit >/dev/null)  # the next round starts from this tip
  done
  echo "rewrite $k plan files: git pull $(median "${git_times[@]}") ms, abmsync pull $(median "${abm_times[@]}") ms (median of $REPS)"
done
