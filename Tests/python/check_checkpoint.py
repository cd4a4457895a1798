#!/usr/bin/env python3
"""Rebuilds a Sprig checkpoint's first layer in Python and checks it.

Trains a tiny sparse MLP with `sprig train` on a small synthetic IDX dataset,
opens model.safetensors with the `safetensors` package, rebuilds the first
layer as a scipy.sparse.csr_matrix from its CSR arrays, and compares its
forward output y = W·x + b with `sprig inspect --layer 0` on the same inputs.
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import scipy.sparse
from safetensors import safe_open
from safetensors.numpy import load_file


def write_idx(path, array):
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = 0x0800 | array.ndim
    with open(path, "wb") as f:
        f.write(struct.pack(">I", magic))
        for d in array.shape:
            f.write(struct.pack(">I", d))
        f.write(array.tobytes())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sprig", required=True, help="path to the sprig executable")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    passed, failed = 0, 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name} {detail}")

    with tempfile.TemporaryDirectory() as tmp:
        # Two classes told apart by the mean brightness of the left half.
        n_train, n_test = 400, 100
        labels = rng.integers(0, 2, n_train + n_test).astype(np.uint8)
        images = rng.integers(0, 128, (n_train + n_test, 12, 12)).astype(np.uint8)
        images[labels == 1, :, :6] += 120
        paths = {}
        for split, sl in (("train", slice(0, n_train)), ("test", slice(n_train, None))):
            paths[f"{split}-images"] = os.path.join(tmp, f"{split}-images-idx3-ubyte")
            paths[f"{split}-labels"] = os.path.join(tmp, f"{split}-labels-idx1-ubyte")
            write_idx(paths[f"{split}-images"], images[sl])
            write_idx(paths[f"{split}-labels"], labels[sl])
        run = os.path.join(tmp, "run")
        subprocess.run(
            [args.sprig, "train", "--train-images", paths["train-images"], "--train-labels", paths["train-labels"],
             "--test-images", paths["test-images"], "--test-labels", paths["test-labels"],
             "--hidden", "64,32", "--epsilon", "4", "--epochs", "2", "--out", run, "--quiet"],
            check=True)
        checkpoint = os.path.join(run, "model.safetensors")
        tensors = load_file(checkpoint)
        with safe_open(checkpoint, framework="numpy") as f:
            metadata = f.metadata()
        description = json.loads(metadata["model"])
        matrices = json.loads(metadata["sparse_matrices"])
        check("the description names the layers", description["format"] == "sprig-model" and description["layers"][0]["type"] == "sparse_linear", description["layers"][:1])
        first = matrices[0]
        check("first layer is sparse", first["prefix"] == "layers.0" and first["layer"] == 0, first)
        w = scipy.sparse.csr_matrix(
            (tensors["layers.0.weight"], tensors["layers.0.col_idx"], tensors["layers.0.row_ptr"]),
            shape=(first["rows"], first["columns"]))
        check("CSR arrays are canonical", w.has_canonical_format)
        check("connections match metadata shape", w.nnz == tensors["layers.0.weight"].size and w.nnz < w.shape[0] * w.shape[1] / 2)
        check("the shape is the description's", first["rows"] == description["layers"][0]["units"] and first["columns"] == description["input"]["features"])
        b = tensors["layers.0.bias"]

        x = rng.standard_normal((5, first["columns"])).astype(np.float32)
        x_path = os.path.join(tmp, "x.csv")
        y_path = os.path.join(tmp, "y.csv")
        np.savetxt(x_path, x, delimiter=",", fmt="%.9g")
        subprocess.run([args.sprig, "inspect", checkpoint, "--layer", "0", "--input", x_path, "--output", y_path], check=True)
        y_sprig = np.loadtxt(y_path, delimiter=",", ndmin=2)
        y_scipy = (w @ x.T).T + b
        err = np.max(np.abs(y_sprig - y_scipy))
        check("first layer forward matches scipy", err < 1e-4, f"max abs error {err}")

        dense_bytes = sum(m["rows"] * m["columns"] * 4 for m in matrices)
        size = os.path.getsize(checkpoint)
        check("checkpoint is smaller than the dense weights", size < dense_bytes, f"{size} vs {dense_bytes}")

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
