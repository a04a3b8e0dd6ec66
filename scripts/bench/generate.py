#!/usr/bin/env python3
"""Generates a plan repository with N accounts for benchmarks: 1% tier 1 (with full plans),
9% tier 2 in clusters of 10 (with cluster plans), 90% tier 3 in programmes of 500.
Every account also gets an account plan, so "N accounts with their plans" holds N plan files.

usage: generate.py N DIR [--signals]

--signals also gives accounts the optional scoring inputs (cycle_months, intent, a few strategic: true)
for `abmsync tiers score` (scripts/bench/tiers.sh); without it the output is as before.
"""
import os
import random
import sys

n = int(sys.argv[1])
root = sys.argv[2]
signals = "--signals" in sys.argv[3:]
rng = random.Random(42)
signal_rng = random.Random(7)  # separate, so --signals leaves every other generated value as it was
os.makedirs(root, exist_ok=True)
for d in ("accounts", "clusters", "programs"):
    os.makedirs(os.path.join(root, d), exist_ok=True)

here = os.path.dirname(os.path.abspath(__file__))
templates = os.path.join(here, "..", "..", "templates")
policy = open(os.path.join(templates, "abmsync.yaml")).read()
# Capacities scaled to the repository size so a clean repository validates cleanly.
policy = policy.replace("max_accounts: 20", f"max_accounts: {max(20, n // 100 + 1)}")
open(os.path.join(root, "abmsync.yaml"), "w").write(policy)

tier1 = max(1, n // 100)
tier2 = (n * 9 // 100) // 10 * 10
# Enough AEs for both tiers' per-AE limits of the template policy: 4 tier 1 accounts each (limit 5)
# and 15 tier 2 accounts each (limit 15), counted separately per tier.
aes = max(tier1 // 4 + 1, (tier2 + 14) // 15, 1)
people = ["people:"]
for i in range(aes):
    people += [f"  ae{i}:", f"    name: AE {i}", f"    email: ae{i}@example.com", "    roles: [ae]"]
for i in range(aes):
    people += [f"  mk{i}:", f"    name: Marketer {i}", f"    email: mk{i}@example.com", "    roles: [marketing]"]
people += ["  vp:", "    name: Val Park", "    email: val@example.com", "    roles: [exec, admin]"]
people += ["  ops:", "    name: Ops Team", "    email: ops@example.com", "    roles: [marketing-ops]"]
open(os.path.join(root, "team.yaml"), "w").write("\n".join(people) + "\n")

lines = ["# Generated benchmark account list", "accounts:"]
clusters = set()
programs = set()
stakeholders = "\n".join(
    f"  - name: Person {k}\n    title: Title {k}\n    role: {r}\n    sentiment: neutral"
    for k, r in enumerate(["economic-buyer", "champion", "influencer", "user", "blocker", "influencer"]))
for i in range(n):
    aid = f"account-{i:06d}"
    if i < tier1:
        tier = 1
        extra = [f"    ae: ae{i // 4}", f"    marketer: mk{i // 4}", "    sponsor: vp", f"    acv: {rng.randint(100, 900) * 1000}", "    stage: evaluation"]
    elif i < tier1 + tier2:
        tier = 2
        c = f"cluster-{(i - tier1) // 10:04d}"
        clusters.add(c)
        extra = [f"    cluster: {c}", f"    ae: ae{(i - tier1) // 15}", f"    acv: {rng.randint(25, 99) * 1000}", "    stage: engaged"]
    else:
        tier = 3
        p = f"program-{(i - tier1 - tier2) // 500:03d}"
        programs.add(p)
        extra = [f"    program: {p}", f"    acv: {rng.randint(10, 50) * 1000}", "    stage: target"]
    if signals:
        extra += [f"    cycle_months: {signal_rng.randint(1, 24)}", f"    intent: {signal_rng.randint(0, 100)}"]
        if signal_rng.random() < 0.002:
            extra.append("    strategic: true")
    lines += [f"  {aid}:", f"    name: Account {i}", f"    domain: a{i}.example.com", f"    tier: {tier}"] + extra + [
        "    tier_since: 2026-06-01", "    reviewed: 2026-10-01"]
    plan = f"""---
account: {aid}
owner_notes: generated
stakeholders:
{stakeholders}
kpis:
  pipeline: {rng.randint(1, 900) * 1000}
  meetings_90d: {rng.randint(0, 12)}
---
# Account {i} — account plan

## Summary
Generated plan for benchmarks.

## Objectives
| Objective | Owner | Due | Status |
| --- | --- | --- | --- |
| Map the buying group | ae | 2026-12-31 | open |

## Buying Group
See stakeholders.

## Plays
- [ ] Executive briefing
- [x] ROI model

## Sales Actions
- [ ] Discovery call

## KPIs
Pipeline and meetings.

## Review Log
- 2026-10-01 reviewed
"""
    open(os.path.join(root, "accounts", aid + ".md"), "w").write(plan)
open(os.path.join(root, "accounts.yaml"), "w").write("\n".join(lines) + "\n")
for c in sorted(clusters):
    open(os.path.join(root, "clusters", c + ".md"), "w").write(f"---\ncluster: {c}\nname: {c}\nfocus: generated\n---\n# {c}\n\n## Summary\nx\n")
for p in sorted(programs):
    open(os.path.join(root, "programs", p + ".md"), "w").write(
        f"---\nprogram: {p}\nname: {p}\nowner: ops\nintent: generated\nhandoff_threshold:\n  engagement_score: 50\n  window_days: 30\n---\n# {p}\n\n## Summary\nx\n")
