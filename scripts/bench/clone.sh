#!/usr/bin/env bash
# Clone benchmark: a generated plan repository (N accounts, each with a plan) with COMMITS commits of
# history (scripts/bench/history.py), shared as a bare repository on this machine. Times wall clock
# and peak RSS (GNU time) of `abmsync clone PATH`, `abmsync clone file://PATH` and
# `git clone file://PATH` in the same run, alternating the order every rep; then a pull of one
# teammate commit and a push of one edit over a path and over file://, and the first push of the whole
# history to an empty remote. Results go to BENCHMARKS.md ("clone" section).
#
# usage: scripts/bench/clone.sh [N]      (default 10000)
# env:   REPS (default 5), COMMITS (default 100), LAYOUTS (default "packed loose": the shared
#        repository as git leaves it after pushes and gc, or as `git clone --bare` of a folder leaves
#        it: one loose file per object), BASELINE=path/to/an/older/abmsync (timed alongside as "before")
set -euo pipefail
N=${1:-10000}
REPS=${REPS:-5}
COMMITS=${COMMITS:-100}
read -r -a layouts <<<"${LAYOUTS:-packed loose}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/abmsync-clonebench.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$root" && swift build -c release --product abmsync >/dev/null)
ABMSYNC="$root/.build/release/abmsync"
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" ABMSYNC_TODAY=2026-11-22
mkdir -p "$HOME"
git config --global user.name "AE 0"; git config --global user.email ae0@example.com
git config --global init.defaultBranch main; git config --global pull.rebase false; git config --global gc.auto 0

python3 "$here/generate.py" "$N" "$work/seed" >/dev/null
(cd "$work/seed" && git init -q && git add -A && git commit -qm seed)
python3 "$here/history.py" "$work/seed" "$((COMMITS - 1))"
git clone -q --bare --no-local "$work/seed" "$work/packed.git"   # one pack, as after pushes and gc
git clone -q --bare "$work/seed" "$work/loose.git"               # loose objects, linked from the seed

# Runs a command under GNU time; appends "ms KB" to the file named by $1.
measure() {
  local out=$1; shift
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; echo "failed: $*" >&2; exit 1; }
  python3 -c 'import sys; e, m = open(sys.argv[1]).read().split()[-2:]; print(int(float(e) * 1000), m)' "$work/time.txt" >>"$out"
}
check_clone() {  # a correct, independent repository whose origin is the URL given
  local dir=$1 url=$2 shared=$3
  git -C "$dir" fsck --strict --no-progress >/dev/null
  [ "$(git -C "$dir" config remote.origin.url)" = "$url" ] || { echo "origin of $dir is not $url" >&2; exit 1; }
  [ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] || { echo "$dir has changed files after the clone" >&2; exit 1; }
  [ "$(git -C "$dir" rev-list --count HEAD)" = "$COMMITS" ] || { echo "$dir lacks history" >&2; exit 1; }
  if [ "$(find "$dir/.git/objects" -type f -links +1 | head -1)" != "" ]; then echo "$dir shares object files with $shared" >&2; exit 1; fi
}

tools=("git clone file://" "abmsync clone PATH" "abmsync clone file://")
[ -n "${BASELINE:-}" ] && tools+=("before: abmsync clone PATH" "before: abmsync clone file://")
for layout in "${layouts[@]}"; do
  shared="$work/$layout.git"
  for rep in $(seq "$REPS"); do
    # Alternate the order: each tool goes first in some reps.
    count=${#tools[@]}
    for k in $(seq 0 $((count - 1))); do
      tool=${tools[$(((k + rep) % count))]}
      dest="$work/c-$layout-$rep-$k"
      key=$(echo "$layout $tool" | tr -c 'a-zA-Z0-9\n' '_')
      case $tool in
        "git clone file://") measure "$work/$key" git clone -q "file://$shared" "$dest"; url="file://$shared" ;;
        "abmsync clone PATH") measure "$work/$key" "$ABMSYNC" clone --quiet "$shared" "$dest"; url="$shared" ;;
        "abmsync clone file://") measure "$work/$key" "$ABMSYNC" clone --quiet "file://$shared" "$dest"; url="file://$shared" ;;
        "before: abmsync clone PATH") measure "$work/$key" "$BASELINE" clone --quiet "$shared" "$dest"; url="" ;;
        "before: abmsync clone file://") measure "$work/$key" "$BASELINE" clone --quiet "file://$shared" "$dest"; url="" ;;
      esac
      [ -n "$url" ] && check_clone "$dest" "$url" "$shared"
      rm -rf "$dest"
    done
  done
done

