"""Fake model function and scan script for ``bench/faults.py``: no Keras, so a run is fast.

The model's behaviour is set by environment variables, read at each call, so that the same
``Scan`` call (same fingerprint) can be attacked and then resumed unharmed:

``FAULT_DELAY``
    Seconds each run sleeps (default 0.02).
``FAULT_EPOCHS``
    Epochs in each history (default 3; the disk-full attack makes histories big).
``FAULT_MODE`` / ``FAULT_TARGET``
    ``keyboardinterrupt``, ``systemexit`` or ``baseexception``: raise it in the permutation
    whose ``run_id`` is ``FAULT_TARGET``; ``nan_first``: the first run of the process returns a
    NaN ``val_accuracy``; ``empty``: the first run returns an empty history ``{}``.
``FAULT_DIE_AFTER``
    SIGKILL the own process when run number ``k + 1`` of the process starts (a deterministic
    stop between runs, used before the corruption attacks).

Run as a script, this module runs the benchmark's scan:
``python bench/_fault_models.py RESULTS_DIR WORKERS``. ``CORRUPTIONS`` holds the damage done to
a round folder between two runs of it.
"""

from __future__ import annotations

import math
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PARAMS: dict[str, list[Any]] = {"a": list(range(10)), "b": list(range(6)), "c": ["x", "y", "z"]}
ROUND_LIMIT = 40
SEED = 7
EXPERIMENT = "faults"
_calls = 0


class CustomBaseError(BaseException):
    """A BaseException that is neither KeyboardInterrupt nor SystemExit."""


def fake_history(params: dict[str, Any], epochs: int) -> dict[str, list[float]]:
    """A deterministic history: its values are a known function of the params."""
    base = params["a"] / 10 + params["b"] / 100 + {"x": 0.0, "y": 0.5, "z": 1.0}[params["c"]]
    loss = [base + 1.0 / (epochs - e) for e in range(epochs)]  # last: base + 1
    return {
        "loss": loss,
        "val_loss": [v + 0.05 for v in loss],
        "accuracy": [1 - v / 10 for v in loss],
        "val_accuracy": [1 - v / 9 for v in loss],
    }


def fault_model(x_train, y_train, x_val, y_val, params):
    """Talos's contract with a fake history; misbehaves as the environment says."""
    global _calls
    _calls += 1
    die_after = int(os.environ.get("FAULT_DIE_AFTER", "0"))
    if die_after and _calls > die_after:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(float(os.environ.get("FAULT_DELAY", "0.02")))
    mode = os.environ.get("FAULT_MODE", "")
    if mode in ("keyboardinterrupt", "systemexit", "baseexception"):
        from scanlab.space import run_id_for, value_label

        labels = {k: value_label(v) for k, v in params.items()}
        if run_id_for(labels) == os.environ.get("FAULT_TARGET"):
            if mode == "keyboardinterrupt":
                raise KeyboardInterrupt
            if mode == "systemexit":
                raise SystemExit(3)
            raise CustomBaseError("a custom BaseException from the model function")
    history = fake_history(params, int(os.environ.get("FAULT_EPOCHS", "3")))
    if mode == "nan_first" and _calls == 1:
        history["val_accuracy"][-1] = math.nan
    if mode == "empty" and _calls == 1:
        history = {}
    return history, None


# ---- damage done to a round folder between two runs (each takes its results.csv) ----------


def _bom(csv: Path) -> None:
    csv.write_bytes(b"\xef\xbb\xbf" + csv.read_bytes())


def dup_row(csv: Path) -> None:
    lines = csv.read_bytes().splitlines(keepends=True)
    csv.write_bytes(b"".join(lines) + lines[1])


def _torn(csv: Path) -> None:
    lines = csv.read_bytes().splitlines(keepends=True)
    csv.write_bytes(b"".join(lines) + lines[1][:40])


def _metric_text(csv: Path) -> None:
    lines = csv.read_text().splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("loss")] = "oops"
    lines[1] = ",".join(cells)
    csv.write_text("".join(lines))


def _junk(csv: Path) -> None:
    with open(csv, "ab") as f:
        f.write(random.Random(1).randbytes(200))


def _no_manifest(csv: Path) -> None:
    (csv.parent / "manifest.json").unlink()


def _manifest_list(csv: Path) -> None:
    (csv.parent / "manifest.json").write_text("[]")


def _symlink(csv: Path) -> None:
    target = csv.parent.parent.parent / "elsewhere.csv"
    csv.rename(target)
    csv.symlink_to(target)


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "BOM added to results.csv": _bom,
    "duplicated row": dup_row,
    "torn last line": _torn,
    "metric cell edited to text": _metric_text,
    "binary junk appended": _junk,
    "manifest deleted": _no_manifest,
    "manifest replaced by a JSON list": _manifest_list,
    "results.csv replaced by a symlink": _symlink,
}


def main(results_dir: str, workers: int) -> None:
    """The benchmark's scan: the same call every time, so that calling it again resumes."""
    import numpy as np

    import scanlab
    import scanlab.executors

    scanlab.executors.WORKER_IDLE_TIMEOUT = 0
    fsize = int(os.environ.get("FAULT_FSIZE", "0"))
    if fsize:  # disk-full fallback when tmpfs cannot be mounted: writes past fsize fail
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    x, y = np.zeros((20, 2)), np.zeros(20)
    extra: dict[str, Any] = {"workers": workers} if workers > 1 else {}
    scanlab.Scan(
        x,
        y,
        params=PARAMS,
        model=fault_model,
        experiment_name=EXPERIMENT,
        results_dir=results_dir,
        round_limit=ROUND_LIMIT,
        seed=SEED,
        disable_progress_bar=True,
        clear_session=False,
        **extra,
    )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import _fault_models  # the worker processes import the model function by this name

    _fault_models.main(sys.argv[1], int(sys.argv[2]))
