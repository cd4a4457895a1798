#!/usr/bin/env python3
"""Rewrites the README's accuracy table (between the accuracy-table markers)
from a sprig-bench accuracy results folder: runs/*.json and throughput-*.json.

usage: scripts/readme_accuracy_table.py [RESULTS_DIR] [README]
"""
import glob
import json
import os
import statistics
import sys

PAPER = {("mnist", "mlp"): 98.55, ("mnist", "mlp-fixprob"): 97.68, ("mnist", "set-mlp"): 98.74,
         ("cifar10", "mlp"): 68.70, ("cifar10", "mlp-fixprob"): 62.19, ("cifar10", "set-mlp"): 74.84}
MODELS = ["mlp", "mlp-fixprob", "set-mlp", "small-world-set"]


# The KVM guests report only "AMD EPYC". Records since 2026-12-03 add the
# CPU family (25: Zen 3, machine D, or with model 17 Zen 4, machine E; 26:
# Zen 5, machine C); before that,
# machine C trained the AMD runs finished before 2026-12-02T17:00Z and
# machine D those after.
MACHINE_D_FROM = "2026-12-02T17:00"


def machine_letter(record):
    name = record.get("machine", "?")
    if name.startswith("Intel"):
        return "A (Intel)"
    if name.startswith("AMD"):
        if "family 25 model 17" in name:
            return "E (AMD)"
        if "family 25 " in name:
            return "D (AMD)"
        if "family 26 " in name:
            return "C (AMD)"
        when = record.get("finished", record.get("measured", ""))
        return "D (AMD)" if when >= MACHINE_D_FROM else "C (AMD)"
    return name


def pct(values):
    mean = statistics.mean(values) * 100
    sd = statistics.stdev(values) * 100 if len(values) > 1 else 0.0
    return f"{mean:.2f} ± {sd:.2f} %"


def rows(results):
    runs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(results, "runs", "*.json")))]
    probes = {}
    for p in glob.glob(os.path.join(results, "throughput-*.json")):
        for r in json.load(open(p)):
            probes[(r["dataset"], r["model"], r["settings"])] = r
    groups = {}
    for r in runs:
        groups.setdefault((r["dataset"], r["model"], r["settings"], r["epochs"]), []).append(r)
    order = lambda k: (["mnist", "fashion-mnist", "cifar10"].index(k[0]), MODELS.index(k[1]), k[2], k[3])
    out = ["| dataset | model | settings | epochs | seeds | best test acc. (mean ± sd) | final | SET paper "
           "| samples/s timed together (× dense) | connections | machine |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for key in sorted(groups, key=order):
        g = groups[key]
        dataset, model, settings, epochs = key
        probe = probes.get((dataset, model, settings))
        speed = (f"{probe['samples_per_second']:,.0f} ({probe['ratio_to_dense']:.1f}×, {machine_letter(probe)[0]})"
                 if probe else "–")
        paper = f"{PAPER[(dataset, model)]:.2f} %" if (dataset, model) in PAPER else "–"
        name = dataset + (" (augmented)" if g[0].get("augmented") else "")
        machines = ", ".join(sorted({machine_letter(r) for r in g}))
        out.append(f"| {name} | {model} | {settings} | {epochs} | {len(g)} | {pct([r['best_test_accuracy'] for r in g])} "
                   f"| {pct([r['final_test_accuracy'] for r in g]).split(' ±')[0]} % | {paper} | {speed} "
                   f"| {g[0]['connections']:,} | {machines} |")
    return out


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "docs/results/accuracy"
    readme = sys.argv[2] if len(sys.argv) > 2 else "README.md"
    text = open(readme).read()
    start, end = "<!-- accuracy-table -->\n", "<!-- /accuracy-table -->"
    a, b = text.index(start) + len(start), text.index(end)
    open(readme, "w").write(text[:a] + "\n".join(rows(results)) + "\n" + text[b:])


if __name__ == "__main__":
    main()
