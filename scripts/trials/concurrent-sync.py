#!/usr/bin/env python3
"""Racing teammates: COUNT teammates, each with one new account, run one plain `abmsync sync` at the
same moment against one shared repository, ROUNDS times per transport (folder path, file://,
git daemon, smart HTTP behind lighttpd, ssh to sshd on loopback). Every sync must exit 0 and every
teammate's edit must be in the shared history (checked with the git CLI, and `git fsck --strict`).
The test suite runs one round of 20 per transport (RacingSyncTests).

usage: concurrent-sync.py ABMSYNC_BINARY [ROUNDS] [COUNT] [TRANSPORTS...]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

binary = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
count = int(sys.argv[3]) if len(sys.argv) > 3 else 20
transports = sys.argv[4:] or ["folder", "file", "git-daemon", "lighttpd", "sshd"]
servers = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-servers")


def run(args, cwd, env, check=True):
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{p.stdout}{p.stderr}")
    return p


def one_round(transport, work):
    home = os.path.join(work, "home")
    os.makedirs(home)
    env = dict(os.environ, ABMSYNC_TODAY="2026-11-22", GIT_CONFIG_NOSYSTEM="1", HOME=home)
    server = None
    if transport in ("folder", "file"):
        bare = os.path.join(work, "shared.git")
        run(["git", "init", "-q", "--bare", "-b", "main", bare], work, env)
        url = ("file://" + bare) if transport == "file" else bare
    else:
        server = os.path.join(work, "server")
        started = run([os.path.join(servers, transport + ".sh"), "start", server], work, env)
        values = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
        bare = os.path.join(server, "repos", "plans.git")
        run(["git", "init", "-q", "--bare", "-b", "main", bare], work, env)
        run(["git", "--git-dir", bare, "config", "http.receivepack", "true"], work, env)
        url = values["URL"] + "/plans.git"
        if transport == "sshd":
            os.makedirs(os.path.join(home, ".ssh"))
            shutil.copy(values["CLIENT_KEY"], os.path.join(home, ".ssh", "id_ed25519"))
            shutil.copy(values["CLIENT_KEY"] + ".pub", os.path.join(home, ".ssh", "id_ed25519.pub"))
            shutil.copy(values["KNOWN_HOSTS"], os.path.join(home, ".ssh", "known_hosts"))
            os.chmod(os.path.join(home, ".ssh", "id_ed25519"), 0o600)
    try:
        # Not about permissions (issue 13): every teammate may add accounts (as PermissiveTeam in the tests).
        os.makedirs(os.path.join(work, "seed"))
        with open(os.path.join(work, "seed", "team.yaml"), "w") as f:
            f.write("people:\n  ops: {name: Ops Team, email: ops@example.com, roles: [marketing-ops, admin]}\n"
                    "  vp: {name: Val Park, email: val@example.com, roles: [exec, admin]}\n")
        run([binary, "init", "seed", "--remote", url], work, env)
        seed = os.path.join(work, "seed")
        run(["git", "config", "user.email", "ops@example.com"], seed, env)
        run(["git", "config", "user.name", "Ops Team"], seed, env)
        run([binary, "new", "programme", "mid", "--owner", "ops"], seed, env)
        run([binary, "sync", "--quiet"], seed, env)
        first = os.path.join(work, "teammate-0")
        run([binary, "clone", url, first], work, env)
        run(["git", "config", "user.email", "ops@example.com"], first, env)
        run(["git", "config", "user.name", "Ops Team"], first, env)
        folders = [first]
        for number in range(1, count):
            folder = os.path.join(work, f"teammate-{number}")
            run(["cp", "-a", first, folder], work, env)
            folders.append(folder)
        for number, folder in enumerate(folders):
            run([binary, "new", "account", f"account-{number}", "--name", f"Account {number}", "--tier", "3",
                 "--program", "mid"], folder, env)
        results = [None] * count
        gate = threading.Barrier(count)

        def sync(number):
            gate.wait()
            results[number] = run([binary, "sync", "--quiet"], folders[number], env, check=False)

        threads = [threading.Thread(target=sync, args=(n,)) for n in range(count)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - start
        failed = [(n, r) for n, r in enumerate(results) if r.returncode != 0]
        missing = []
        listed = run(["git", "--git-dir", bare, "show", "main:accounts.yaml"], work, env).stdout
        for number in range(count):
            if f"  account-{number}:\n" not in listed:
                missing.append(number)
        fsck = run(["git", "--git-dir", bare, "fsck", "--strict"], work, env, check=False).returncode
        return failed, missing, fsck, seconds
    finally:
        if server:
            run([os.path.join(servers, transport + ".sh"), "stop", server], work, env, check=False)


total_bad = 0
for transport in transports:
    held, times = 0, []
    for number in range(rounds):
        work = tempfile.mkdtemp(prefix=f"abmsync-race-{transport}-")
        failed, missing, fsck, seconds = one_round(transport, work)
        times.append(seconds)
        ok = not failed and not missing and fsck == 0
        held += ok
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            total_bad += 1
            print(f"  {transport} round {number + 1}: {len(failed)} syncs failed, accounts missing {missing}, "
                  f"fsck {fsck} (kept {work})")
            for n, r in failed[:3]:
                print(f"    teammate-{n} exit {r.returncode}: {(r.stdout + r.stderr).strip()[:400]}")
    print(f"{transport}: {held} of {rounds} rounds held ({rounds * count} syncs), "
          f"{min(times):.1f}-{max(times):.1f} s per round of {count}")
sys.exit(1 if total_bad else 0)
