#!/usr/bin/env python3
"""Summarises scripts/bench-distributed.sh's records.jsonl: medians per
(model, ranks, threads, parallelism), speedup over one rank of one thread,
bytes per step, and the sharded runs. Prints Markdown."""
import json, statistics, sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "docs/results/distributed/records.jsonl"
rows = [json.loads(line) for line in open(path) if line.strip()]
header = [r for r in rows if "machine" in r]
runs = defaultdict(list)
for r in rows:
    if r.get("benchmark") == "data-parallel":
        runs[(r["model"], r["ranks"], r["threads_per_rank"], r["parallelism"], r.get("batch_size", 128))].append(r)
if header:
    h = header[-1]
    print(f"Machine: {h['machine']}; commit {h['commit']}; {h['date']}; `scripts/bench-distributed.sh`.\n")
base = {}
for (model, ranks, threads, par, batch), rs in runs.items():
    if ranks == 1 and threads == 1 and batch == 128:
        base[model] = statistics.median(r["samples_per_second"] for r in rs)
print("| model | ranks × threads | mode | batch | samples/s (median of %s) | vs 1 rank × 1 thread | efficiency | sent per step per rank | sum time share | test accuracy |" % "/".join(sorted({str(len(v)) for v in runs.values()})))
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for key in sorted(runs, key=lambda k: (k[0] != "set-mlp", k[1], k[2], k[3], k[4])):
    model, ranks, threads, par, batch = key
    rs = runs[key]
    sps = statistics.median(r["samples_per_second"] for r in rs)
    speed = sps / base[model] if model in base else float("nan")
    cores = min(ranks * threads, 2)
    eff = speed / cores
    sent = statistics.median(r["bytes_sent_per_step_per_rank"] for r in rs)
    share = statistics.median(r.get("sum_seconds_rank0", 0) / r["fit_seconds"] for r in rs) if "fit_seconds" in rs[0] else float("nan")
    acc = statistics.median(r["test_accuracy"] for r in rs)
    print(f"| {model} | {ranks} × {threads} | {par} | {batch} | {sps:,.0f} | {speed:.2f}× | {eff:.0%} | {sent/1e3:,.0f} kB | {share:.0%} | {acc*100:.2f} % ({rs[0]['train_samples']:,} samples, {rs[0]['epochs']} ep) |")
sharded = [r for r in rows if r.get("benchmark") == "sharded"]
if sharded:
    print("\n| sharded layer | ranks | connections | whole layer | largest shard | cap | peak RSS per rank | samples/s | test accuracy (2,000) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in sharded:
        rss = "/".join(f"{x:.0f}" for x in r["peak_rss_mib_per_rank"])
        print(f"| 784→{r['hidden']:,} ε={r['epsilon']:.0f} | {r['ranks']} | {r['connections']:,} | {r['whole_layer_mib']:.0f} MiB | {r['largest_shard_mib']:.0f} MiB | {r['memory_cap_mib']:.0f} MiB | {rss} MiB | {r['samples_per_second']:.0f} | {r['test_accuracy_2000']*100:.1f} % after {r['batches']} batches |")
