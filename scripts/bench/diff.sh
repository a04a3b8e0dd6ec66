#!/usr/bin/env bash
# Benchmarks `abmsync diff` (issue 14): a generated repository of 10,000 accounts with their plans, and
# one commit on top changing 100 accounts (40 ACV changes and 10 tier moves in accounts.yaml, 40 plans
# with a task ticked and a line edited, 10 accounts added). Times `abmsync diff HEAD~1..HEAD` (text and
# markdown; the findings the change introduces included: both commits validated through the parse
# cache) next to `git diff --stat HEAD~1 HEAD` on the same commits. Target: < 200 ms.
#
# usage: scripts/bench/diff.sh [ACCOUNTS]     (default: 10000)
# needs: python3, git, hyperfine (apt-get install -y hyperfine)
# env:   BENCH_DIR (default /tmp/abmsync-bench-diff), RUNS (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/common.sh
n=${1:-10000}
bench=${BENCH_DIR:-/tmp/abmsync-bench-diff}
runs=${RUNS:-10}
mkdir -p "$bench"

release_abmsync

dir=$bench/repo-$n
if [ ! -d "$dir/.git" ]; then
    generate_repository "$dir" "$n"
    python3 - "$dir" <<'PY'
import re, sys
root = sys.argv[1]
path = f"{root}/accounts.yaml"
text = open(path).read()
ids = re.findall(r"^  (account-\d+):$", text, flags=re.M)
tier3 = [a for a in ids if re.search(rf"^  {a}:\n(?:    .*\n)*?    tier: 3\n", text, flags=re.M)][:1000]
# 40 ACV changes and 10 tier 3 -> 2 moves, spread over the list.
for k, account in enumerate(tier3[100:600:10]):
    if k < 40:
        text = re.sub(rf"(^  {account}:\n(?:    .*\n)*?    acv: )\d+", rf"\g<1>{70000 + k * 1000}", text, count=1, flags=re.M)
    else:
        text = re.sub(rf"(^  {account}:\n(?:    .*\n)*?    tier: )3", r"\g<1>2", text, count=1, flags=re.M)
# 10 accounts added at the end.
text += "".join(f"  new-account-{k}:\n    name: New Account {k}\n    domain: new{k}.example.com\n    tier: 3\n"
                f"    program: program-000\n    acv: 15000\n    stage: target\n    tier_since: 2026-11-01\n"
                f"    reviewed: 2026-11-01\n" for k in range(10))
open(path, "w").write(text)
# 40 plans: a task ticked and the summary edited.
for account in ids[2000:6000:100]:
    plan = f"{root}/accounts/{account}.md"
    body = open(plan).read()
    body = body.replace("- [ ] Executive briefing", "- [x] Executive briefing", 1)
    body = body.replace("Generated plan for benchmarks.", "Generated plan for benchmarks, reviewed in November.", 1)
    open(plan, "w").write(body)
PY
    git -C "$dir" add -A
    git -C "$dir" -c user.name=vp -c user.email=val@example.com commit -q -m "100 accounts changed"
fi
describe_machine
echo "== diff HEAD~1..HEAD on $n accounts ($(git -C "$dir" ls-files | wc -l) files)"
"$bin" diff -C "$dir" HEAD~1..HEAD | head -1
git -C "$dir" diff --stat HEAD~1 HEAD | tail -1
hyperfine -N -i -w 2 -r "$runs" --export-json "$bench/diff-$n.json" \
    "$bin diff -C $dir HEAD~1..HEAD" \
    "$bin diff -C $dir HEAD~1..HEAD --format markdown" \
    "$bin diff -C $dir HEAD~1..HEAD --no-findings" \
    "$bin validate -C $dir --rev HEAD" \
    "git -C $dir diff --stat HEAD~1 HEAD" | grep -E "Time|Range|±|^Benchmark"
/usr/bin/time -f "peak RSS: %M KB" "$bin" diff -C "$dir" HEAD~1..HEAD 2>&1 >/dev/null | tail -1
