"""Runs a later round does not train again: ok rows of earlier rounds trained on the same
data with the same model function, and how a round shows the rows it reused.

Rule: a round reuses the ``ok`` row of a permutation (same ``run_id``, i.e. the same
parameter values) from another round of the experiment when both rounds record the same
``data_fingerprint`` (training and validation arrays, after the split) and the same model
identity (:func:`model_identity`: the model function's code, closure values and the code of
the module-level functions it calls) in every session. The row stays where it was written;
the reusing round's manifest lists it under ``reused`` (source round -> run ids), and the
round's own view (``scan.data``, ``load_results(round_folder)``) shows it, while an
experiment-wide read counts it once, in its own round.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._files import read_round, round_dirs
from scanlab._histories import read_histories
from scanlab._manifest import manifest_params, read_manifest, write_manifest
from scanlab._metric_names import resolve_metric
from scanlab.errors import MetricNotFoundError

__all__ = [
    "RoundReuse",
    "histories",
    "model_identity",
    "reusable_rows",
    "reused_ids",
    "round_view",
]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def model_identity(model: Any) -> str:
    """A hash of what a model function computes, for telling comparable rounds apart.

    It covers the function's source (its bytecode when there is no source), its defaults,
    the values it closes over, the module-level constants it reads (numbers, strings and
    short containers of them) and, one module deep, the source of the module-level
    functions and classes of its own module that it calls. Code in other modules (a helper
    imported from your package) and files it reads are not covered.

    Parameters
    ----------
    model : callable
        The model function (a function, a ``functools.partial``, a bound method or a
        callable object).

    Returns
    -------
    str
        16 hexadecimal digits.

    Examples
    --------
    >>> def f(x_train, y_train, x_val, y_val, params):
    ...     return None
    >>> model_identity(f) == model_identity(f)
    True
    >>> model_identity(f) == model_identity(functools.partial(f))
    False
    """
    return hashlib.sha1(_describe(model, 0, set()).encode()).hexdigest()[:16]


def _describe(obj: Any, depth: int, seen: set[int]) -> str:
    if id(obj) in seen or depth > 3:
        return f"<{type(obj).__qualname__}>"
    seen.add(id(obj))
    if isinstance(obj, functools.partial):
        args = ", ".join(_value(v, depth, seen) for v in obj.args)
        kwargs = ", ".join(f"{k}={_value(v, depth, seen)}" for k, v in sorted(obj.keywords.items()))
        return f"partial({_describe(obj.func, depth + 1, seen)}; {args}; {kwargs})"
    function = getattr(obj, "__func__", obj)
    code = getattr(function, "__code__", None)
    if code is None:  # a class or a callable object: its class's source
        cls = obj if isinstance(obj, type) else type(obj)
        state = "" if isinstance(obj, type) else _value(getattr(obj, "__dict__", {}), depth, seen)
        return f"{cls.__module__}:{cls.__qualname__}:{_source(cls)}:{state}"
    parts = [f"{function.__module__}:{function.__qualname__}", _source(function, code)]
    parts.append(_value(getattr(function, "__defaults__", None), depth, seen))
    for cell in getattr(function, "__closure__", None) or ():
        try:
            parts.append(_value(cell.cell_contents, depth, seen))
        except ValueError:  # an empty cell
            parts.append("<empty>")
    module_globals = getattr(function, "__globals__", {})
    for name in sorted(set(_names(code))):
        found = module_globals.get(name)
        if callable(found) and getattr(found, "__module__", None) == function.__module__:
            parts.append(f"{name}={_describe(found, depth + 1, seen)}")
        elif _plain(found):  # a module-level constant the function reads (EPOCHS = 10)
            parts.append(f"{name}={found!r}")
    return "|".join(parts)


def _plain(value: Any) -> bool:
    """A number, string, bool or None, or a short tuple/list/dict of them."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (tuple, list)) and len(value) <= 100:
        return all(_plain(v) for v in value)
    if isinstance(value, dict) and len(value) <= 100:
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def _names(code: Any) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names += _names(const)
    return names


