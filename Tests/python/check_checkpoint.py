#!/usr/bin/env python3
"""Rebuilds Sprig checkpoints in Python and checks them.

Trains a tiny sparse MLP with `sprig train` on a small synthetic IDX dataset,
opens model.safetensors with the `safetensors` package, rebuilds the first
layer as a scipy.sparse.csr_matrix from its CSR arrays, and compares its
forward output y = W·x + b with `sprig inspect --layer 0` on the same inputs.
Then trains a CNN, a set-CNN, a sparse CNN, a sparse LSTM and a sparse GRU
(`--model NAME`), reads each description from the metadata, rebuilds every
sparse matrix at the shape the description implies, and redoes the sparse
convolution's forward in numpy.
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


def rebuild(tensors, matrix):
    """The CSR matrix a `sparse_matrices` entry names, at its listed shape."""
    p = matrix["prefix"]
    return scipy.sparse.csr_matrix(
        (tensors[p + ".weight"], tensors[p + ".col_idx"], tensors[p + ".row_ptr"]), shape=(matrix["rows"], matrix["columns"]))


def walk_shapes(description):
    """Yields (layer index, layer, input shape) with the shape as (C, H, W) or (features,)."""
    image = description["input"].get("image")
    shape = (image["channels"], image["height"], image["width"]) if image else (description["input"]["features"],)
    for i, layer in enumerate(description["layers"]):
        yield i, layer, shape
        t = layer["type"]
        if t in ("conv2d", "sparse_conv2d"):
            c, h, w = shape
            k, s = layer["kernel"], layer.get("stride", 1)
            if layer.get("padding", "same") == "same":
                shape = (layer["filters"], -(-h // s), -(-w // s))
            else:
                shape = (layer["filters"], (h - k) // s + 1, (w - k) // s + 1)
        elif t.endswith("pool2d"):
            c, h, w = shape
            p = layer.get("size", 2)
            s = layer.get("stride", p)
            shape = (c, (h - p) // s + 1, (w - p) // s + 1)
        elif t == "flatten":
            shape = (int(np.prod(shape)),)
        elif t in ("linear", "sparse_linear"):
            shape = (layer["units"],)
        elif t in ("rnn", "lstm", "gru"):
            shape = ((layer["steps"] if layer.get("return_sequence") else 1) * layer["units"],)
        elif t == "locally_connected2d":
            raise ValueError("locally connected layers are not covered here")


def expected_sparse_shapes(description):
    """(layer, rows, columns) of every sparse matrix the description's layers hold."""
    shapes = []
    for i, layer, shape in walk_shapes(description):
        t = layer["type"]
        n = int(np.prod(shape))
        if t == "sparse_linear":
            shapes.append((i, layer["units"], n))
        elif t == "sparse_conv2d":
            shapes.append((i, layer["filters"], shape[0] * layer["kernel"] ** 2))
        elif t in ("lstm", "gru") and "topology" in layer:
            h, per_step = layer["units"], n // layer["steps"]
            if t == "lstm":
                shapes.append((i, 4 * h, per_step + h))
            else:
                shapes += [(i, 3 * h, per_step), (i, 3 * h, h)]
    return shapes


def input_image_of(description, index):
    for i, _, shape in walk_shapes(description):
        if i == index:
            return shape


def convolve_same(x, kernel, bias):
    """Cross-correlation with stride 1 and 'same' zero padding: x is C×H×W, kernel O×C×k×k."""
    o, c, k, _ = kernel.shape
    _, h, w = x.shape
    pad = (k - 1) // 2
    padded = np.zeros((c, h + k - 1, w + k - 1), dtype=np.float64)
    padded[:, pad:pad + h, pad:pad + w] = x
    y = np.zeros((o, h, w))
    for ky in range(k):
        for kx in range(k):
            patch = padded[:, ky:ky + h, kx:kx + w]
            y += np.einsum("oc,chw->ohw", kernel[:, :, ky, kx], patch)
    return y + bias[:, None, None]


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

        # Other models: every sparse matrix rebuilt at the shape its layer in
        # the description implies, and a sparse convolution's forward redone.
        for model in ("cnn", "set-cnn", "sparse-cnn", "sparse-lstm", "sparse-gru"):
            run = os.path.join(tmp, model)
            subprocess.run(
                [args.sprig, "train", "--model", model, "--train-images", paths["train-images"],
                 "--train-labels", paths["train-labels"], "--test-images", paths["test-images"],
                 "--test-labels", paths["test-labels"], "--epochs", "1", "--out", run, "--quiet"],
                check=True)
            checkpoint = os.path.join(run, "model.safetensors")
            tensors = load_file(checkpoint)
            with safe_open(checkpoint, framework="numpy") as f:
                metadata = f.metadata()
            description = json.loads(metadata["model"])
            matrices = json.loads(metadata["sparse_matrices"])
            shapes = expected_sparse_shapes(description)
            check(f"{model}: the description is in the metadata", description["name"] == model, description.get("name"))
            check(f"{model}: one listed matrix per sparse matrix the description implies",
                  sorted((m["layer"], m["rows"], m["columns"]) for m in matrices) == sorted(shapes), (matrices, shapes))
            for m in matrices:
                w = rebuild(tensors, m)
                check(f"{model}: {m['prefix']} rebuilds as a canonical {m['rows']}x{m['columns']} CSR matrix",
                      w.has_canonical_format and 0 < w.nnz < m["rows"] * m["columns"])
            for m in matrices:
                layer = description["layers"][m["layer"]]
                if layer["type"] != "sparse_conv2d":
                    continue
                c, h, wd = input_image_of(description, m["layer"])
                kernel = rebuild(tensors, m).toarray().reshape(m["rows"], c, layer["kernel"], layer["kernel"])
                bias = tensors[m["prefix"] + ".bias"]
                x = rng.standard_normal((3, c * h * wd)).astype(np.float32)
                x_path, y_path = os.path.join(tmp, "cx.csv"), os.path.join(tmp, "cy.csv")
                np.savetxt(x_path, x, delimiter=",", fmt="%.9g")
                subprocess.run([args.sprig, "inspect", checkpoint, "--layer", str(m["layer"]), "--input", x_path,
                                "--output", y_path], check=True)
                y_sprig = np.loadtxt(y_path, delimiter=",", ndmin=2)
                y_numpy = np.stack([convolve_same(xi.reshape(c, h, wd), kernel, bias).ravel() for xi in x])
                err = np.max(np.abs(y_sprig - y_numpy))
                check(f"{model}: sparse convolution forward matches numpy", err < 1e-3, f"max abs error {err}")

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
