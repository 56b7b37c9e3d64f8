"""The held-out check (:func:`scanlab.evaluate`): how far each selected configuration's
validation score was from its score on test data the search never saw.

``evaluate`` appends one row per configuration and evaluation to
``<experiment>/heldout.csv``: ``rank, run_id, round``, the parameters, ``val_<b>``,
``test_<b>`` and ``gap_<b>`` (validation minus test) for every metric ``b``, then
``refit, status, error, duration_s, evaluated_at``. Selecting the best of many runs on
validation data makes its validation score optimistic; the gap measures by how much.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scanlab._metric_names import is_loss_like
from scanlab.analysis.runs import ok_mask
from scanlab.errors import AnalysisError, rule_message

__all__ = ["heldout_gaps", "heldout_metrics"]

#: Columns of heldout.csv that are neither parameters nor scores.
_BOOKKEEPING = ("rank", "run_id", "round", "refit", "status", "error", "duration_s")
_STAMP = "evaluated_at"


def heldout_metrics(frame: pd.DataFrame) -> list[str]:
    """The metric base names ``b`` with both ``val_<b>`` and ``test_<b>`` columns.

    Parameters
    ----------
    frame : DataFrame
        Rows of ``heldout.csv``.

    Returns
    -------
    list of str
        In column order.

    Examples
    --------
    >>> heldout_metrics(pd.DataFrame(columns=['val_accuracy', 'test_accuracy', 'val_loss']))
    ['accuracy']
    """
    columns = set(frame.columns)
    return [
        c[len("val_") :]
        for c in frame.columns
        if c.startswith("val_") and f"test_{c[len('val_') :]}" in columns
    ]


def heldout_gaps(frame: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """The validation-versus-test gap of every evaluated configuration, by search rank.

    Parameters
    ----------
    frame : DataFrame
        Rows of ``heldout.csv`` (or what :func:`scanlab.evaluate` returned). A configuration
        evaluated more than once is shown by its latest row (latest ``evaluated_at``, else
        the last row).
    metric : str, optional
        The metric whose winners the note compares: a base name ``b`` or a results column
        (``val_accuracy``, ``mean_val_accuracy`` mean ``accuracy``); default: the first
        ``b``, or the first when ``metric`` was not evaluated.

    Returns
    -------
    DataFrame
        One row per ``run_id``, sorted by ``rank``: ``rank``, ``run_id``, ``round``, the
        parameters, then ``val_<b>``, ``test_<b>``, ``gap_<b>`` for every metric ``b``
        (``gap`` = validation − test, computed when the column is missing), then ``refit``
        and ``status``. ``attrs``: ``metrics`` (the ``b`` names), ``mean_gap`` (``{b: mean
        gap over the ok rows}``), ``metric`` (the ``b`` of the note), ``search_winner`` and
        ``test_winner`` (run ids by that metric; None when unknown) and ``note`` in words. Positive gaps of a
        higher-is-better metric (negative of a loss) mean validation was optimistic.

    Raises
    ------
    AnalysisError
        When ``frame`` is not a DataFrame or has no ``val_<b>``/``test_<b>`` pair.

    Examples
    --------
    >>> rows = pd.DataFrame({'rank': [1, 2, 1], 'run_id': ['a', 'b', 'a'], 'lr': [0.1, 0.01, 0.1],
    ...     'val_accuracy': [0.92, 0.90, 0.92], 'test_accuracy': [0.80, 0.88, 0.86],
    ...     'status': 'ok', 'evaluated_at': ['2026-01-01', '2026-01-01', '2026-01-02']})
    >>> out = heldout_gaps(rows)
    >>> out[['run_id', 'test_accuracy', 'gap_accuracy']].round(3).to_dict('list')
    {'run_id': ['a', 'b'], 'test_accuracy': [0.86, 0.88], 'gap_accuracy': [0.06, 0.02]}
    >>> out.attrs['note']
    'Mean gap of accuracy (validation − test) over 2 configurations: 0.04 (validation was optimistic). The search winner a (rank 1) is not the best on test: b (rank 2) has test_accuracy 0.88 against 0.86.'
    """
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(
            rule_message(
                "frame",
                "must be the DataFrame of heldout.csv",
                type(frame).__name__,
                "pass what scanlab.evaluate(...) returned or pd.read_csv('<experiment>/heldout.csv')",
            )
        )
    metrics = heldout_metrics(frame)
    if not metrics:
        raise AnalysisError(
            rule_message(
                "frame",
                "must have val_<metric> and test_<metric> columns (heldout.csv)",
                sorted(map(str, frame.columns)),
                "pass the rows scanlab.evaluate(...) wrote",
            )
        )
    rows = frame.reset_index(drop=True)
    if _STAMP in rows.columns:  # stable: equal stamps keep file order, the last one wins
        stamps = pd.to_datetime(rows[_STAMP], errors="coerce", utc=True)
        rows = rows.iloc[
            np.argsort(stamps.fillna(pd.Timestamp.min.tz_localize("UTC")), kind="stable")
        ]
    if "run_id" in rows.columns:
        rows = rows.drop_duplicates("run_id", keep="last")
    if "rank" in rows.columns:
        rows = rows.sort_values("rank", kind="stable")
    rows = rows.reset_index(drop=True)
    scores = [f"{p}_{b}" for b in metrics for p in ("val", "test", "gap")]
    for b in metrics:
        if f"gap_{b}" not in rows.columns:
            rows[f"gap_{b}"] = _numbers(rows[f"val_{b}"]) - _numbers(rows[f"test_{b}"])
    prefixes = ("val_", "test_", "gap_")
    params = [
        c
        for c in rows.columns
        if c not in (*_BOOKKEEPING, _STAMP) and not str(c).startswith(prefixes)
    ]
    order = [c for c in ("rank", "run_id", "round") if c in rows.columns]
    order += params + scores + [c for c in ("refit", "status") if c in rows.columns]
    out = rows[order].copy()
    ok = out[ok_mask(out)]
    mean_gap = {b: float(_numbers(ok[f"gap_{b}"]).mean()) for b in metrics}
    base = _base(metric) if isinstance(metric, str) else metrics[0]
    base = base if base in metrics else metrics[0]
    search, best = _winners(ok, base)
    out.attrs.update(
        metrics=metrics,
        mean_gap=mean_gap,
        metric=base,
        search_winner=search,
        test_winner=best,
        note=_note(ok, base, mean_gap[base], search, best),
    )
    return out


def _base(metric: str) -> str:
    """``accuracy`` for ``accuracy``, ``val_accuracy`` and ``mean_val_accuracy``."""
    for prefix in ("mean_", "val_"):
        metric = metric[len(prefix) :] if metric.startswith(prefix) else metric
    return metric


def _numbers(column: pd.Series) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce").astype(float)
    return values.where(np.isfinite(values))


def _winners(ok: pd.DataFrame, metric: str) -> tuple[str | None, str | None]:
    if "run_id" not in ok.columns or not len(ok):
        return None, None
    test = _numbers(ok[f"test_{metric}"])
    if test.isna().all():
        return str(ok["run_id"].iloc[0]), None
    best = test.idxmin() if is_loss_like(metric) else test.idxmax()
    return str(ok["run_id"].iloc[0]), str(ok.loc[best, "run_id"])


def _note(ok: pd.DataFrame, metric: str, gap: float, search: str | None, best: str | None) -> str:
    if not len(ok) or math.isnan(gap):
        return f"No configuration has both a validation and a test {metric}."
    optimistic = gap < 0 if is_loss_like(metric) else gap > 0
    words = (
        f"Mean gap of {metric} (validation − test) over {len(ok)} configuration"
        f"{'s' if len(ok) != 1 else ''}: {gap:.3g} (validation was "
        f"{'optimistic' if optimistic else 'not optimistic'})."
    )
    if search is not None and best is not None and search != best:
        row = ok.set_index(ok["run_id"].astype(str))

        def who(run: str) -> str:
            return f"{run} (rank {row.loc[run, 'rank']})" if "rank" in row.columns else run

        words += (
            f" The search winner {who(search)} is not the best on test: {who(best)} has "
            f"test_{metric} {row.loc[best, f'test_{metric}']:.3g} against "
            f"{row.loc[search, f'test_{metric}']:.3g}."
        )
    elif search is not None and best is not None:
        words += f" The search winner {search} is also the best on test."
    return words