# Pull one teammate commit (5 stage moves, 5 plan edits) and push one edit, over a path and over file://.
sync_tools=("git" "abmsync PATH" "abmsync file://")
for rep in $(seq "$REPS"); do
  r="$work/sync-$rep"; mkdir -p "$r"
  git clone -q --bare "$work/packed.git" "$r/shared.git"
  git clone -q "$r/shared.git" "$r/teammate"
  git clone -q "file://$r/shared.git" "$r/git"
  "$ABMSYNC" clone --quiet "$r/shared.git" "$r/abm-path" >/dev/null
  "$ABMSYNC" clone --quiet "file://$r/shared.git" "$r/abm-file" >/dev/null
  python3 "$here/history.py" "$r/teammate" 1 >/dev/null
  git -C "$r/teammate" push -q
  for k in 0 1 2; do
    tool=${sync_tools[$(((k + rep) % 3))]}
    key=$(echo "pull $tool" | tr -c 'a-zA-Z0-9\n' '_')
    case $tool in
      git) measure "$work/$key" git -C "$r/git" pull -q --no-edit ;;
      "abmsync PATH") measure "$work/$key" "$ABMSYNC" pull --quiet -C "$r/abm-path" ;;
      "abmsync file://") measure "$work/$key" "$ABMSYNC" pull --quiet -C "$r/abm-file" ;;
    esac
  done
  for d in git abm-path abm-file; do sed -i '0,/stage: target/s//stage: engaged/' "$r/$d/accounts.yaml"; done
  git -C "$r/git" commit -qam edit
  for k in 0 1 2; do  # each push goes to its own copy of the shared repository
    tool=${sync_tools[$(((k + rep) % 3))]}
    key=$(echo "push $tool" | tr -c 'a-zA-Z0-9\n' '_')
    case $tool in
      git) git clone -q --bare "$r/shared.git" "$r/push-git.git"; git -C "$r/git" remote set-url origin "file://$r/push-git.git"
        measure "$work/$key" git -C "$r/git" push -q ;;
      "abmsync PATH") git clone -q --bare "$r/shared.git" "$r/push-path.git"; git -C "$r/abm-path" remote set-url origin "$r/push-path.git"
        measure "$work/$key" "$ABMSYNC" push --quiet -C "$r/abm-path" ;;
      "abmsync file://") git clone -q --bare "$r/shared.git" "$r/push-file.git"; git -C "$r/abm-file" remote set-url origin "file://$r/push-file.git"
        measure "$work/$key" "$ABMSYNC" push --quiet -C "$r/abm-file" ;;
    esac
  done
  # The first push of the whole history to an empty remote (a team moving its plans to a new share).
  for tool in git "abmsync file://"; do
    key=$(echo "first push $tool" | tr -c 'a-zA-Z0-9\n' '_')
    empty="$r/empty-$(echo "$tool" | tr -c 'a-z\n' '_').git"; git init -q --bare "$empty"
    src="$r/git"; [ "$tool" = git ] || src="$r/abm-file"
    git -C "$src" remote set-url origin "file://$empty"
    git -C "$src" update-ref -d refs/remotes/origin/main  # else abmsync sees nothing to send
    if [ "$tool" = git ]; then measure "$work/$key" git -C "$src" push -q origin main
    else measure "$work/$key" "$ABMSYNC" push --quiet -C "$src"; fi
    [ "$(git --git-dir "$empty" rev-list --count main)" -ge "$COMMITS" ] || { echo "first push by $tool sent no history" >&2; exit 1; }
  done
  rm -rf "$r"
done

stat() {  # median ms, median KB, max KB of the measurement file
  python3 - "$work/$(echo "$1" | tr -c 'a-zA-Z0-9\n' '_')" <<'PY'
import statistics, sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
ms = [r[0] for r in rows]; kb = [r[1] for r in rows]
print(f"{int(statistics.median(ms))} ms ({min(ms)}–{max(ms)}) | {statistics.median(kb) / 1024:.0f} MB (max {max(kb) / 1024:.0f})")
PY
}
ratio() {
  python3 - "$work/$(echo "$1" | tr -c 'a-zA-Z0-9\n' '_')" "$work/$(echo "$2" | tr -c 'a-zA-Z0-9\n' '_')" <<'PY'
import statistics, sys
med = lambda p: statistics.median(int(l.split()[0]) for l in open(p))
print(f"{med(sys.argv[1]) / med(sys.argv[2]):.2f}x")
PY
}
table=$(
  echo "| shared repository | command | wall, median (min–max) | peak RSS, median (max) | vs git clone |"
  echo "| --- | --- | ---: | ---: | ---: |"
  for layout in "${layouts[@]}"; do
    for tool in "${tools[@]}"; do
      echo "| $layout | \`$tool\` | $(stat "$layout $tool") | $(ratio "$layout $tool" "$layout git clone file://") |"
    done
  done
)
sync_table=$(
  echo "| operation | command | wall, median (min–max) | peak RSS, median (max) |"
  echo "| --- | --- | ---: | ---: |"
  for op in pull push; do
    for tool in "${sync_tools[@]}"; do echo "| $op | \`$tool\` | $(stat "$op $tool") |"; done
  done
  for tool in git "abmsync file://"; do echo "| first push of the history | \`$tool\` | $(stat "first push $tool") |"; done
)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$table"; echo; echo "$sync_table"; echo "load average at the end: $load"
section=$(cat <<MD
## clone

Command: \`scripts/bench/clone.sh $N\` (REPS=$REPS, medians; the order of the commands changes every rep),
release build of $(git -C "$root" rev-parse --short HEAD), git $(git --version | cut -d' ' -f3), $N accounts + $N plans
with $COMMITS commits of history, the shared repository a bare one on the same disk; wall clock and peak RSS from
GNU time, \`sync\` before every run. Every clone is checked: \`git fsck --strict\`, origin is the URL given, no changed
tracked file, all $COMMITS commits, and no object file shared (hard-linked) with the shared repository.
Load average at the end: $load (2 cores shared with other builds: compare within a run).

$table

Pull of one teammate commit (5 stage moves, 5 plan edits) and push of one edit (abmsync validates the whole
repository before it pushes), each over a path and over file://, and the first push of the whole history
to an empty remote:

$sync_table
MD
)
python3 - "$root/BENCHMARKS.md" "$section" <<'PY'
import sys, re
path, section = sys.argv[1], sys.argv[2]
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pattern = re.compile(r"^## clone\n.*?(?=^## |\Z)", re.M | re.S)
text = pattern.sub(section + "\n\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
