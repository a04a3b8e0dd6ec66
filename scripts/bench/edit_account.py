#!/usr/bin/env python3
"""Edits one field of one account in a generated accounts.yaml, as a person would by hand.

usage: edit_account.py ACCOUNTS_YAML ACCOUNT acv    -> a new ACV every call (a one-account change)
       edit_account.py ACCOUNTS_YAML ACCOUNT ae     -> the AE switched between ae1 and ae2 (an owner change)
"""
import sys
import time

path, account, field = sys.argv[1:4]
lines = open(path).read().split("\n")
inside = False
for i, line in enumerate(lines):
    if line == f"  {account}:":
        inside = True
        continue
    if inside and line.startswith(f"    {field}: "):
        if field == "acv":
            lines[i] = "    acv: %d" % (500000 + time.time_ns() % 100000)
        else:
            lines[i] = f"    {field}: ae2" if line == f"    {field}: ae1" else f"    {field}: ae1"
        break
open(path, "w").write("\n".join(lines))