def _value(value: Any, depth: int, seen: set[int]) -> str:
    if callable(value) and not isinstance(value, type):
        return _describe(value, depth + 1, seen)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {_value(v, depth, seen)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v, depth, seen) for v in value) + "]"
    return _ADDRESS.sub("", repr(value))[:2000]


def _source(obj: Any, code: Any = None) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        if code is None:
            return "<no source>"
        return code.co_code.hex() + repr([c for c in code.co_consts if not hasattr(c, "co_code")])


def reused_ids(manifest: Mapping[str, Any] | None) -> dict[int, list[str]]:
    """The runs a round reused, by source round number, as its manifest records them.

    Parameters
    ----------
    manifest : mapping or None
        A round's manifest.

    Returns
    -------
    dict
        ``{round number: [run_id, ...]}``; empty when the round reused none.

    Examples
    --------
    >>> reused_ids({'reused': {'1': ['a', 'b']}})
    {1: ['a', 'b']}
    """
    found = (manifest or {}).get("reused")
    if not isinstance(found, Mapping):
        return {}
    return {int(k): [str(i) for i in v] for k, v in found.items() if str(k).isdigit()}


def _comparable(
    manifest: Any,
    data_fingerprint: str,
    model: str,
    tracked: tuple[Any, Any] = (None, None),
    early_stopping: Any = None,
    scoring: Any = (),
) -> bool:
    """Rows of a round are reusable: same data, same model code, same early stopping and,
    when this round names its tracked metric or direction, the same ones
    (``best_epoch``/``best_value`` follow them)."""
    if not (
        isinstance(manifest, dict)
        and manifest.get("data_fingerprint") == data_fingerprint
        and manifest.get("models") == [model]
    ):
        return False
    if manifest.get("early_stopping") != early_stopping:  # it decides where runs stop
        return False
    if list(manifest.get("scoring") or []) != list(scoring):  # its rows lack those columns
        return False
    if manifest.get("search") is not None:  # its rows trained for rung budgets, not epochs
        return False
    metric, minimize = tracked
    if metric is not None and manifest.get("metric") is not None:
        try:
            resolve_metric(metric, [manifest["metric"]])
        except MetricNotFoundError:
            return False
    return minimize is None or manifest.get("minimize") in (None, minimize)


def reusable_rows(
    experiment_path: Path,
    this_round: int,
    data_fingerprint: str,
    model: str,
    tracked: tuple[Any, Any] = (None, None),
    early_stopping: Any = None,
    scoring: Any = (),
) -> dict[str, tuple[int, dict[str, Any]]]:
    """The ok rows of the experiment's other rounds that a round may take instead of training.

    Parameters
    ----------
    experiment_path : Path
        The experiment folder.
    this_round : int
        The round asking (its own rows are not offered).
    data_fingerprint, model : str
        The round's data fingerprint and :func:`model_identity`.
    tracked : (str or None, bool or None)
        The metric and direction this round was asked to track (None: not named).
    early_stopping : dict or None
        The round's early stopping (rows of a round that stopped runs otherwise differ).
    scoring : sequence of str
        The round's scoring (rows scored otherwise have other columns).

    Returns
    -------
    dict
        ``{run_id: (round number, row)}``, the newest round's row where several have one.
    """
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for folder in round_dirs(experiment_path):
        number = int(folder.name.split("-")[1])
        manifest = read_manifest(folder)
        if number == this_round or not _comparable(
            manifest, data_fingerprint, model, tracked, early_stopping, scoring
        ):
            continue
        rows = read_round(folder, manifest_params(folder))
        for row in rows[rows["status"] == "ok"].to_dict("records"):
            found[str(row["run_id"])] = (number, row)
    return found


