#!/usr/bin/env python3
"""Makes one side's edits for the sync benchmark: `count` edits to accounts and plans that the other
side does not touch (side 0 takes even accounts, side 1 odd ones), 10 of them new accounts appended
at the end of accounts.yaml.

usage: sync_edits.py REPO SIDE COUNT
"""
import re
import sys

repo, side, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
path = f"{repo}/accounts.yaml"
text = open(path).read()
field_edits = (count - 10) // 2
plan_edits = count - 10 - field_edits
# Field edits: the stage of tier 3 accounts well inside the list.
ids = re.findall(r"^  (account-\d+):$", text, flags=re.M)
targets = [a for a in ids[2000:] if int(a.split("-")[1]) % 2 == side][: field_edits + plan_edits]
for account in targets[:field_edits]:
    text = re.sub(rf"(^  {account}:\n(?:    .*\n)*?    stage: )\w+", rf"\g<1>engaged", text, count=1, flags=re.M)
for i in range(10):
    name = f"new-{side}-{i}"
    text += f"  {name}:\n    name: New {side} {i}\n    tier: 3\n    program: program-000\n    acv: 15000\n    stage: target\n    tier_since: 2026-06-01\n    reviewed: 2026-10-01\n"
open(path, "w").write(text)
for account in targets[field_edits:]:
    plan = f"{repo}/accounts/{account}.md"
    body = open(plan).read().replace("- [ ] Executive briefing", "- [x] Executive briefing")
    open(plan, "w").write(body)
