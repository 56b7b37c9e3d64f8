"""Read runs back: one loader for every consumer (Analyze, suggest, the report, the CLI).

:func:`load_results` (from :mod:`scanlab._loader`) reads a results CSV, a round folder or an
experiment folder (scanlab's or Talos's) into a DataFrame. :func:`read_results` turns any
source — a path, a DataFrame, a finished ``Scan`` — into a :class:`Results` value: the runs,
which columns are parameters and which are metrics, the default metric and each metric's
direction, the per-epoch histories and where it all came from. For scanlab's own results the
parameter names, the tracked metric and its direction come from the rounds' manifests, never
from guessing; only a table without a manifest (Talos's, a hand-made one) has its columns
split by name (:func:`scanlab._schema.split_columns`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scanlab._loader import load_results, manifest_metric
from scanlab._metric_names import (
    default_metric,
    is_loss_like,
    resolve_metric,
)
from scanlab._reuse import histories as read_histories
from scanlab._schema import (
    NUMERIC_RESERVED_COLUMNS,
    check_results,
    split_columns,
)
from scanlab.analysis.runs import ok_mask, require_ok
from scanlab.errors import (
    AnalysisError,
    MetricNotFoundError,
    NoRunsError,
    rule_message,
)

# load_results is defined in scanlab._loader and exported here, the documented place.
__all__ = [
    "Results",
    "load_results",
    "read_results",
]

Histories = Mapping[str, Mapping[str, Sequence[float]]]


@dataclass(frozen=True, eq=False)
class Results:
    """Runs and what is known about them: the value every analysis consumer reads.

    Build one with :func:`read_results`.

    Parameters
    ----------
    data, params, metrics, metric, directions, source, folder
        The fields (see Attributes).

    Attributes
    ----------
    data : DataFrame
        Every run, failed ones included.
    params, metrics : tuple of str
        Parameter and metric columns, sorted.
    metric : str
        The default metric: the one the scan tracked, else :func:`default_metric`.
    directions : mapping
        Metric name -> minimize, where known from the user or the scan; other metrics'
        directions follow from their names (:meth:`minimize`).
    source : str
        Where the runs came from (a path, ``'DataFrame'``, ``'Scan'``).
    folder : Path or None
        The round or experiment folder, when there is one (for histories).
    """

    data: pd.DataFrame
    params: tuple[str, ...]
    metrics: tuple[str, ...]
    metric: str
    directions: Mapping[str, bool]
    source: str
    folder: Path | None = None
    _histories: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def resolve(self, metric: str | None) -> str:
        """The metric column meant by ``metric`` (Talos aliases accepted); None: the default.

        Parameters
        ----------
        metric : str or None
            A metric name, or a numeric reserved column (``duration_s``, ...).

        Returns
        -------
        str
            The column name.

        Raises
        ------
        AnalysisError
            When ``metric`` is not a string.
        MetricNotFoundError
            When no metric column matches.
        """
        if metric is None:
            return self.metric
        if not isinstance(metric, str):
            raise AnalysisError(
                rule_message("metric", "must be a column name (str)", metric, "e.g. 'val_loss'")
            )
        if metric in NUMERIC_RESERVED_COLUMNS and metric in self.data.columns:
            return metric
        return resolve_metric(metric, self.metrics, "metric")

    def minimize(self, metric: str | None = None, minimize: bool | None = None) -> bool:
        """Whether lower is better for ``metric``: ``minimize`` if given, else as known.

        Parameters
        ----------
        metric : str, optional
            The metric (resolved by :meth:`resolve`); default: :attr:`metric`.
        minimize : bool, optional
            The answer, when the caller knows it.

        Returns
        -------
        bool
            ``minimize`` if given, else the direction in :attr:`directions`, else the one
            read from the metric's name.
        """
        if minimize is not None:
            return bool(minimize)
        metric = self.resolve(metric)
        return self.directions.get(metric, is_loss_like(metric))

    def attempts(self) -> pd.DataFrame:
        """Every attempt of every run: the failed rows of retried runs too.

        :attr:`data` holds the newest row of each run (a failed run retried on resume has
        a row per attempt on disk); this reads them all again from :attr:`folder`.

        Returns
        -------
        DataFrame
            :func:`load_results` of the folder with ``attempts=True``; :attr:`data` itself
            when the runs did not come from a folder.
        """
        if self.folder is None or not self.folder.is_dir():
            return self.data
        return load_results(self.folder, attempts=True)

    def histories(self) -> dict[str, Any]:
        """Per-epoch histories of these runs by ``run_id`` (read once from the sidecars).

        Returns
        -------
        dict
            ``{run_id: {key: [value per epoch, ...]}}``: those given to
            :func:`read_results`, else those of the runs in :attr:`data` read from
            :attr:`folder`; empty when there are none.
        """
        if "runs" not in self._histories:
            found: dict[str, Any] = {}
            if self.folder is not None and self.folder.is_dir():
                found = read_histories(self.folder)
            if "run_id" in self.data.columns:
                ids = set(self.data["run_id"].astype(str))
                found = {k: v for k, v in found.items() if str(k) in ids}
            self._histories["runs"] = found
        return self._histories["runs"]


def _folder_of(path: Any) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    return p.parent if p.suffix.lower() == ".csv" or p.is_file() else p


def _check_reading_arguments(minimize: Any, params: Any, metrics: Any) -> None:
    if minimize is not None and not isinstance(minimize, (bool, np.bool_, Mapping)):
        raise AnalysisError(
            rule_message(
                "minimize",
                "must be True, False, None or a dict {metric: bool}",
                minimize,
                "e.g. minimize=True (lower is better) or minimize={'val_mae': True}",
            )
        )
    if isinstance(minimize, Mapping):
        bad = {k: v for k, v in minimize.items() if not isinstance(v, (bool, np.bool_))}
        if bad:
            raise AnalysisError(
                rule_message("minimize", "must map metric names to True or False", bad, "use bools")
            )
    for name, value in (("params", params), ("metrics", metrics)):
        if value is not None and (
            isinstance(value, str)
            or not isinstance(value, Sequence)
            or not all(isinstance(c, str) for c in value)
        ):
            raise AnalysisError(
                rule_message(
                    name,
                    "must be a list of column names",
                    value,
                    f"e.g. {name}=['lr', 'units']"
                    if name == "params"
                    else f"e.g. {name}=['val_loss']",
                )
            )


def read_results(
    source: Any,
    metric: str | None = None,
    minimize: bool | Mapping[str, bool] | None = None,
    *,
    params: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    histories: Histories | None = None,
) -> Results:
    """Read runs from any source into a :class:`Results`.

    Parameters
    ----------
    source : Results, Scan, DataFrame, str or path
        A finished ``Scan`` (its runs, parameters, tracked metric and direction), a DataFrame
        of runs, a results CSV (scanlab's or Talos's), a round folder or an experiment folder.
    metric : str, optional
        The default metric (Talos aliases accepted). Default: the metric the scan tracked
        (Scan or manifest), else :func:`scanlab._metric_names.default_metric`.
    minimize : bool or dict, optional
        Direction of ``metric`` (a bool) or of several metrics (a dict). Default: the scan's
        recorded direction, else inferred from the name.
    params, metrics : sequence of str, optional
        The parameter / metric columns, when they cannot be known (no manifest).
    histories : mapping, optional
        Per-epoch histories ``{run_id: {key: [values]}}``; default: the folder's sidecars.

    Returns
    -------
    Results

    Examples
    --------
    >>> df = pd.DataFrame({'run_id': ['a', 'b'], 'round': 1, 'status': 'ok', 'lr': [0.1, 0.01],
    ...                    'accuracy': [0.8, 0.9], 'val_accuracy': [0.7, 0.85]})
    >>> r = read_results(df, metric='val_acc')
    >>> r.params, r.metric, r.minimize()
    (('lr',), 'val_accuracy', False)
    """
    if isinstance(getattr(source, "results", None), Results):  # an Analyze
        source = source.results
    _check_reading_arguments(minimize, params, metrics)
    known_directions: Mapping[str, bool] = {}
    if isinstance(source, Results):
        if metric is None and minimize is None and params is None and metrics is None:
            return source
        source_data, label, folder = source.data, source.source, source.folder
        tracked, tracked_minimize = source.metric, source.directions.get(source.metric)
        known_directions = source.directions  # every direction the user or the scan gave
        if params is None and metrics is None:
            params, metrics = source.params, source.metrics
        if histories is None and "runs" in source._histories:
            histories = source._histories["runs"]
    elif isinstance(source, pd.DataFrame):
        source_data, label, folder = source, "DataFrame", None
        tracked, tracked_minimize = None, None
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        source_data, label, folder = load_results(path), str(path), _folder_of(path)
        if len(source_data):
            check_results(source_data, label)
        tracked, tracked_minimize = manifest_metric(path)
    elif isinstance(getattr(source, "data", None), pd.DataFrame):  # a Scan (scanlab or Talos)
        source_data, label = source.data, type(source).__name__
        folder = _folder_of(getattr(source, "round_path", None))
        names = getattr(source, "params", None)
        if (
            params is None
            and metrics is None
            and isinstance(names, Mapping)
            and set(names) <= set(source_data.columns)
        ):
            params = list(names)
        tracked = getattr(source, "tracked_metric", None)
        tracked_minimize = getattr(source, "minimize", None)
    else:
        raise AnalysisError(
            "the runs must be a Scan, a DataFrame, a results CSV path or an experiment folder, "
            f"but got {type(source).__name__}. Fix: pass scan, scan.data or 'results/<name>'."
        )
    if len(source_data) == 0:
        raise NoRunsError(
            f"{label} has no runs: nothing to analyse. Fix: let a scan record runs first, or "
            f"point to the folder it wrote (results/<experiment_name>)."
        )
    columns = split_columns(source_data, params, metrics)
    reserved = [c for c in NUMERIC_RESERVED_COLUMNS if c in source_data.columns]
    if metric is not None:
        if not isinstance(metric, str):
            raise AnalysisError(
                rule_message("metric", "must be a column name (str)", metric, "e.g. 'val_loss'")
            )
        chosen = metric if metric in reserved else resolve_metric(metric, columns.metrics)
    elif isinstance(tracked, str) and tracked in columns.metrics:
        chosen = tracked
    elif columns.metrics:
        chosen = default_metric(columns.metrics)
    elif not ok_mask(source_data).any():
        require_ok(source_data)  # raises: every run failed, with the most common error
    else:
        raise MetricNotFoundError(
            f"{label} has no metric columns (loss, val_loss, accuracy, ...). Fix: name them "
            f"with metrics=[...]."
        )
    directions = {
        k: v for k, v in known_directions.items() if k in columns.metrics or k in reserved
    }
    if isinstance(tracked, str) and isinstance(tracked_minimize, bool):
        directions[tracked] = tracked_minimize
    if isinstance(minimize, Mapping):
        directions.update(
            {
                (
                    str(k) if k in reserved else resolve_metric(str(k), columns.metrics, "minimize")
                ): bool(v)
                for k, v in minimize.items()
            }
        )
    elif minimize is not None:
        directions[chosen] = bool(minimize)
    out = Results(
        data=source_data,
        params=columns.params,
        metrics=columns.metrics,
        metric=chosen,
        directions=directions,
        source=label,
        folder=folder,
    )
    if histories is not None:
        out._histories["runs"] = dict(histories)
    return out
