#!/bin/sh
# Kill trials (issue 10): abmsync pull killed with SIGKILL at random instants inside the accounts.yaml
# rewrite at 10,000 accounts, each followed by a plain abmsync sync that must keep every edit of both
# teammates and report nothing removed. The test suite runs 3 of these (CrashSafetyTests).
#
# usage: scripts/trials/kill-during-pull.sh [TRIALS=20] [ACCOUNTS=10000] [WINDOW_MS=40]
#   TRIAL_SEED=N picks the random instants (default 1). Build first: swift build
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${ABMSYNC:-$root/.build/debug/abmsync}
[ -x "$binary" ] || { echo "build abmsync first (swift build), or set ABMSYNC=path/to/abmsync" >&2; exit 2; }
exec python3 "$here/kill-during-pull.py" "$binary" "${1:-20}" "${2:-10000}" "${3:-40}"
