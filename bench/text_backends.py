"""The text pipeline on each Keras backend: TextPreprocess, every text_classifier cell, the
top-k loss, balanced class weights, scoring and a Hyperband search whose promoted runs
continue from their checkpoints, in one scan per backend (a subprocess each).

Prints, per backend, the rows, how many are ok and how many continued a previous rung. A
backend that is not installed is reported as such. torch's wheel is large; to check it
without touching this environment, give a second interpreter that has it (a virtualenv made
with ``--system-site-packages`` sees scanlab and Keras from here):

    python bench/text_backends.py                              # tensorflow, jax (and torch)
    python bench/text_backends.py --python-for torch=/tmp/tv/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

_SCAN = """
import json, sys
import numpy as np, keras, scanlab
from scanlab.datasets import trec
from scanlab.text import TextPreprocess
from scanlab.text_models import text_classifier

data = trec().subset(np.arange(0, 5452, 20))
params = {"cell": ["lstm", "gru", "simple_rnn", "conv1d_lstm", "conv1d"], "units": [8],
          "embedding_dim": [8], "vocab_size": [500], "seq_len": [12],
          "loss_function": ["crossentropy", "top_k"], "top_k": [8],
          "class_weight": ["balanced"], "batch_size": [16]}
scan = scanlab.Scan(data.texts, data.labels, params=params, model=text_classifier(6),
                    preprocess=TextPreprocess(), experiment_name="backend",
                    results_dir=sys.argv[1], disable_progress_bar=True, seed=0,
                    scoring=["recall_macro"], search=scanlab.Hyperband(max_epochs=9, factor=3))
rows = scan.data
print("OUTCOME" + json.dumps({
    "backend": keras.backend.backend(), "rows": len(rows), "ok": int((rows.status == "ok").sum()),
    "continued": int((rows.initial_epoch > 0).sum()),
    "cells": sorted(rows.cell.unique()),
    "errors": sorted(set(rows.error.dropna().astype(str)))[:3]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python-for", action="append", default=[], metavar="BACKEND=PYTHON")
    args = parser.parse_args()
    pythons = dict(item.split("=", 1) for item in args.python_for)
    for backend in ("tensorflow", "jax", "torch"):
        python = pythons.get(backend, sys.executable)
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [python, "-c", _SCAN, folder], env=env, capture_output=True, text=True
            )
        lines = [x for x in done.stdout.splitlines() if x.startswith("OUTCOME")]
        if not lines:
            missing = "No module named" in done.stderr
            reason = "not installed" if missing else done.stderr.strip().splitlines()[-1:]
            print(f"{backend}: {reason}")
            continue
        outcome = json.loads(lines[-1].removeprefix("OUTCOME"))
        print(
            f"{backend}: {outcome['rows']} rows, {outcome['ok']} ok, "
            f"{outcome['continued']} continued from a checkpoint, cells {outcome['cells']}"
            + (f", errors {outcome['errors']}" if outcome["errors"] else "")
        )


if __name__ == "__main__":
    main()
