#!/usr/bin/env python3
"""Gives a plan repository made by generate.py a history in which every commit is made by the person
who owns the change, under the default `permissions:` (issue 13): AEs moving their accounts' stages
and ACVs, marketers ticking Plays in their tier 1 plans, the programme owner moving tier 3 stages, the
sponsor (an admin) recording reviews, and now and then the admin moving a tier 2 account to another
cluster. `abmsync verify` must find every commit allowed. Deterministic (fixed seed, fixed dates).

usage: owned_history.py REPO COMMITS        (uses the `git` CLI; REPO must already have one commit)
"""
import os
import random
import re
import subprocess
import sys

repo, commits = sys.argv[1], int(sys.argv[2])
rng = random.Random(13)
path = os.path.join(repo, "accounts.yaml")
text = open(path).read()
team = open(os.path.join(repo, "team.yaml")).read()
emails = dict(re.findall(r"^  (\S+):\n    name: .*\n    email: (\S+)$", team, flags=re.M))
blocks = {m.group(1): m.group(0) for m in re.finditer(r"^  (account-\d+):\n(?:    .*\n)*", text, flags=re.M)}

def field(account, key):
    m = re.search(rf"^    {key}: (\S+)$", blocks[account], flags=re.M)
    return m.group(1) if m else None

tier = {a: int(field(a, "tier")) for a in blocks}
tier1 = [a for a in blocks if tier[a] == 1]
tier2 = [a for a in blocks if tier[a] == 2]
tier3 = [a for a in blocks if tier[a] == 3]
clusters = sorted({field(a, "cluster") for a in tier2})
stages = ["target", "engaged", "evaluation", "negotiation"]

def set_field(account, key, value):
    global text
    text = re.sub(rf"(^  {account}:\n(?:    .*\n)*?    {key}: )\S+", rf"\g<1>{value}", text, count=1, flags=re.M)

for k in range(commits):
    stamp = f"2026-10-{1 + k % 28:02d}T{9 + k % 8:02d}:00:00+00:00"
    kind = k % 5
    if kind == 0:  # an AE moves the stage and ACV of one of their accounts
        account = rng.choice(tier1 + tier2)
        author = field(account, "ae")
        set_field(account, "stage", rng.choice(stages))
        set_field(account, "acv", int(field(account, "acv")) + 1000)
        message = f"{account}: stage and ACV"
    elif kind == 1:  # a marketer ticks a play in a tier 1 plan
        account = rng.choice(tier1)
        author = field(account, "marketer")
        plan = os.path.join(repo, "accounts", account + ".md")
        body = open(plan).read()
        body = body.replace("- [ ] Executive briefing", "- [x] Executive briefing", 1)
        body = body.replace("## Sales Actions", f"- [ ] Follow-up webinar {k}\n\n## Sales Actions", 1)
        open(plan, "w").write(body)
        message = f"{account}: plays"
    elif kind == 2:  # the programme owner moves tier 3 stages
        author = "ops"
        for account in rng.sample(tier3, 3):
            set_field(account, "stage", "engaged" if field(account, "stage") == "target" else "target")
        message = "programme stage updates"
    elif kind == 3:  # the sponsor records a review
        account = rng.choice(tier1)
        author = field(account, "sponsor")
        day = stamp[:10] if field(account, "reviewed") != stamp[:10] else "2026-11-30"
        set_field(account, "reviewed", day)
        message = f"{account}: reviewed"
    else:  # the admin moves a tier 2 account to another cluster
        account = rng.choice(tier2)
        author = "vp"
        set_field(account, "cluster", rng.choice([c for c in clusters if c != field(account, "cluster")]))
        message = f"{account}: new cluster"
    open(path, "w").write(text)
    blocks = {m.group(1): m.group(0) for m in re.finditer(r"^  (account-\d+):\n(?:    .*\n)*", text, flags=re.M)}
    email = emails[author]
    env = dict(os.environ, GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=author,
               GIT_COMMITTER_EMAIL=email, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    subprocess.run(["git", "-C", repo, "commit", "-q", "-a", "-m", message], env=env, check=True)
