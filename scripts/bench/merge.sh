#!/bin/sh
# Merge benchmark: `abmsync merge-driver` against `git merge-file` on the same accounts.yaml merges.
#
#   scripts/bench/merge.sh [SIZES...]        default sizes: 1000 10000 50000
#
# For each size: an accounts.yaml with that many accounts (scripts/bench/merge_case.py generate), then
# 90 field edits + 10 new accounts appended on each side, to different accounts. Both tools merge the
# same three files REPS times (default 7; medians reported); abmsync's result is checked for all 200
# edits (merge_case.py check). Results go to BENCHMARKS.md, section "merge" (replaced on each run).
# ABMSYNC_BIN=path uses an existing binary instead of building the release one.
set -eu
cd "$(dirname "$0")/../.."
SIZES=${*:-1000 10000 50000}
REPS=${REPS:-7}
OUT=bench-out/merge
if [ -z "${ABMSYNC_BIN:-}" ]; then
    swift build -c release --product abmsync >/dev/null
    ABMSYNC_BIN=$(swift build -c release --show-bin-path)/abmsync
fi
mkdir -p "$OUT"
rows=""
for n in $SIZES; do
    dir="$OUT/$n"
    python3 scripts/bench/merge_case.py generate "$n" "$dir"
    line=$(python3 scripts/bench/merge_case.py time "$dir" "$ABMSYNC_BIN" "$REPS")
    if check=$(python3 scripts/bench/merge_case.py check "$dir" "$dir/abmsync-merged.yaml"); then ok=yes; else ok=no; fi
    echo "$line	$ok	$check" | awk -F'\t' '{ printf "%6d accounts: abmsync %8.1f ms (exit %s, correct: %s) | git merge-file %6.1f ms (%s conflict hunks)\n", $1, $2, $4, $9, $5, $8 }'
    [ "$ok" = yes ] || echo "  $check"
    rows="$rows$line	$ok
"
done

# Rewrite the "merge" section of BENCHMARKS.md, leaving every other section as it is.
section=$(printf '%s' "$rows" | awk -F'\t' -v reps="$REPS" -v cpu="$(nproc) cores, $(uname -m)" -v sizes="$SIZES" '
BEGIN {
    print "## merge"
    print ""
    print "`abmsync merge-driver BASE OURS THEIRS accounts.yaml` (release build) against `git merge-file -p OURS BASE THEIRS`"
    print "on the same three files. Each side makes 90 field edits (stage, acv, reviewed) to accounts the other"
    print "side leaves alone and appends 10 new accounts at the end of the list: 200 edits in all. Times are"
    print "medians of " reps " runs of the whole process (start-up, read, merge, write), on " cpu "."
    print "\"Correct\" means the merged file holds all 200 edits, every untouched value, and no conflict marker"
    print "(scripts/bench/merge_case.py check)."
    print ""
    print "Command: `scripts/bench/merge.sh " sizes "` (REPS=" reps ")"
    print ""
    print "| accounts | abmsync median (min) | abmsync result | git merge-file median (min) | git result |"
    print "| ---: | ---: | --- | ---: | --- |"
}
NF >= 9 {
    abm = ($4 == 0 && $9 == "yes") ? "clean, all 200 edits" : ("exit " $4 ", correct: " $9)
    gitres = ($8 == 0) ? "clean" : ($8 " conflict hunk" ($8 == 1 ? "" : "s"))
    printf "| %d | %.0f ms (%.0f) | %s | %.1f ms (%.1f) | %s |\n", $1, $2, $3, abm, $5, $6, gitres
}')
python3 - "$section" <<'PY'
import os, re, sys
section = sys.argv[1].rstrip("\n") + "\n"
path = "BENCHMARKS.md"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
pattern = re.compile(r"^## merge\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
echo "wrote the merge section of BENCHMARKS.md"
