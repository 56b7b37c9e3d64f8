"""Each rule of Scan's arguments: the check, its message and its fix.

One function per argument (or per small group that one rule ties together); each raises a
:mod:`scanlab.errors` exception naming the argument, the rule, the value received and the
fix. :func:`scanlab._settings.check_scan_arguments` calls them in order and builds the
settings; nothing here trains, writes or keeps state.
"""

from __future__ import annotations

import math
import os
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = [
    "REDUCTION_METHODS",
    "check_experiment_seed_and_limits",
    "check_flags",
    "check_metric_arguments",
    "check_model_pickles",
    "check_parallel_arguments",
    "check_reduction_arguments",
    "check_results_dir",
]

#: Talos's automatic reduction methods scanlab supports.
REDUCTION_METHODS = ("correlation", "spearman", "kendall", "pearson", "importance")


def _is_bool(value: Any) -> bool:
    """True for ``True``/``False`` and NumPy's bools, never for 0, 1 or strings."""
    return isinstance(value, (bool, np.bool_))


#: The longest folder name most file systems accept, in bytes of UTF-8.
_MAX_NAME_BYTES = 255


def _experiment_name_problem(name: str) -> str | None:
    """Why ``name`` is not one safe folder name, or None when it is."""
    if not name.strip():
        return "it is empty or only spaces"
    if name != name.strip():
        return "it starts or ends with a space"
    if not name.isprintable():
        return "it holds a character that does not print (a control or formatting character)"
    if name in (".", ".."):
        return f"{name!r} names the results folder itself or its parent"
    separators = {"/", "\\", ":"} | {os.sep} | ({os.altsep} if os.altsep else set())
    found = sorted(c for c in separators if c in name)
    if found:
        return f"it contains the path separator(s) {found}"
    control = [c for c in name if unicodedata.category(c) in ("Cc", "Zl", "Zp")]
    if control:
        return f"it contains the control character(s) {control}"
    if len(name.encode("utf-8", "surrogatepass")) > _MAX_NAME_BYTES:
        return f"it is longer than {_MAX_NAME_BYTES} bytes"
    return None


