#!/usr/bin/env python3
"""Kill trials: `abmsync pull` killed with SIGKILL at a random instant inside the accounts.yaml rewrite
of a 10,000-account repository, then a plain `abmsync sync`, which must succeed with every edit of both
teammates in the shared history and no account reported removed.

How the instant is chosen (timing, no hook in the product): the driver watches the clone for the start
of the rewrite (abmsync's temporary file `.accounts.yaml.abmsync-*.tmp` appearing, or accounts.yaml
itself changing), then waits a random 0..WINDOW ms before the kill, so kills land while the new list is
being written, flushed, renamed, while the other files are written, the index staged, or the branch moved.

usage: kill-during-pull.py ABMSYNC_BINARY TRIALS [ACCOUNTS] [WINDOW_MS]
"""
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

binary, trials = sys.argv[1], int(sys.argv[2])
accounts = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
window_ms = float(sys.argv[4]) if len(sys.argv) > 4 else 40.0
here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(int(os.environ.get("TRIAL_SEED", "1")))
work = tempfile.mkdtemp(prefix="abmsync-kill-trials-")
env = dict(os.environ, ABMSYNC_TODAY="2026-11-22", GIT_CONFIG_NOSYSTEM="1", HOME=work,
           GIT_AUTHOR_DATE="", GIT_COMMITTER_DATE="")


def run(args, cwd, check=True):
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{p.stdout}{p.stderr}")
    return p


def git(args, cwd, check=True):
    return run(["git"] + args, cwd, check)


def set_field(folder, account, field, value):
    path = os.path.join(folder, "accounts.yaml")
    text = open(path).read()
    start = text.index(f"\n  {account}:\n")
    line = text.index(f"\n    {field}: ", start) + len(f"\n    {field}: ")
    end = text.index("\n", line)
    open(path, "w").write(text[:line] + value + text[end:])


seed, remote = os.path.join(work, "seed"), os.path.join(work, "shared.git")
run([sys.executable, os.path.join(here, "..", "bench", "generate.py"), str(accounts), seed], work)
git(["init", "-q", "-b", "main"], seed)
git(["-c", "user.name=Seed", "-c", "user.email=seed@example.com", "add", "-A"], seed)
git(["-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "-qm", "seed"], seed)
git(["clone", "-q", "--bare", seed, remote], work)
clones = {}
for number, who in enumerate(["jane", "sam"]):
    run([binary, "clone", remote, who], work)
    clones[who] = os.path.join(work, who)
    # Not about permissions (issue 13): both commit as the team's admin, who may change any account.
    git(["config", "user.name", "Val Park"], clones[who])
    git(["config", "user.email", "val@example.com"], clones[who])
jane, sam = clones["jane"], clones["sam"]


def killed_pull():
    """Starts a pull in Jane's clone, kills it inside the accounts.yaml rewrite; returns (killed, delay)."""
    before = os.lstat(os.path.join(jane, "accounts.yaml"))
    process = subprocess.Popen([binary, "pull", "--quiet"], cwd=jane, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    delay = rng.uniform(0, window_ms) / 1000
    while process.poll() is None:
        try:
            now = os.lstat(os.path.join(jane, "accounts.yaml"))
            changed = (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns)
        except FileNotFoundError:
            changed = True
        writing = any(n.startswith(".accounts.yaml.") and n.endswith(".tmp") for n in os.listdir(jane))
        if changed or writing:
            time.sleep(delay)
            break
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return process.returncode == -signal.SIGKILL, delay


held, killed_count, failures = 0, 0, []
for trial in range(trials):
    sam_account = f"account-{3000 + trial:06d}"
    jane_account = f"account-{5000 + trial:06d}"
    set_field(sam, sam_account, "stage", "engaged")
    run([binary, "sync", "--quiet"], sam)
    set_field(jane, jane_account, "acv", str(70000 + trial))
    with open(os.path.join(jane, "accounts.yaml"), "a") as f:
        f.write(f"  jane-new-{trial}:\n    name: Jane New {trial}\n    tier: 3\n    program: program-000\n"
                f"    acv: 15000\n    stage: target\n    tier_since: 2026-06-01\n    reviewed: 2026-10-01\n")
    was_killed, delay = killed_pull()
    killed_count += was_killed
    synced = run([binary, "sync"], jane, check=False)
    shared = git(["--git-dir", remote, "show", "main:accounts.yaml"], work).stdout
    history = git(["log", "--all", "--format=%s%n%b"], jane).stdout
    problems = []
    if synced.returncode != 0:
        problems.append(f"sync exit {synced.returncode}: {synced.stdout}{synced.stderr}")
    if "removed" in synced.stdout + synced.stderr or "deleted" in synced.stdout + synced.stderr:
        problems.append("sync reported a removal")
    if re.search(r"removed|deleted", history):
        problems.append("history has a removal")
    if not re.search(rf"\n  {sam_account}:\n(    .*\n)*?    stage: engaged\n", shared):
        problems.append("Sam's stage edit is missing")
    if f"  jane-new-{trial}:\n" not in shared or f"    acv: {70000 + trial}\n" not in shared:
        problems.append("Jane's edit is missing")
    if shared.count("\n    tier: ") != accounts + trial + 1:
        problems.append(f"{shared.count(chr(10) + '    tier: ')} accounts on the remote")
    if git(["status", "--porcelain"], jane).stdout:
        problems.append("working tree not clean")
    leftovers = [n for n in os.listdir(jane) if n.endswith(".tmp")] + os.listdir(os.path.join(jane, ".git", "abmsync"))
    leftovers = [n for n in leftovers if n.endswith(".tmp") or n == "checkout-journal"]
    if leftovers:
        problems.append(f"left behind: {leftovers}")
    state = "killed" if was_killed else "finished before the kill"
    print(f"trial {trial + 1}: {state} after {delay * 1000:.1f} ms: {'held' if not problems else 'FAILED ' + '; '.join(problems)}",
          flush=True)
    held += not problems
    if problems:
        failures.append(trial + 1)

fsck = git(["fsck", "--strict"], jane, check=False).returncode == 0
print(f"{held} of {trials} trials held ({killed_count} pulls killed inside the rewrite); git fsck: {'ok' if fsck else 'FAILED'}")
print(f"work folder: {work}")
sys.exit(0 if held == trials and fsck else 1)
