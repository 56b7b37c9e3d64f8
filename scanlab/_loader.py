"""The one loader: a results CSV, a round folder or an experiment folder (scanlab's or
Talos's) read into a DataFrame, with what the rounds' manifests say about it (the parameter
names, so the other columns are metrics; the tracked metric and its direction).

:mod:`scanlab.results` builds :class:`~scanlab.results.Results` on top of it; the files
themselves are found and read by :mod:`scanlab._files`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._files import (
    read_csv_part,
    read_round,
    result_parts,
    round_dirs,
    typed,
)
from scanlab._manifest import manifest_params, read_manifest
from scanlab._metric_names import is_fold_detail
from scanlab._reuse import round_view
from scanlab._schema import REQUIRED_COLUMNS, is_reserved
from scanlab.errors import AnalysisError, ResultsFormatError, rule_message

__all__ = [
    "load_results",
    "manifest_metric",
]


def load_results(path: str | os.PathLike, attempts: bool = False) -> pd.DataFrame:
    """Read runs into a DataFrame: a results CSV, a round folder or an experiment folder.

    An experiment folder gives every round (see the ``round`` column). Talos experiment CSVs
    (1.x and 2.x layouts) are read too and mapped onto scanlab's columns. A byte-order mark
    is skipped and a torn last line ignored; a corrupt line elsewhere (binary data, too many
    fields, a bad status, text in a metric column) raises
    :class:`~scanlab.errors.ResultsFormatError` naming the file, the line and the fix. A row
    copied by hand is ignored, with a warning naming the lines. When the folder has
    manifests, ``attrs['params']`` and ``attrs['metrics']`` name the parameter and metric
    columns.

    A failed run retried on resume has one row per attempt on disk: the newest one is
    returned (``attempts=True`` returns every attempt). A round folder also shows the runs
    the round reused from earlier rounds (their ``round`` column names the round that
    trained them); an experiment folder shows each row once, in the round that wrote it.

    Parameters
    ----------
    path : str or path-like
        ``results/<experiment>``, ``results/<experiment>/round-NNN`` or a CSV file.
    attempts : bool, default False
        Return every attempt of a retried run, not only the newest one.

    Returns
    -------
    DataFrame
        One row per finished run.

    Examples
    --------
    >>> df = load_results('results/breast_cancer')          # doctest: +SKIP
    >>> df.groupby('round')['val_accuracy'].max()            # doctest: +SKIP
    """
    if not isinstance(path, (str, os.PathLike)):
        raise AnalysisError(
            rule_message(
                "path",
                "must be a results CSV, a round folder or an experiment folder (str or Path)",
                path,
                "e.g. load_results('results/<experiment_name>')",
            )
        )
    path = Path(path)
    if path.is_file():
        in_round = path.resolve() in {p.resolve() for p in result_parts(path.parent)}
        params = manifest_params(path.parent) if in_round else None
        frame = typed(read_csv_part(path, params, attempts))
        if not len(frame.columns):
            raise ResultsFormatError(
                f"{str(path)!r} holds no complete line: it is empty, or its only line (the "
                f"header) has no line end, as when a crash tore it. Fix: point to a results.csv "
                f"written by scanlab.Scan or a Talos CSV; a round folder whose only file is "
                f"torn like this is resumed by the same Scan call."
            )
    elif not path.is_dir():
        raise FileNotFoundError(
            f"no such results file or experiment folder: {str(path)!r}. Fix: give a results "
            f"CSV, a round folder or an experiment folder (e.g. 'results/<experiment_name>')."
        )
    elif result_parts(path):
        frame = read_round(path, manifest_params(path), attempts)
        if not attempts:
            frame = typed(round_view(path, frame, read_manifest(path)))
    elif round_dirs(path):
        dirs = [d for d in round_dirs(path) if result_parts(d)]
        frames = [read_round(d, manifest_params(d), attempts) for d in dirs]
        frames = [f for f in frames if len(f.columns) > len(REQUIRED_COLUMNS)] or frames[:1]
        frame = pd.concat(frames, ignore_index=True, sort=False) if frames else read_round(path)
        frame = typed(frame)
    else:
        talos = sorted(path.glob("*.csv")) + sorted(path.glob("*/results.csv"))
        if not talos:
            raise ResultsFormatError(
                f"{str(path)!r} holds no results: expected results.csv files in round-NNN "
                f"folders (a scanlab experiment) or CSV files (Talos). Has a scan run there yet?"
            )
        frames = [f for f in (read_csv_part(p) for p in talos) if len(f.columns)]
        frame = typed(
            pd.concat(frames, ignore_index=True, sort=False) if frames else read_round(path)
        )
    params = _manifest_params(path)
    if params is not None and set(params) <= set(frame.columns):
        frame.attrs["params"] = params
        columns = set(map(str, frame.columns))
        frame.attrs["metrics"] = sorted(
            c
            for c in frame.columns
            if isinstance(c, str)
            and c not in params
            and not is_reserved(c)
            and not is_fold_detail(c, columns)
        )
    return frame


def _manifests(path: Path) -> list[dict[str, Any]] | None:
    """The manifests of the rounds under ``path``; None when any round lacks a usable one."""
    folder = path.parent if path.is_file() else path
    dirs = [folder] if result_parts(folder) else [d for d in round_dirs(folder) if result_parts(d)]
    found = [read_manifest(d) for d in dirs]
    if not dirs or any(not isinstance(m, dict) for m in found):
        return None
    return [m for m in found if isinstance(m, dict)]


def _manifest_params(path: Path) -> list[str] | None:
    """The parameter names of every round under ``path``; None when a manifest lacks them."""
    manifests = _manifests(path)
    if manifests is None or any(not isinstance(m.get("params"), dict) for m in manifests):
        return None
    return sorted({name for m in manifests for name in m["params"]})


def manifest_metric(path: Path) -> tuple[str | None, bool | None]:
    """The metric every round tracked, and its direction, when all manifests agree.

    Parameters
    ----------
    path : Path
        A results CSV, a round folder or an experiment folder.

    Returns
    -------
    tuple of (str or None, bool or None)
        The tracked metric and whether it is minimized; None where the rounds' manifests
        are missing or disagree.
    """
    manifests = _manifests(path) or []
    metrics = {m.get("metric") for m in manifests}
    directions = {m.get("minimize") for m in manifests}
    metric = metrics.pop() if len(metrics) == 1 else None
    minimize = directions.pop() if len(directions) == 1 and metric else None
    return (metric if isinstance(metric, str) else None), (
        minimize if isinstance(minimize, bool) else None
    )