def check_experiment_seed_and_limits(
    experiment_name: Any, boolean_limit: Any, seed: Any, max_consecutive_failures: Any
) -> None:
    """``experiment_name`` is one safe folder name; ``boolean_limit`` a function or None;
    ``seed`` a non-negative int or None; ``max_consecutive_failures`` an int >= 1 or None."""
    problem = (
        _experiment_name_problem(experiment_name)
        if isinstance(experiment_name, str)
        else f"it is a {type(experiment_name).__name__}, not a string"
    )
    if problem is not None:
        raise ScanArgumentError(
            rule_message(
                "experiment_name",
                f"must be a non-empty folder name: one path component without '/', '\\', "
                f"':', control characters or a newline, not '.' or '..', at most "
                f"{_MAX_NAME_BYTES} bytes ({problem})",
                experiment_name,
                "use a plain name such as experiment_name='breast_cancer' and put the parent "
                "folders in results_dir",
            )
        )
    if boolean_limit is not None and not callable(boolean_limit):
        raise ScanArgumentTypeError(
            rule_message(
                "boolean_limit",
                "must be a function of one permutation dict returning True to keep it, or None",
                boolean_limit,
                "pass e.g. boolean_limit=lambda p: p['lr'] < 0.1",
            )
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ScanArgumentTypeError(
            rule_message(
                "seed",
                "must be a non-negative int or None",
                seed,
                "pass e.g. seed=42 to repeat the scan, or seed=None to draw one",
            )
        )
    if max_consecutive_failures is not None and (
        isinstance(max_consecutive_failures, bool)
        or not isinstance(max_consecutive_failures, int)
        or max_consecutive_failures < 1
    ):
        raise ScanArgumentError(
            rule_message(
                "max_consecutive_failures",
                "must be an int >= 1 or None (never stop)",
                max_consecutive_failures,
                "pass e.g. max_consecutive_failures=5 (the default)",
            )
        )


def check_results_dir(results_dir: Any, experiment_name: str) -> Path:
    """``results_dir / experiment_name``, once the folder can be created and written to."""
    if isinstance(results_dir, bool) or not isinstance(results_dir, (str, os.PathLike)):
        raise ScanArgumentTypeError(
            rule_message(
                "results_dir",
                "must be a folder path (a str or pathlib.Path)",
                results_dir,
                "pass e.g. results_dir='results' (the default) or a pathlib.Path",
            )
        )
    text = os.fspath(results_dir)
    if not isinstance(text, str):
        raise ScanArgumentTypeError(
            rule_message(
                "results_dir",
                "must be a folder path as text, not bytes",
                results_dir,
                "decode it first, e.g. results_dir=os.fsdecode(path)",
            )
        )
    if not text.strip():
        raise ScanArgumentError(
            rule_message(
                "results_dir",
                "must name a folder",
                text,
                "use results_dir='results' (the default), or '.' for the current folder",
            )
        )
    if "\x00" in text:
        raise ScanArgumentError(
            rule_message(
                "results_dir",
                "must not contain a NUL character",
                text,
                "remove the '\\x00' from the path",
            )
        )
    folder = Path(text)
    experiment_path = folder / experiment_name
    for path, what in ((folder, "results_dir"), (experiment_path, "results_dir/experiment_name")):
        if path.exists() and not path.is_dir():
            raise ScanArgumentError(
                rule_message(
                    what,
                    "must be a folder (or not exist yet), but it is an existing file",
                    str(path),
                    "pass another results_dir or experiment_name, or move the file away",
                )
            )
    existing = experiment_path
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise ScanArgumentError(
            rule_message(
                "results_dir",
                f"must be inside a folder, but {str(existing)!r} is a file",
                str(folder),
                "pass a results_dir whose parents are folders",
            )
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ScanArgumentError(
            rule_message(
                "results_dir",
                f"must be writable, but {str(existing)!r} is read-only for this user",
                str(folder),
                "pass a results_dir you can write to, e.g. one under your home folder",
            )
        )
    return experiment_path


def check_metric_arguments(metric: Any, reduction_metric: Any, minimize_loss: Any) -> None:
    """The tracked metric's names (history keys or None) and its direction (a bool or None)."""
    for name, value in (("metric", metric), ("reduction_metric", reduction_metric)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ScanArgumentTypeError(
                rule_message(
                    name,
                    "must be a history key such as 'val_loss', or None",
                    value,
                    f"pass the name of a metric your model logs, e.g. {name}='val_loss'",
                )
            )
    if minimize_loss is not None and not _is_bool(minimize_loss):
        raise ScanArgumentTypeError(
            rule_message(
                "minimize_loss",
                "must be True, False or None (guess the direction from the metric's name)",
                minimize_loss,
                "pass minimize_loss=True when lower values of the metric are better",
            )
        )


def check_flags(flags: Mapping[str, Any]) -> None:
    """Each flag (argument name -> value) is a bool, checked in the mapping's order."""
    for name, value in flags.items():
        if not _is_bool(value):
            raise ScanArgumentTypeError(
                rule_message(
                    name,
                    "must be True or False",
                    value,
                    f"pass {name}=True or {name}=False (a string such as 'no' is true in Python)",
                )
            )


def check_model_pickles(
    model: Any,
    workers: Any,
    executor: Any,
    workers_per_gpu: Any,
    max_runs_per_worker: Any,
    trial_timeout: Any,
    argument: str = "model",
) -> None:
    """Worker processes and Dask receive the model function (and ``preprocess``)
    cloudpickled: try it now; ``argument`` names it in the message."""
    in_workers = (
        executor is not None
        or (workers is not None and workers > 1)
        or workers_per_gpu != 1
        or max_runs_per_worker is not None
        or trial_timeout is not None
    )
    if not in_workers:
        return
    import cloudpickle

    try:
        cloudpickle.dumps(model)
    except Exception as exc:
        name = getattr(model, "__qualname__", type(model).__name__)
        raise ScanArgumentTypeError(
            rule_message(
                argument,
                "must be picklable (cloudpickle) to run in worker processes (workers, "
                "executor, trial_timeout, max_runs_per_worker, workers_per_gpu); pickling "
                f"it raised {type(exc).__name__}: {exc}",
                name,
                "define the model function at module level and create what it needs (a lock, "
                "a file, a session, a loaded model) inside it instead of capturing it, or drop "
                "the worker arguments to run in this process",
            )
        ) from exc


def check_parallel_arguments(
    workers: Any,
    executor: Any,
    workers_per_gpu: Any,
    max_runs_per_worker: Any,
    trial_timeout: Any,
) -> None:
    """Worker counts, run timeout, and a Dask ``executor`` (which excludes scanlab's own
    worker options)."""
    examples = {
        "workers": "workers=2 to run two trials at once in worker processes",
        "workers_per_gpu": "workers_per_gpu=2 to share each GPU between two workers",
        "max_runs_per_worker": "max_runs_per_worker=50 to replace a worker after 50 runs",
    }
    for name, value in (
        ("workers", workers),
        ("workers_per_gpu", workers_per_gpu),
        ("max_runs_per_worker", max_runs_per_worker),
    ):
        if value is None and name != "workers_per_gpu":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScanArgumentError(
                rule_message(name, "must be an int >= 1", value, f"pass e.g. {examples[name]}")
            )
    if trial_timeout is not None and (
        isinstance(trial_timeout, bool)
        or not isinstance(trial_timeout, (int, float))
        or not math.isfinite(trial_timeout)
        or trial_timeout <= 0
    ):
        raise ScanArgumentError(
            rule_message(
                "trial_timeout",
                "must be a positive number of seconds, or None (no timeout)",
                trial_timeout,
                "pass e.g. trial_timeout=600 to stop a run after ten minutes",
            )
        )
    if executor is None:
        return
    from scanlab.executors import dask_client_type

    if not type(executor).__module__.startswith("distributed") or not isinstance(
        executor, dask_client_type()
    ):
        raise ScanArgumentTypeError(
            f"executor must be a dask.distributed.Client, got {type(executor).__name__}. "
            f"Fix: pass executor=Client(...), or for worker processes on this machine use "
            f"workers=N instead."
        )
    if trial_timeout is not None or max_runs_per_worker is not None or workers is not None:
        raise ScanArgumentError(
            "trial_timeout, max_runs_per_worker and workers apply to scanlab's own worker "
            "processes, not to a Dask cluster (size it with the cluster; Dask's nanny restarts "
            f"workers), got trial_timeout={trial_timeout!r}, max_runs_per_worker="
            f"{max_runs_per_worker!r}, workers={workers!r} with executor. Fix: drop them or "
            f"drop executor."
        )


def check_reduction_arguments(method: Any, interval: Any, window: Any, threshold: Any) -> None:
    """Automatic reduction: a known method, then interval, window (>= 2) and threshold;
    nothing is checked when ``method`` is None (reduction off)."""
    if method is None:
        return
    if not isinstance(method, str) or method not in REDUCTION_METHODS:
        raise ScanArgumentError(
            f"reduction_method={method!r} is unknown: it must be one of "
            f"{list(REDUCTION_METHODS)} or None. Fix: use e.g. reduction_method='correlation', "
            f"or None (no automatic reduction)."
        )
    for name, value, example in (
        ("reduction_interval", interval, 50),
        ("reduction_window", window, 20),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ScanArgumentError(
                rule_message(
                    name, "must be an int >= 1 (runs)", value, f"use e.g. {name}={example}"
                )
            )
    if window < 2:
        raise ScanArgumentError(
            f"reduction_window={window} is too small to judge a value: a correlation needs at "
            f"least 2 runs. Fix: use reduction_window=20 (Talos's default) or more."
        )
    if window < 5:
        warnings.warn(
            f"reduction_window={window}: every correlation over {window} runs is close to "
            f"+1 or -1, so each reduction acts on noise. Use reduction_window=20 (Talos's "
            f"default) or more.",
            UserWarning,
            stacklevel=4,
        )
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not (0 <= threshold < 1)
    ):
        raise ScanArgumentError(
            rule_message(
                "reduction_threshold",
                "must be in [0, 1) (the minimum association to act on)",
                threshold,
                "use e.g. reduction_threshold=0.2 (the default)",
            )
        )
