"""Per-epoch histories: the learning entropy of each run (validation vs training curve) and
learning curves in long format.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["entropy_summary", "learning_curves", "learning_entropy"]


def _history_pairs(history: Mapping[str, Sequence[float]]) -> list[str]:
    return [k for k in history if not k.startswith("val_") and f"val_{k}" in history]


def learning_entropy(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    results: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """KL divergence of each run's validation curve from its training curve, per metric.

    For a run and a metric ``m`` with both ``m`` and ``val_m`` histories of the same length,
    ``kl = scipy.stats.entropy(val_m, m)``: both per-epoch curves are scaled to sum to 1 and
    the Kullback-Leibler divergence D(val || train) of the validation curve from the training
    curve is taken (natural log). This is Talos's "learning entropy" (``epoch_entropy``). It
    is 0 when the validation curve has the training curve's *shape* (whatever the offset of
    scale) and grows as the two curves move differently over the epochs (e.g. training loss
    keeps falling while validation loss turns up). It is NaN when undefined: different
    lengths, a single epoch, negative or missing values, a curve summing to 0, or a training
    value of 0 where the validation one is positive.

    Parameters
    ----------
    histories : mapping
        ``{run_id: {key: [value per epoch, ...]}}`` as returned by
        ``scanlab.read_histories``.
    results : DataFrame, optional
        The runs; when given, a ``round`` column is added from it (by ``run_id``).
    keys : sequence of str, optional
        Training metric names to use (default: every ``m`` with a ``val_m`` twin).

    Returns
    -------
    DataFrame
        Long format: ``run_id``, ``round`` (when ``results`` is given), ``key``, ``kl``,
        ``epochs``.

    Examples
    --------
    >>> h = {'a': {'loss': [2.0, 1.0], 'val_loss': [2.0, 1.0]},
    ...      'b': {'loss': [1.0, 1.0], 'val_loss': [3.0, 1.0]}}
    >>> learning_entropy(h)['kl'].round(4).tolist()
    [0.0, 0.1308]
    """
    from scipy import stats  # scipy.stats costs 0.4 s to import: only when used

    # group curves by (key, length) so each group is one vectorized scipy call
    groups: dict[tuple[str, int], list[tuple[str, Sequence[float], Sequence[float]]]] = {}
    undefined: list[tuple[str, str, int]] = []
    for run_id, history in histories.items():
        names = keys if keys is not None else _history_pairs(history)
        for key in names:
            train, val = history.get(key), history.get(f"val_{key}")
            if train is None or val is None:
                continue
            if len(train) != len(val) or len(train) < 2:
                undefined.append((run_id, key, len(train)))
                continue
            groups.setdefault((key, len(train)), []).append((run_id, train, val))
    rows_id: list[str] = []
    rows_key: list[str] = []
    rows_kl: list[np.ndarray] = []
    rows_ep: list[int] = []
    for (key, length), items in groups.items():
        trains = np.array([t for _, t, _ in items], dtype=float)
        vals = np.array([v for _, _, v in items], dtype=float)
        bad = (
            ~np.isfinite(trains).all(1)
            | ~np.isfinite(vals).all(1)
            | (trains < 0).any(1)
            | (vals < 0).any(1)
            | (trains.sum(1) <= 0)
            | (vals.sum(1) <= 0)
        )
        trains[bad] = 1.0
        vals[bad] = 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = stats.entropy(vals, trains, axis=1)
        kl = np.where(bad | ~np.isfinite(kl), np.nan, kl)
        rows_id += [r for r, _, _ in items]
        rows_key += [key] * len(items)
        rows_kl.append(kl)
        rows_ep += [length] * len(items)
    for run_id, key, length in undefined:
        rows_id.append(run_id)
        rows_key.append(key)
        rows_kl.append(np.array([np.nan]))
        rows_ep.append(length)
    out = pd.DataFrame(
        {
            "run_id": pd.Series(rows_id, dtype=object),
            "key": pd.Series(rows_key, dtype=object),
            "kl": np.concatenate(rows_kl) if rows_kl else np.array([], dtype=float),
            "epochs": np.array(rows_ep, dtype=int),
        }
    )
    order = {r: i for i, r in enumerate(histories)}
    out = out.iloc[
        np.lexsort((out["key"].to_numpy(dtype=str), out["run_id"].map(order).to_numpy()))
    ].reset_index(drop=True)
    if results is not None and "run_id" in results.columns:
        rounds = (
            results.drop_duplicates("run_id", keep="last").set_index("run_id")["round"]
            if "round" in results.columns
            else None
        )
        out.insert(1, "round", out["run_id"].map(rounds) if rounds is not None else 1)
    return out


def entropy_summary(entropy: pd.DataFrame) -> pd.DataFrame:
    """:func:`learning_entropy` summarized per round and metric: count, mean, median, std, max.

    ``count`` counts the runs with a defined KL value.

    Parameters
    ----------
    entropy : DataFrame
        The output of :func:`learning_entropy`.

    Returns
    -------
    DataFrame
        ``round`` (when ``entropy`` has it), ``key``, ``count``, ``mean``, ``median``,
        ``std``, ``max``; one row per round and key.

    Examples
    --------
    >>> e = pd.DataFrame({'run_id': ['a', 'b'], 'round': [1, 1], 'key': ['loss', 'loss'],
    ...                   'kl': [0.0, 0.2], 'epochs': [2, 2]})
    >>> entropy_summary(e)[['round', 'key', 'count', 'mean']].to_dict('records')
    [{'round': 1, 'key': 'loss', 'count': 2, 'mean': 0.1}]
    """
    by = ["round", "key"] if "round" in entropy.columns else ["key"]
    if len(entropy) == 0:
        return pd.DataFrame(columns=[*by, "count", "mean", "median", "std", "max"])
    out = entropy.groupby(by, sort=True)["kl"].agg(["count", "mean", "median", "std", "max"])
    return out.reset_index().astype({"count": int})


def learning_curves(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    run_ids: Sequence[str],
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per-epoch curves of the given runs in long format, for plotting.

    ``keys`` are training metric names (default: ``loss`` and the accuracy-like keys that
    have a ``val_`` twin, or every key when there is no validation); both ``m`` and
    ``val_m`` are returned.

    Parameters
    ----------
    histories : mapping
        ``{run_id: {key: [value per epoch, ...]}}``.
    run_ids : sequence of str
        The runs to return, in this order.
    keys : sequence of str, optional
        Training metric names; see above for the default.

    Returns
    -------
    DataFrame
        ``run_id``, ``key`` (training name), ``split`` (``'train'`` / ``'val'``), ``epoch``
        (1-based), ``value``. Runs missing from ``histories`` are skipped.

    Examples
    --------
    >>> h = {'a': {'loss': [2.0, 1.0], 'val_loss': [2.5, 1.5]}}
    >>> learning_curves(h, ['a'])[['split', 'epoch', 'value']].to_dict('list')
    {'split': ['train', 'train', 'val', 'val'], 'epoch': [1, 2, 1, 2], 'value': [2.0, 1.0, 2.5, 1.5]}
    """
    rows = []
    for run_id in run_ids:
        history = histories.get(run_id)
        if not history:
            continue
        names = (
            list(keys)
            if keys is not None
            else [k for k in _history_pairs(history) if k == "loss" or "acc" in k]
            or [k for k in history if not k.startswith("val_")]
        )
        for key in names:
            for split, name in (("train", key), ("val", f"val_{key}")):
                values = history.get(name)
                if values is None:
                    continue
                for epoch, value in enumerate(values, start=1):
                    rows.append(
                        (run_id, key, split, epoch, math.nan if value is None else float(value))
                    )
    return pd.DataFrame(rows, columns=["run_id", "key", "split", "epoch", "value"])
