#!/usr/bin/env python3
"""Summarises sprig-bench accuracy results folders (runs/*.json) and rewrites
the tables generated from them:

  docs/results/summary.json: one row per dataset, model, settings and epoch
    budget: the seeds, mean and sample sd of the final test accuracy (and of
    the best epoch's), connections, where, when and from which commit the
    runs came, the sprig-bench command and the `sprig train` command that
    reproduces seed 0. Runs with Sprig's settings that finished before
    SUPERSEDED_BEFORE used the earlier defaults and stay out (their folders
    keep them).
  README.md, between <!-- results-table --> and <!-- /results-table -->:
    from summary.json: per dataset and model, Sprig's defaults and the SET
    paper's settings, each at its longest epoch budget, beside the paper's
    figure; then one line per folder saying when and where its runs finished.
  docs/results.md, between <!-- accuracy-table --> and <!-- /accuracy-table -->:
    the full per-model table of the suite folder (settings, seeds, best and
    final accuracy, samples/s timed together, connections, machine letter).

usage: scripts/readme_accuracy_table.py [--suite DIR] [--folder DIR ...]
           [--summary FILE] [--readme FILE] [--full FILE] [--check]

--check writes nothing and exits 1 if a file differs from what would be
written (0 if all are up to date).
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
DEFAULT_FOLDERS = ["docs/results/defaults", "docs/results/paper-mnist-100", "docs/results/paper-cifar10-300",
                   "docs/results/accuracy", "docs/results/reference-long",
                   "docs/results/cifar10-300", "docs/results/cifar10-1000"]
# Sprig's defaults changed on 2026-12-07 (fan-in-scaled learning rates,
# dropout 0.2, image shifts: Sources/Sprig/Models/MLPRecipe.swift); runs with
# `sprig` settings finished before then measured the old ones.
SUPERSEDED_BEFORE = "2026-12-07T16:40"


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


def mean_sd(values):
    mean = statistics.mean(values)
    return round(mean, 2), round(statistics.stdev(values), 2) if len(values) > 1 else 0.0


def summarize(folders):
    """summary.json's rows, from the runs in `folders`."""
    groups = {}
    for folder in folders:
        for r in load_runs(folder):
            if r["settings"] == "sprig" and r.get("finished", "") < SUPERSEDED_BEFORE:
                continue
            key = (r["dataset"], r["model"], r["settings"], r["epochs"], bool(r.get("augmented")))
            groups.setdefault(key, {"folder": folder, "runs": []})["runs"].append(r)
    rows = []
    order = lambda k: (DATASETS.index(k[0]), MODELS.index(k[1]), k[2], k[3])
    for key in sorted(groups, key=order):
        dataset, model, settings, epochs, augmented = key
        runs = sorted(groups[key]["runs"], key=lambda r: r["seed"])
        mean, sd = mean_sd([r["final_test_accuracy"] * 100 for r in runs])
        best_mean, best_sd = mean_sd([r["best_test_accuracy"] * 100 for r in runs])
        finished = sorted(r.get("finished", "") for r in runs)
        rows.append({
            "dataset": dataset, "model": model, "settings": settings, "epochs": epochs, "augmented": augmented,
            "seeds": [r["seed"] for r in runs], "mean": mean, "sd": sd, "best_epoch_mean": best_mean,
            "best_epoch_sd": best_sd, "set_paper": PAPER.get((dataset, model)), "connections": runs[0]["connections"],
            "machines": sorted({machine_letter(r) for r in runs}), "threads": sorted({r.get("threads") or 0 for r in runs}),
            "commits": sorted({r.get("git_commit", "unknown") for r in runs}),
            "finished": [finished[0][:10], finished[-1][:10]], "folder": groups[key]["folder"],
            "command": runs[0].get("command"), "sprig_train_command": runs[0].get("sprig_train_command"),
        })
    return rows


def cell(row):
    if row is None:
        return "–"
    seeds = len(row["seeds"])
    value = f"{row['mean']:.2f} ± {row['sd']:.2f} %" if seeds > 1 else f"{row['mean']:.2f} %"
    return f"{value} ({row['epochs']} ep., {seeds} seed{'s' if seeds > 1 else ''})"


def short_table(rows):
    """The README's table: per dataset and model, each setting's longest run."""
    longest = {}
    for row in rows:
        key = (row["dataset"], row["model"], row["settings"])
        if key not in longest or (row["epochs"], len(row["seeds"])) > (longest[key]["epochs"], len(longest[key]["seeds"])):
            longest[key] = row
    pairs = sorted({(d, m) for d, m, _ in longest}, key=lambda k: (DATASETS.index(k[0]), MODELS.index(k[1])))
    out = ["| dataset | model | connections | Sprig's defaults | SET paper's settings | SET paper |",
           "| --- | --- | ---: | --- | --- | --- |"]
    for dataset, model in pairs:
        sprig, reference = longest.get((dataset, model, "sprig")), longest.get((dataset, model, "reference"))
        paper = f"{PAPER[(dataset, model)]:.2f} %" if (dataset, model) in PAPER else "–"
        out.append(f"| {DATASET_NAMES[dataset]} | {MODEL_NAMES[model]} | {connections((sprig or reference)['connections'])} "
                   f"| {cell(sprig)} | {cell(reference)} | {paper} |")
    out.append("")
    shown = list(longest.values())
    for folder in sorted({r["folder"] for r in shown}, key=lambda f: DEFAULT_FOLDERS.index(f) if f in DEFAULT_FOLDERS else 99):
        mine = [r for r in shown if r["folder"] == folder]
        start = min(r["finished"][0] for r in mine)
        end = max(r["finished"][1] for r in mine)
        cpus = sorted({m[0] for r in mine for m in r["machines"]})
        threads = sorted({t for r in mine for t in r["threads"]})
        commits = sorted({c for r in mine for c in r["commits"]})
        when = start if start == end else f"{start} … {end}"
        count = " or ".join(map(str, threads))
        out.append(f"- [`{os.path.basename(folder)}`]({folder}/table.md): finished {when} on "
                   + ", ".join(CPUS.get(c, c) for c in cpus)
                   + f", {count} thread{'' if threads == [1] else 's'} a run, commit {', '.join(commits)}.")
    return out


def write_json(path, rows, check):
    text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if check:
        same = os.path.exists(path) and open(path).read() == text
        if not same:
            print(f"{path} is out of date")
        return same
    open(path, "w").write(text)
    return True


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
                        help="the accuracy suite's results folder for docs/results.md (default: %(default)s)")
    parser.add_argument("--folder", action="append",
                        help="a results folder to summarise, repeatable (default: " + " ".join(DEFAULT_FOLDERS) + ")")
    parser.add_argument("--summary", default="docs/results/summary.json", help="the summary to write (default: %(default)s)")
    parser.add_argument("--readme", default="README.md", help="file with the results-table block (default: %(default)s)")
    parser.add_argument("--full", default="docs/results.md",
                        help="file with the accuracy-table block (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    args = parser.parse_args()
    folders = [f for f in (args.folder or DEFAULT_FOLDERS) if glob.glob(os.path.join(f, "runs", "*.json"))]
    rows = summarize(folders)
    ok = write_json(args.summary, rows, args.check)
    ok = replace_block(args.readme, "results-table", "/results-table", short_table(rows), args.check) and ok
    ok = replace_block(args.full, "accuracy-table", "/accuracy-table", full_table(args.suite), args.check) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
