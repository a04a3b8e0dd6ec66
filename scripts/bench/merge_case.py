#!/usr/bin/env python3
"""Merge benchmark inputs and checks for scripts/bench/merge.sh.

  merge_case.py generate N DIR      writes DIR/base.yaml, DIR/ours.yaml, DIR/theirs.yaml and DIR/edits.txt:
                                    an accounts.yaml with N accounts; each side makes 90 field edits to
                                    accounts the other side leaves alone, and appends 10 new accounts.
  merge_case.py time DIR ABMSYNC REPS
                                    times `abmsync merge-driver` and `git merge-file` on the same three files,
                                    REPS runs each, and prints one line of results (medians in ms).
  merge_case.py check DIR MERGED    exit 0 when MERGED holds every edit of both sides, every base account
                                    and no conflict marker; prints what is missing otherwise.

The account list uses abmsync's format (spec: accounts.yaml); the check reads it with a small parser
for exactly this layout (two-space indentation, one `key: value` per line).
"""
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

FIELD_EDITS = 90
NEW_ACCOUNTS = 10


def account(i, rng):
    tier = 1 if i % 100 == 0 else 2 if i % 10 == 0 else 3
    lines = [f"  account-{i:06d}:", f"    name: Account {i}", f"    domain: a{i}.example.com", f"    tier: {tier}"]
    if tier == 1:
        lines += ["    ae: ae0", "    marketer: mk0", "    sponsor: vp"]
    elif tier == 2:
        lines += [f"    cluster: cluster-{i // 100:04d}", "    ae: ae0"]
    else:
        lines += [f"    program: program-{i // 500:03d}"]
    lines += [f"    acv: {rng.randint(10, 900) * 1000}", "    stage: target", "    tier_since: 2026-06-01",
              "    reviewed: 2026-10-01"]
    return lines


def parse(text):
    """accounts.yaml in the generated layout → {id: {field: value}} (None when it is not that layout)."""
    accounts = {}
    current = None
    for line in text.split("\n"):
        if not line or line.startswith("#") or line == "accounts:":
            continue
        if line.startswith("    ") and current is not None:
            key, _, value = line.strip().partition(":")
            accounts[current][key] = value.strip()
        elif line.startswith("  ") and line.endswith(":"):
            current = line.strip()[:-1]
            accounts[current] = {}
        else:
            return None
    return accounts


def generate(n, folder):
    rng = random.Random(42)
    os.makedirs(folder, exist_ok=True)
    base = ["# Generated benchmark account list", "accounts:"]
    for i in range(n):
        base += account(i, rng)
    chosen = rng.sample(range(n), 2 * FIELD_EDITS)
    sides = {"ours": chosen[:FIELD_EDITS], "theirs": chosen[FIELD_EDITS:]}
    edits = []
    texts = {}
    for side, indexes in sides.items():
        lines = list(base)
        position = {line: k for k, line in enumerate(lines) if line.startswith("  account-")}
        for number, i in enumerate(indexes):
            start = position[f"  account-{i:06d}:"]
            # Three kinds of field edit: stage, acv, review date.
            field, value = [("stage", "engaged" if side == "ours" else "opportunity"),
                            ("acv", str(1_000_000 + i)),
                            ("reviewed", "2026-11-15" if side == "ours" else "2026-11-16")][number % 3]
            for k in range(start + 1, len(lines)):
                if lines[k].startswith(f"    {field}:"):
                    lines[k] = f"    {field}: {value}"
                    break
            edits.append(f"{side} account-{i:06d} {field} {value}")
        for j in range(NEW_ACCOUNTS):
            new_id = f"new-{side}-{j:02d}"
            lines += [f"  {new_id}:", f"    name: New {side} {j}", "    tier: 3", "    program: program-000",
                      "    acv: 12000", "    stage: target"]
            edits.append(f"{side} {new_id} name New {side} {j}")
        texts[side] = lines
    for name, lines in (("base", base), ("ours", texts["ours"]), ("theirs", texts["theirs"])):
        with open(os.path.join(folder, f"{name}.yaml"), "w") as out:
            out.write("\n".join(lines) + "\n")
    with open(os.path.join(folder, "edits.txt"), "w") as out:
        out.write("\n".join(edits) + "\n")


def check(folder, merged_path):
    text = open(merged_path).read()
    problems = []
    if any(line.startswith(("<<<<<<<", ">>>>>>>", "=======")) for line in text.split("\n")):
        problems.append("conflict markers in the result")
    merged = parse(text)
    base = parse(open(os.path.join(folder, "base.yaml")).read())
    if merged is None:
        problems.append("the result is not an account list in the expected layout")
        merged = {}
    edited = set()
    count = 0
    for line in open(os.path.join(folder, "edits.txt")).read().split("\n"):
        if not line:
            continue
        side, account_id, field, value = line.split(" ", 3)
        edited.add((account_id, field))
        count += 1
        got = merged.get(account_id, {}).get(field)
        if got != value:
            problems.append(f"{side}'s edit lost: {account_id}.{field} = {got!r}, expected {value!r}")
    for account_id, fields in base.items():
        for field, value in fields.items():
            if (account_id, field) not in edited and merged.get(account_id, {}).get(field) != value:
                problems.append(f"{account_id}.{field} changed though neither side changed it")
    if len(merged) != len(base) + 2 * NEW_ACCOUNTS:
        problems.append(f"{len(merged)} accounts, expected {len(base) + 2 * NEW_ACCOUNTS}")
    for problem in problems[:10]:
        print(problem)
    if not problems:
        print(f"all {count} edits present, nothing else changed")
    return 0 if not problems else 1


def timed(command, output=None):
    start = time.perf_counter()
    result = subprocess.run(command, stdout=output or subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000, result.returncode


def time_both(folder, abmsync, reps):
    base, ours, theirs = (os.path.join(folder, f"{name}.yaml") for name in ("base", "ours", "theirs"))
    merged = os.path.join(folder, "abmsync-merged.yaml")
    git_merged = os.path.join(folder, "git-merged.yaml")
    abmsync_ms, git_ms = [], []
    abmsync_status = git_status = None
    for _ in range(reps):
        shutil.copyfile(ours, merged)
        ms, abmsync_status = timed([abmsync, "merge-driver", base, merged, theirs, "accounts.yaml"])
        abmsync_ms.append(ms)
        with open(git_merged, "w") as out:
            ms, git_status = timed(["git", "merge-file", "-p", ours, base, theirs], out)
        git_ms.append(ms)
    git_text = open(git_merged).read()
    git_conflicts = sum(1 for line in git_text.split("\n") if line.startswith("<<<<<<<"))
    accounts = len(parse(open(base).read()))
    print(f"{accounts}\t{statistics.median(abmsync_ms):.1f}\t{min(abmsync_ms):.1f}\t{abmsync_status}"
          f"\t{statistics.median(git_ms):.1f}\t{min(git_ms):.1f}\t{git_status}\t{git_conflicts}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "time":
        time_both(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        generate(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
