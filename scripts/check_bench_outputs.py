#!/usr/bin/env python3
"""Checks that `sprig-bench accuracy` outputs parse: every runs/*.json has the
documented keys with sane values, table.md has one row per run group, and
report.html is well-formed XML. Prints 'N passed, N failed'."""
import glob
import json
import os
import sys
import xml.dom.minidom

folder = sys.argv[1]
keys = ["dataset", "model", "seed", "epochs", "best_test_accuracy", "final_test_accuracy",
        "train_samples_per_second", "connections", "peak_rss_bytes", "git_commit", "machine", "finished",
        "command", "sprig_train_command", "test_accuracy_per_epoch", "train_loss_per_epoch"]
passed = failed = 0


def check(name, ok):
    global passed, failed
    passed, failed = passed + ok, failed + (not ok)
    if not ok:
        print("FAIL", name)


runs = sorted(glob.glob(os.path.join(folder, "runs", "*.json")))
check("at least one run", len(runs) > 0)
for path in runs:
    record = json.load(open(path))
    check(f"{path} has every key", all(k in record for k in keys))
    check(f"{path} accuracy in [0, 1]", 0 <= record["final_test_accuracy"] <= 1)
    check(f"{path} throughput positive", record["train_samples_per_second"] > 0)
    check(f"{path} has a curve point per epoch", len(record["test_accuracy_per_epoch"]) == record["epochs"]
          and len(record["train_loss_per_epoch"]) == record["epochs"])
    check(f"{path} names the sprig train command", record["sprig_train_command"].startswith("sprig train --dataset "))
table = open(os.path.join(folder, "table.md")).read()
groups = {(json.load(open(p))["dataset"], json.load(open(p))["model"], json.load(open(p))["settings"]) for p in runs}
check("table has a row per group", table.count("\n| ") - 2 == len(groups))
try:
    xml.dom.minidom.parse(os.path.join(folder, "report.html"))
    check("report.html is well-formed", True)
except Exception as e:
    print(e)
    check("report.html is well-formed", False)
for path in sorted(glob.glob(os.path.join(folder, "throughput-*.json"))):
    probe = json.load(open(path))
    check(f"{path} times every model", len(probe) > 0 and all(r["samples_per_second"] > 0 for r in probe))
    dense = [r for r in probe if r["model"] == "mlp"]
    check(f"{path} dense ratio is 1", all(abs(r["ratio_to_dense"] - 1) < 1e-9 for r in dense))
svgs = sorted(glob.glob(os.path.join(folder, "*.svg")))
check("one accuracy plot per dataset", len([p for p in svgs if p.endswith("-accuracy.svg")]) == len({g[0] for g in groups}))
for path in svgs:
    try:
        xml.dom.minidom.parse(path)
        check(f"{path} is well-formed", True)
    except Exception as e:
        print(e)
        check(f"{path} is well-formed", False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