def round_view(
    round_dir: Path, own: pd.DataFrame, manifest: Mapping[str, Any] | None
) -> pd.DataFrame:
    """A round's rows as its scan shows them: its own rows and the rows it reused.

    Parameters
    ----------
    round_dir : Path
        The round folder (its siblings hold the reused rows).
    own : DataFrame
        The rows written in this round (:func:`scanlab._files.read_round`).
    manifest : mapping or None
        The round's manifest (``reused``).

    Returns
    -------
    DataFrame
        ``own`` plus the reused rows (each keeping its source round in ``round``); a run of
        ``own`` that was reused instead is shown once, as the reused row.
    """
    reused = reused_ids(manifest)
    if not reused:
        return own
    frames = []
    for number, ids in sorted(reused.items()):
        source = round_dir.parent / f"round-{number:03d}"
        rows = read_round(source, manifest_params(source)) if source.is_dir() else pd.DataFrame()
        if len(rows):
            frames.append(rows[rows["run_id"].astype(str).isin(set(ids))])
    if not frames:
        return own
    taken = pd.concat(frames, ignore_index=True, sort=False)
    kept = own[~own["run_id"].astype(str).isin(set(taken["run_id"].astype(str)))]
    view = pd.concat([taken, kept], ignore_index=True, sort=False)
    return view[[*own.columns, *(c for c in view.columns if c not in set(own.columns))]]


def histories(path: str | Path) -> dict[str, dict[str, list[float]]]:
    """Per-epoch histories by ``run_id``, those of a round's reused runs included.

    Parameters
    ----------
    path : str or Path
        A round folder, an experiment folder or a file in a round folder
        (:func:`scanlab._histories.read_histories`).

    Returns
    -------
    dict
        ``{run_id: {key: [value per epoch, ...]}}``; a round folder adds the histories of
        the runs it reused, read from the rounds that trained them.
    """
    folder = Path(path)
    folder = folder.parent if folder.is_file() else folder
    found = read_histories(folder)
    for number, ids in sorted(reused_ids(read_manifest(folder)).items()):
        source = read_histories(folder.parent / f"round-{number:03d}")
        found.update({i: source[i] for i in ids if i in source})  # as round_view shows them
    return found


class RoundReuse:
    """One round's reuse of other rounds' ok rows, recorded in its manifest.

    Parameters
    ----------
    experiment_path : Path
        The experiment folder.
    outcome : ScanOutcome
        The round (its ``round``, ``round_path`` and ``manifest``, updated in place).
    data_fingerprint, model : str
        The round's data fingerprint and :func:`model_identity`.
    save_models : bool
        Whether the round saves models: a reused run then needs its saved model, linked
        into this round's ``models/`` (a run without one is trained instead).
    enabled : bool, default True
        False reuses nothing (``Scan(resume=False)``: train everything again).
    tracked : (str or None, bool or None)
        The metric and direction the round was asked to track (see :func:`reusable_rows`).
    early_stopping : dict or None
        The round's early stopping.
    scoring : sequence of str
        The round's scoring.
    """

    def __init__(
        self,
        experiment_path: Path,
        outcome: Any,
        data_fingerprint: str,
        model: str,
        save_models: bool,
        enabled: bool = True,
        tracked: tuple[Any, Any] = (None, None),
        early_stopping: Any = None,
        scoring: Any = (),
    ) -> None:
        self.experiment_path = Path(experiment_path)
        self.outcome = outcome
        same = (data_fingerprint, model, tracked, early_stopping, scoring)
        self.rows = reusable_rows(experiment_path, outcome.round, *same) if enabled else {}
        self.save_models = save_models
        self.pending = False

    def take(self, run_id: str) -> dict[str, Any] | None:
        """The row to reuse for ``run_id`` (recorded in the manifest), or None: train it.

        Parameters
        ----------
        run_id : str
            The run the scheduler hands out.

        Returns
        -------
        dict or None
        """
        found = self.rows.get(run_id)
        if found is None or (self.save_models and not self._link_model(*found)):
            return None
        number, row = found
        manifest = self.outcome.manifest
        manifest.setdefault("reused", {}).setdefault(str(number), []).append(run_id)
        manifest["runs_reused"] = sum(len(v) for v in manifest["reused"].values())
        self.pending = True
        return row

    def flush(self) -> None:
        """Write the manifest if runs were reused since the last write. (A crash before
        it loses nothing: the same rows are found reusable again on resume.)"""
        if self.pending:
            write_manifest(self.outcome.round_path, self.outcome.manifest)
            self.pending = False

    def _link_model(self, number: int, row: dict[str, Any]) -> bool:
        name = f"{row['run_id']}.keras"
        source = self.experiment_path / f"round-{number:03d}" / "models" / name
        target = Path(self.outcome.round_path) / "models" / name
        if not source.is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        return True
