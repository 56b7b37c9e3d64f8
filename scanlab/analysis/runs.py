"""The runs: which succeeded, their metric values, and the failed ones by error type.

What is best among them is :mod:`scanlab.analysis.best`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scanlab.errors import NoRunsError

__all__ = [
    "failures",
    "metric_array",
    "metric_ok",
    "metric_values",
    "ok_mask",
    "ok_runs",
    "require_ok",
]


def ok_mask(data: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the successful runs (``status == 'ok'``; all True without ``status``).

    Parameters
    ----------
    data : DataFrame
        The runs.

    Returns
    -------
    ndarray of bool
        One value per run; a missing status is not ok.

    Examples
    --------
    >>> ok_mask(pd.DataFrame({'status': ['ok', 'failed', None]})).tolist()
    [True, False, False]
    """
    if "status" not in data.columns:
        return np.ones(len(data), dtype=bool)
    return data["status"].eq("ok").to_numpy(dtype=bool, na_value=False)


def ok_runs(data: pd.DataFrame) -> pd.DataFrame:
    """The successful runs (``status == 'ok'``; every run when there is no status column).

    Parameters
    ----------
    data : DataFrame
        The runs.

    Returns
    -------
    DataFrame
        The ok rows (``data`` itself when every run is ok); possibly empty.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'ok'], 'loss': [1.0, None, 2.0]})
    >>> len(ok_runs(df))
    2
    """
    mask = ok_mask(data)
    return data if mask.all() else data[mask]


def metric_values(data: pd.DataFrame, metric: str) -> np.ndarray:
    """``metric`` of every run as floats: NaN where missing, not a number or infinite.

    Parameters
    ----------
    data : DataFrame
        The runs, failed ones included (their values are read too).
    metric : str
        Metric column.

    Returns
    -------
    ndarray of float
        A new array, one value per run.

    Examples
    --------
    >>> metric_values(pd.DataFrame({'loss': [0.5, None, float('inf')]}), 'loss').tolist()
    [0.5, nan, nan]
    """
    values = pd.to_numeric(data[metric], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan, copy=True
    )
    values[~np.isfinite(values)] = np.nan
    return values


def _check_ok(data: pd.DataFrame, mask: np.ndarray) -> None:
    if len(data) == 0:
        raise NoRunsError("the results are empty: no run has been recorded yet")
    if not mask.any():
        top = failures(data)
        hint = f" (most common error: {top['example'].iloc[0]})" if len(top) else ""
        raise NoRunsError(f"no successful runs to analyse: all {len(data)} runs failed{hint}")


def require_ok(data: pd.DataFrame) -> pd.DataFrame:
    """The successful runs; raises :class:`NoRunsError` (saying why) when there are none.

    Parameters
    ----------
    data : DataFrame
        The runs.

    Returns
    -------
    DataFrame
        The ok rows (``data`` itself when every run is ok).

    Raises
    ------
    NoRunsError
        When ``data`` is empty or every run failed (the message names the most common
        error).

    Examples
    --------
    >>> len(require_ok(pd.DataFrame({'status': ['ok', 'failed', 'ok']})))
    2
    """
    mask = ok_mask(data)
    _check_ok(data, mask)
    return data if mask.all() else data[mask]


def metric_array(data: pd.DataFrame, metric: str) -> np.ndarray:
    """The metric of every run, NaN for failed runs and missing values (raises if none).

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        Metric column.

    Returns
    -------
    ndarray of float
        One value per run (:func:`metric_values`, NaN where the run failed).

    Raises
    ------
    NoRunsError
        When there is no ok run, or no ok run has a value for ``metric``.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'ok'], 'loss': [0.5, 0.1, None]})
    >>> metric_array(df, 'loss').tolist()
    [0.5, nan, nan]
    """
    mask = ok_mask(data)
    _check_ok(data, mask)
    values = metric_values(data, metric)
    if not mask.all():
        values[~mask] = np.nan
    if np.isnan(values).all():
        raise NoRunsError(f"no successful run has a value for metric {metric!r}")
    return values


def metric_ok(
    data: pd.DataFrame, metric: str, columns: Sequence[str] | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """OK runs with a finite metric value (only ``columns`` when given), and those values.

    Parameters
    ----------
    data : DataFrame
        The runs.
    metric : str
        Metric column.
    columns : sequence of str, optional
        The columns to return (duplicates dropped); default: every column.

    Returns
    -------
    runs : DataFrame
        The ok runs with a finite value of ``metric``.
    values : ndarray of float
        Their values of ``metric``, in the same order.

    Raises
    ------
    NoRunsError
        As :func:`metric_array`.
    """
    values = metric_array(data, metric)
    keep = ~np.isnan(values)
    frame = data if columns is None else data[list(dict.fromkeys(columns))]
    if not keep.all():
        frame = frame[keep]
        values = values[keep]
    return frame, values


def failures(data: pd.DataFrame) -> pd.DataFrame:
    """Failed runs grouped by error type: ``error_type``, ``count``, ``example``.

    The error type is the part of the ``error`` column before the first ``':'``.

    Parameters
    ----------
    data : DataFrame
        The runs.

    Returns
    -------
    DataFrame
        One row per error type, most frequent first: ``error_type``, ``count`` and an
        ``example`` message (``(no error recorded)`` when the ``error`` cell is empty).
        Empty when no run failed.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok', 'failed', 'failed'],
    ...                    'error': ['', 'ValueError: bad', 'ValueError: worse']})
    >>> failures(df)[['error_type', 'count']].to_dict('records')
    [{'error_type': 'ValueError', 'count': 2}]
    """
    failed = data[~ok_mask(data)]
    if len(failed) == 0:
        return pd.DataFrame({"error_type": [], "count": [], "example": []}).astype({"count": int})
    if "error" in failed.columns:
        errors = failed["error"].astype(object).where(failed["error"].notna(), "")
        errors = errors.astype(str).str.strip()
    else:
        errors = pd.Series([""] * len(failed), index=failed.index)
    errors = errors.where(errors != "", "(no error recorded)")
    kinds = errors.str.split(":", n=1).str[0].str.strip()
    out = (
        pd.DataFrame({"error_type": kinds.to_numpy(), "example": errors.to_numpy()})
        .groupby("error_type", sort=False)
        .agg(count=("example", "size"), example=("example", "first"))
        .reset_index()
        .sort_values(["count", "error_type"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return out[["error_type", "count", "example"]]
