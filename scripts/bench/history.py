#!/usr/bin/env python3
"""Gives a generated plan repository a history, as a team builds one over a quarter: COMMITS commits
on top of the current one, each moving the stage of a few accounts in accounts.yaml, ticking a task in
a few plans and adding a line to their review log. Deterministic (fixed seed, fixed dates), so two runs
make the same commits.

usage: history.py REPO COMMITS        (uses the `git` CLI; REPO must already have one commit)
"""
import os
import random
import re
import subprocess
import sys

repo, commits = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
path = os.path.join(repo, "accounts.yaml")
text = open(path).read()
ids = re.findall(r"^  (account-\d+):$", text, flags=re.M)
stages = ["target", "engaged", "evaluation", "negotiation"]
env = dict(os.environ, GIT_AUTHOR_NAME="AE 1", GIT_AUTHOR_EMAIL="ae1@example.com",
           GIT_COMMITTER_NAME="AE 1", GIT_COMMITTER_EMAIL="ae1@example.com")
for k in range(commits):
    stamp = f"2026-10-{1 + k % 28:02d}T{9 + k % 8:02d}:00:00+00:00"
    env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    for account in rng.sample(ids, 5):
        stage = rng.choice(stages)
        text = re.sub(rf"(^  {account}:\n(?:    .*\n)*?    stage: )\w+", rf"\g<1>{stage}", text, count=1, flags=re.M)
    open(path, "w").write(text)
    for account in rng.sample(ids, 5):
        plan = os.path.join(repo, "accounts", account + ".md")
        body = open(plan).read()
        body = body.replace("- [ ] Executive briefing", "- [x] Executive briefing", 1)
        body = body.rstrip("\n") + f"\n- {stamp[:10]} reviewed again ({k})\n"
        open(plan, "w").write(body)
    subprocess.run(["git", "-C", repo, "commit", "-q", "-a", "-m", f"Week {k}: stage moves and reviews"], env=env, check=True)
