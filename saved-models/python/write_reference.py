"""Run a SavedModel in Python and write a reference file for `./labs savedmodel compare`.

    python write_reference.py SAVEDMODEL --input images=image.npy --out reference.json
    python write_reference.py SAVEDMODEL --random 2 --out reference.json   # seeded random inputs

The schema is documented in docs/saved-models.md.
"""
import argparse
import json

import numpy as np
import tensorflow as tf


def as_json(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.tolist()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("savedmodel")
    p.add_argument("--signature", default="serving_default")
    p.add_argument("--input", action="append", default=[], help="KEY=FILE.npy")
    p.add_argument("--random", type=int, default=0, help="batch size of seeded random inputs")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    fn = tf.saved_model.load(a.savedmodel).signatures[a.signature]
    _, specs = fn.structured_input_signature
    rng = np.random.default_rng(0)
    inputs = dict(kv.split("=", 1) for kv in a.input)
    inputs = {k: np.load(v) for k, v in inputs.items()} or {
        k: rng.random([a.random] + s.shape.as_list()[1:]).astype(s.dtype.as_numpy_dtype) for k, s in specs.items()}
    outputs = fn(**{k: tf.constant(v) for k, v in inputs.items()})
    ref = {"signature": a.signature, "tag": "serve", "rtol": 1e-5, "atol": 1e-6,
           "inputs": {k: as_json(v) for k, v in inputs.items()},
           "outputs": {k: as_json(v.numpy()) for k, v in outputs.items()}}
    with open(a.out, "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    main()
