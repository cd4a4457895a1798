#!/usr/bin/env python3
"""One-off: adds machine, git_commit and finished to accuracy-suite run records
written before sprig-bench recorded them (2026-12-01, the first session of the
full suite). Only fills missing keys; `finished` is the file's mtime.
Usage: backfill_provenance.py RUNS_DIR MACHINE COMMIT"""
import datetime
import glob
import json
import os
import sys

folder, machine, commit = sys.argv[1:4]
for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
    record = json.load(open(path))
    if "machine" in record:
        continue
    record["machine"] = machine
    record["git_commit"] = commit
    mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
    record["finished"] = mtime.strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(path, "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
    print("filled", path)
