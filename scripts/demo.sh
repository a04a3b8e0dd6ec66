#!/usr/bin/env bash
# The main job, end to end, in a temporary folder: create a plan repository, add accounts of every
# tier, a cluster and a programme, break a rule on purpose, and let abmsync validate explain it.
set -euo pipefail
ABMSYNC="${ABMSYNC:-$(cd "$(dirname "$0")/.." && swift build --show-bin-path)/abmsync}"
if "$ABMSYNC" --help 2>/dev/null | grep -qE "^ +demo "; then exec "$ABMSYNC" demo "$@"; fi
work=$(mktemp -d "${TMPDIR:-/tmp}/abmsync-demo.XXXXXX")
export ABMSYNC_TODAY=${ABMSYNC_TODAY:-$(date +%F)}
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@" || echo "(exit $?)"; }
cd "$work"
run "$ABMSYNC" init plans
cd plans
run "$ABMSYNC" new account acme-corp --name "Acme Corp" --tier 1 --ae jane --marketer sam --sponsor vp --acv 450000 --domain acme.com
run "$ABMSYNC" new cluster fintech-emea --name "Fintech EMEA" --owner sam
run "$ABMSYNC" new account globex --name Globex --tier 2 --cluster fintech-emea --ae jane --acv 60000
run "$ABMSYNC" new programme mid-market-na --name "Mid-market NA" --owner ops
run "$ABMSYNC" new account initech --name Initech --tier 3 --program mid-market-na --acv 18000
say "a teammate types a field by hand for Globex and misspells it: 'stgae: engaged'"
sed -i '/^    acv: 60000$/a\    stgae: engaged' accounts.yaml
run "$ABMSYNC" validate
echo
echo "The demo repository is in $work/plans"
