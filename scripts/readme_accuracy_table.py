#!/usr/bin/env python3
"""Rewrites the two generated accuracy tables from sprig-bench accuracy results
folders (runs/*.json and throughput-*.json):

  README.md, between <!-- results-table --> and <!-- /results-table -->:
    the short results table: per dataset, model and epoch budget, the
    connections, the best test accuracy with Sprig's settings and with the
    SET paper's settings, and the SET paper's figure; from the suite folder
    and the longer-run folders, followed by one line per folder saying when
    and on which CPU its runs finished.
  docs/results.md, between <!-- accuracy-table --> and <!-- /accuracy-table -->:
    the full per-model table of the suite folder (settings, seeds, best and
    final accuracy, samples/s timed together, connections, machine letter).

usage: scripts/readme_accuracy_table.py [--suite DIR] [--long DIR ...]
           [--readme FILE] [--full FILE] [--check]

--check writes nothing and exits 1 if either file's block differs from what
would be written (0 if both are up to date).
"""
import argparse
import glob
import json
import os
import statistics
import sys

PAPER = {("mnist", "mlp"): 98.55, ("mnist", "mlp-fixprob"): 97.68, ("mnist", "set-mlp"): 98.74,
         ("cifar10", "mlp"): 68.70, ("cifar10", "mlp-fixprob"): 62.19, ("cifar10", "set-mlp"): 74.84}
MODELS = ["mlp", "mlp-fixprob", "set-mlp", "small-world-set"]
DATASETS = ["mnist", "fashion-mnist", "cifar10"]
DATASET_NAMES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"}
MODEL_NAMES = {"mlp": "MLP (dense)", "mlp-fixprob": "MLP-FixProb (fixed sparse)", "set-mlp": "SET-MLP",
               "small-world-set": "small-world + SET"}
# What the machine letters are (docs/README.md#machines), for the README.
CPUS = {"A": "Intel Xeon (Sapphire Rapids class)", "C": "AMD EPYC Zen 5", "D": "AMD EPYC Zen 3",
        "E": "AMD EPYC Zen 4"}
DEFAULT_LONG = ["docs/results/reference-long", "docs/results/cifar10-300", "docs/results/cifar10-1000"]


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


def load_runs(results):
    paths = sorted(glob.glob(os.path.join(results, "runs", "*.json")))
    if not paths:
        sys.exit(f"readme_accuracy_table: no runs/*.json under {results}")
    return [json.load(open(p)) for p in paths]


def full_table(results):
    """The suite's per-model table (docs/results.md)."""
    runs = load_runs(results)
    probes = {}
    for p in glob.glob(os.path.join(results, "throughput-*.json")):
        for r in json.load(open(p)):
            probes[(r["dataset"], r["model"], r["settings"])] = r
    groups = {}
    for r in runs:
        groups.setdefault((r["dataset"], r["model"], r["settings"], r["epochs"]), []).append(r)
    order = lambda k: (DATASETS.index(k[0]), MODELS.index(k[1]), k[2], k[3])
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


def connections(n):
    return f"{n / 1e6:.3g} M" if n >= 1e6 else f"{n / 1e3:.0f} k"


def accuracy(group):
    if not group:
        return "–"
    values = [r["best_test_accuracy"] for r in group]
    return pct(values) if len(values) > 1 else f"{values[0] * 100:.2f} %"


def short_table(folders):
    """The README's table: one row per dataset, model and epoch budget."""
    rows, sources = {}, []
    for folder in folders:
        runs = load_runs(folder)
        finished = sorted(r.get("finished", "")[:10] for r in runs)
        cpus = sorted({machine_letter(r)[0] for r in runs})
        threads = sorted({r.get("threads", "?") for r in runs}, key=str)
        sources.append((folder, finished[0], finished[-1], cpus, threads))
        for r in runs:
            key = (r["dataset"], r["model"], r["epochs"], bool(r.get("augmented")))
            row = rows.setdefault(key, {"reference": [], "sprig": [], "folder": folder})
            row[r["settings"]].append(r)
    order = lambda k: (DATASETS.index(k[0]), MODELS.index(k[1]), k[2])
    out = ["| dataset | model | connections | epochs | seeds | Sprig's settings | SET paper's settings | SET paper "
           "| runs |",
           "| --- | --- | --- | ---: | ---: | --- | --- | --- | --- |"]
    for key in sorted(rows, key=order):
        dataset, model, epochs, augmented = key
        row = rows[key]
        first = (row["sprig"] or row["reference"])[0]
        counts = [len(row[s]) for s in ("sprig", "reference") if row[s]]
        seeds = str(counts[0]) if len(set(counts)) == 1 else " / ".join(map(str, counts))
        paper = f"{PAPER[(dataset, model)]:.2f} %" if (dataset, model) in PAPER else "–"
        name = DATASET_NAMES[dataset] + (" (augmented)" if augmented else "")
        link = f"[{os.path.basename(row['folder'])}]({row['folder']}/table.md)"
        out.append(f"| {name} | {MODEL_NAMES[model]} | {connections(first['connections'])} | {epochs} | {seeds} "
                   f"| {accuracy(row['sprig'])} | {accuracy(row['reference'])} | {paper} | {link} |")
    out.append("")
    for folder, start, end, cpus, threads in sources:
        when = start if start == end else f"{start} … {end}"
        count = " or ".join(map(str, threads))
        out.append(f"- `{os.path.basename(folder)}`: runs finished {when} on "
                   + ", ".join(CPUS.get(c, c) for c in cpus)
                   + f", {count} thread{'' if threads == [1] else 's'} a run.")
    return out


def replace_block(path, start, end, lines, check):
    text = open(path).read()
    start, end = f"<!-- {start} -->\n", f"<!-- {end} -->"
    if start not in text or end not in text:
        sys.exit(f"readme_accuracy_table: {path} has no {start.strip()} … {end} block")
    a, b = text.index(start) + len(start), text.index(end)
    new = text[:a] + "\n".join(lines) + "\n" + text[b:]
    if check:
        if new != text:
            print(f"{path}: the {start.strip()} block is out of date")
            return False
        return True
    open(path, "w").write(new)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default="docs/results/accuracy",
                        help="the accuracy suite's results folder (default: %(default)s)")
    parser.add_argument("--long", action="append",
                        help="a further results folder for the README table, repeatable "
                             f"(default: {' '.join(DEFAULT_LONG)})")
    parser.add_argument("--readme", default="README.md", help="file with the results-table block (default: %(default)s)")
    parser.add_argument("--full", default="docs/results.md",
                        help="file with the accuracy-table block (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a block is out of date")
    args = parser.parse_args()
    folders = [args.suite] + (args.long if args.long is not None else DEFAULT_LONG)
    ok = replace_block(args.readme, "results-table", "/results-table", short_table(folders), args.check)
    ok = replace_block(args.full, "accuracy-table", "/accuracy-table", full_table(args.suite), args.check) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
