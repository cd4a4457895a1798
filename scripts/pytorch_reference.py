#!/usr/bin/env python3
"""The PyTorch side of `sprig-bench dense`: one training epoch of the networks
of `sprig example cnn` (Fashion-MNIST) and `sprig example lstm` (MNIST read
row by row), built and trained as Sprig builds and trains them, timed the
same way (the training steps only: no data loading, no test pass).

  CNN:  Conv2d 3x3 -> 32 (same padding), ReLU, MaxPool 2, Conv2d 3x3 -> 64,
        ReLU, MaxPool 2, Linear 3136 -> 128, ReLU, Linear 128 -> 10;
        Adam lr 1e-3 on a per-step cosine, batch 128.
  LSTM: LSTM 28 -> 128 over the 28 rows, Linear 128 -> 10 on the last state;
        Adam lr 2e-3 on a per-step cosine, gradients clipped to norm 5,
        batch 128.
Pixels standardised with the training set's mean and deviation, as
`DatasetSplit.normalize(.standardize)` does.

usage: pytorch_reference.py --fashion-mnist DIR --mnist DIR [--threads 2]
           [--models cnn,lstm] [--train-limit N] [--epochs 1]
Prints one JSON object per model on stdout:
  {"model", "engine": "pytorch", "threads", "epochs", "train_seconds_per_epoch",
   "samples_per_second", "test_accuracy", "torch_version"}
Needs torch (pip install torch); sprig-bench runs without it.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, limit):
    def find(stem):
        for name in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
        sys.exit(f"pytorch_reference: {stem}[.gz] not in {folder}")
    x = idx(find("train-images-idx3-ubyte")).astype(np.float32) / 255
    y = idx(find("train-labels-idx1-ubyte")).astype(np.int64)
    tx = idx(find("t10k-images-idx3-ubyte")).astype(np.float32) / 255
    ty = idx(find("t10k-labels-idx1-ubyte")).astype(np.int64)
    if limit:
        x, y = x[:limit], y[:limit]
    mean, std = x.mean(), x.std()
    return (torch.from_numpy((x - mean) / std), torch.from_numpy(y),
            torch.from_numpy((tx - mean) / std), torch.from_numpy(ty))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x.unsqueeze(1))


class RowLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def train(model, lr, clip, data, epochs, batch=128):
    x, y, tx, ty = data
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(x) / batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    seconds = []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        start = time.perf_counter()
        for b in range(0, len(x), batch):
            i = order[b:b + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[i]), y[i])
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            schedule.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        correct = sum(int((model(tx[b:b + 1000]).argmax(1) == ty[b:b + 1000]).sum()) for b in range(0, len(tx), 1000))
    return sorted(seconds)[len(seconds) // 2], correct / len(tx)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fashion-mnist", required=True)
    p.add_argument("--mnist", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--models", default="cnn,lstm")
    p.add_argument("--train-limit", type=int)
    p.add_argument("--epochs", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for name in a.models.split(","):
        if name == "cnn":
            data, model, lr, clip = load(a.fashion_mnist, a.train_limit), CNN(), 1e-3, None
        elif name == "lstm":
            data, model, lr, clip = load(a.mnist, a.train_limit), RowLSTM(), 2e-3, 5.0
        else:
            sys.exit(f"pytorch_reference: unknown model {name} (cnn, lstm)")
        seconds, accuracy = train(model, lr, clip, data, a.epochs)
        print(json.dumps({
            "model": name, "engine": "pytorch", "threads": a.threads, "epochs": a.epochs,
            "train_seconds_per_epoch": seconds, "samples_per_second": len(data[0]) / seconds,
            "test_accuracy": accuracy, "torch_version": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
