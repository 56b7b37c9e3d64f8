"""Talos's automatic reduction as a filter on what the scheduler hands out.

Every ``interval`` runs, the latest ``window`` successful runs are analysed with the same
statistics :class:`scanlab.Analyze` reports (:func:`scanlab.analysis.value_correlations` for
Spearman, Kendall and Pearson; :func:`scanlab.analysis.param_importance` for importance,
asked about the better half of the window rather than ``Analyze.importance()``'s top 10 %,
which a window of 20 runs is too small for), and the parameter value most associated with a
worse metric is excluded from the runs still to be drawn. Each reduction is written to the
round's manifest as soon as it is made, and re-applied on resume.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from scanlab._settings import REDUCTION_METHODS, ReductionSettings
from scanlab.errors import ScanArgumentError
from scanlab.space import ParamSpace

__all__ = ["AutoReduction", "value_to_drop"]


def value_to_drop(
    window: pd.DataFrame,
    params: Iterable[str],
    metric: str,
    minimize: bool,
    method: str = "correlation",
    threshold: float = 0.2,
    protected: Mapping[str, int] | None = None,
) -> dict[str, Any] | None:
    """The value whose removal the recent runs argue for most, or None.

    Each parameter value's indicator (``param == value``) is correlated with ``metric`` over
    ``window`` (Spearman for ``'correlation'``/``'spearman'``, Kendall, or Pearson); the value
    most associated with a worse metric is returned when that association exceeds
    ``threshold``. With ``method='importance'`` the parameter with the largest share of
    permutation importance (above ``threshold``) gives up its value with the worst mean
    metric. ``protected`` maps a parameter to how many values it has left; a parameter with
    one value left is never reduced.

    Parameters
    ----------
    window : DataFrame
        Recent successful runs: one column per parameter (labels) and ``metric``.
    params : iterable of str
        Parameter columns.
    metric : str
        The metric column.
    minimize : bool
        Whether lower is better.
    method : str
        One of ``'correlation'``, ``'spearman'``, ``'kendall'``, ``'pearson'``,
        ``'importance'``.
    threshold : float
        Minimum association to act on, in [0, 1).
    protected : mapping, optional
        Values left per parameter.

    Returns
    -------
    dict or None
        ``{'param', 'value', 'score', 'method'}`` with ``value`` as its results label.

    Examples
    --------
    >>> w = pd.DataFrame({'opt': ['a', 'b', 'a', 'b'], 'acc': [0.9, 0.5, 0.8, 0.4]})
    >>> value_to_drop(w, ['opt'], 'acc', minimize=False)['value']
    'b'
    """
    if method not in REDUCTION_METHODS:
        raise ScanArgumentError(
            f"reduction_method must be one of {list(REDUCTION_METHODS)}, got {method!r}."
        )
    protected = dict(protected or {})
    if len(window) < 2 or metric not in window.columns:
        return None
    y = pd.to_numeric(window[metric], errors="coerce")
    usable = y.notna()
    window = window[usable].astype(dict.fromkeys(params, str))
    y = y[usable]
    if len(window) < 2 or y.nunique() < 2:
        return None
    candidates = [p for p in params if window[p].nunique() > 1 and protected.get(p, 2) > 1]
    if not candidates:
        return None
    if method == "importance":
        return _by_importance(window, metric, candidates, minimize, threshold)
    scores = _value_correlations(window.assign(**{metric: y}), metric, candidates, method)
    scores = scores.dropna(subset=["correlation"])
    if scores.empty:
        return None
    badness = scores["correlation"] if minimize else -scores["correlation"]
    worst = int(badness.to_numpy().argmax())
    if badness.iloc[worst] <= threshold:
        return None
    row = scores.iloc[worst]
    return {
        "param": str(row["param"]),
        "value": str(row["value"]),
        "score": float(badness.iloc[worst]),
        "method": method,
    }


def _value_correlations(
    window: pd.DataFrame, metric: str, params: list[str], method: str
) -> pd.DataFrame:
    from scanlab.analysis import value_correlations

    name = "spearman" if method == "correlation" else method
    return value_correlations(window.assign(status="ok"), metric, params, method=name)


def _typed(window: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """Labels back to numbers where every label of a parameter is one (``'0.01'`` -> 0.01),
    so that a model of the metric sees numeric parameters in their order."""
    out = window.copy()
    for name in params:
        numbers = pd.to_numeric(out[name], errors="coerce")
        if numbers.notna().all():
            out[name] = numbers
    return out


def _by_importance(
    window: pd.DataFrame, metric: str, params: list[str], minimize: bool, threshold: float
) -> dict[str, Any] | None:
    from scanlab.analysis import param_importance

    scores = param_importance(
        _typed(window, params).assign(status="ok"),
        metric,
        params,
        minimize=minimize,
        top_quantile=0.5,
    )
    shares = scores.set_index("param")["importance"].clip(lower=0).fillna(0)
    if shares.sum() <= 0:
        return None
    shares = shares / shares.sum()
    param = str(shares.idxmax())
    if shares[param] <= threshold:
        return None
    means = pd.to_numeric(window[metric]).groupby(window[param]).mean()
    value = means.idxmax() if minimize else means.idxmin()
    return {
        "param": param,
        "value": str(value),
        "score": float(shares[param]),
        "method": "importance",
    }


class AutoReduction:
    """The exclusions of one round: restored from the manifest, grown every ``interval`` runs.

    Parameters
    ----------
    settings : ReductionSettings
        Method, interval, window and threshold.
    space : ParamSpace
        The round's grid (how many values each parameter has).
    records : list of dict
        The manifest's ``reductions`` list; new records are appended to it.
    runs_done : int
        Runs already in the round (resume).
    """

    def __init__(
        self,
        settings: ReductionSettings,
        space: ParamSpace,
        records: list[dict[str, Any]],
        runs_done: int,
    ) -> None:
        self.settings = settings
        self.space = space
        self.records = records
        self.runs_done = runs_done
        self.excluded: dict[str, set[str]] = {}
        for record in records:
            self.excluded.setdefault(record["param"], set()).add(record["value"])
        self.window: deque[dict[str, Any]] = deque(maxlen=settings.window)

    def restore_window(self, ok_rows: pd.DataFrame, metric: str) -> None:
        """Refill the recent-runs window from the round's successful rows (resume).

        Parameters
        ----------
        ok_rows : DataFrame
            The round's successful runs: an ``end`` column, one column per parameter and
            ``metric``; the latest ``window`` of them (by ``end``) are kept.
        metric : str
            The tracked metric column.
        """
        recent = ok_rows.sort_values("end").tail(self.settings.window)
        columns = [*self.space.names, metric]
        for row in recent[columns].astype(dict.fromkeys(self.space.names, str)).to_dict("records"):
            self.window.append(row)

    def keep(self, params: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
        """The scheduler's filter: False for a permutation holding an excluded value.

        Parameters
        ----------
        params : mapping
            The permutation's values (unused: the filter reads the labels).
        labels : mapping
            The permutation's value labels, parameter name -> label.

        Returns
        -------
        bool
            True when none of the permutation's labels has been excluded.
        """
        return not any(labels[name] in values for name, values in self.excluded.items())

    def observe(
        self,
        labels: Mapping[str, str],
        metric_value: float | None,
        metric: str | None,
        minimize: bool | None,
    ) -> dict[str, Any] | None:
        """Count one finished run; every ``interval`` runs, maybe exclude a value.

        Parameters
        ----------
        labels : mapping
            The run's value labels, parameter name -> label.
        metric_value : float or None
            The run's value of ``metric``; None (a failed run, no such metric) counts the run
            without adding it to the window.
        metric : str or None
            The tracked metric (None before the first successful run: the run is counted).
        minimize : bool or None
            Whether lower values of ``metric`` are better.

        Returns
        -------
        dict or None
            The new reduction record (already appended to ``records``): the
            :func:`value_to_drop` result plus ``after_runs``, ``metric``, ``window`` and
            ``time``; None when nothing is excluded this time.
        """
        self.runs_done += 1
        if metric is None or minimize is None:  # no successful run yet: nothing to judge by
            return None
        if metric_value is not None:
            self.window.append({**labels, metric: metric_value})
        if self.runs_done % self.settings.interval:
            return None
        left = {
            n: len(self.space.values[n]) - len(self.excluded.get(n, ())) for n in self.space.names
        }
        found = value_to_drop(
            pd.DataFrame(list(self.window)),
            self.space.names,
            metric,
            minimize,
            self.settings.method,
            self.settings.threshold,
            protected=left,
        )
        if found is None or found["value"] in self.excluded.get(found["param"], set()):
            return None
        self.excluded.setdefault(found["param"], set()).add(found["value"])
        record = {
            **found,
            "after_runs": self.runs_done,
            "metric": metric,
            "window": len(self.window),
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.records.append(record)
        return record
