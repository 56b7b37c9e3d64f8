"""Parameter importance: how much each parameter decides whether a run reaches the top
quantile (a seeded random forest and permutation importance).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from scanlab.analysis._helpers import is_numeric, resolve_minimize
from scanlab.analysis.best import top_mask
from scanlab.analysis.runs import metric_ok

__all__ = ["param_importance"]


def param_importance(
    data: pd.DataFrame,
    metric: str,
    params: Sequence[str],
    minimize: bool | None = None,
    top_quantile: float = 0.1,
    seed: int = 0,
    n_repeats: int = 5,
    max_rows: int = 5_000,
) -> pd.DataFrame:
    """How much each parameter matters for reaching the top quantile of ``metric``.

    A random forest (scikit-learn, ``random_state=seed``) learns whether a run is in the
    top quantile (:func:`top_mask`) from its parameters (numeric ones as they are,
    categorical ones as ordinal codes, missing values as a value below all others);
    the importance of a parameter is the mean drop of the forest's ROC AUC when that
    parameter's column is shuffled (``sklearn.inspection.permutation_importance``,
    ``n_repeats`` shuffles), measured on a held-out 30 % of the runs when there are at
    least 40, else on the training runs. More than ``max_rows`` runs are subsampled
    (seeded). Results are reproducible for a given seed.

    Parameters
    ----------
    data : DataFrame
        The runs (failed ones and runs without a metric value are ignored).
    metric : str
        Metric column.
    params : sequence of str
        Parameter columns.
    minimize : bool, optional
        Whether lower is better; default: inferred from the metric's name.
    top_quantile : float, default 0.1
        Share of the best runs that counts as the top.
    seed : int, default 0
        Seed of the forest, the split, the shuffles and the subsample.
    n_repeats : int, default 5
        Shuffles per parameter.
    max_rows : int, default 5000
        Most runs used.

    Returns
    -------
    DataFrame
        ``param``, ``importance``, ``importance_std``, sorted by importance. All NaN when
        the top quantile cannot be told apart (fewer than 2 runs in either class).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({'good': rng.integers(0, 2, 200), 'noise': rng.normal(size=200)})
    >>> df['acc'] = df['good'] + rng.normal(scale=0.1, size=200)
    >>> param_importance(df, 'acc', ['good', 'noise'], top_quantile=0.4)['param'].tolist()
    ['good', 'noise']
    """
    minimize_ = resolve_minimize(metric, minimize)
    ok, y = metric_ok(data, metric)
    target = top_mask(y, top_quantile, minimize_)
    if len(ok) > max_rows:
        pick = np.sort(np.random.default_rng(seed).choice(len(ok), max_rows, replace=False))
        ok, target = ok.iloc[pick], target[pick]
    features = {}
    for name in params:
        col = ok[name]
        if is_numeric(col) or pd.api.types.is_bool_dtype(col.dtype):
            v = col.to_numpy(dtype=float, na_value=np.nan)
            fill = (np.nanmin(v) - 1) if np.isfinite(v).any() else -1.0
            features[name] = np.where(np.isnan(v), fill, v)
        else:
            features[name] = pd.factorize(col.astype(str).where(col.notna()), sort=True)[0]
    x = pd.DataFrame(features, index=ok.index).astype(float)
    empty = pd.DataFrame(
        {"param": list(params), "importance": math.nan, "importance_std": math.nan}
    )
    n_pos = int(target.sum())
    if n_pos < 2 or len(target) - n_pos < 2 or x.shape[1] == 0:
        return empty
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    if len(target) >= 40 and min(n_pos, len(target) - n_pos) >= 4:
        x_fit, x_eval, y_fit, y_eval = train_test_split(
            x, target, test_size=0.3, stratify=target, random_state=seed
        )
    else:
        x_fit = x_eval = x
        y_fit = y_eval = target
    forest = RandomForestClassifier(
        n_estimators=60, min_samples_leaf=3, max_depth=12, random_state=seed, n_jobs=-1
    ).fit(x_fit, y_fit)
    scoring = "roc_auc" if len(np.unique(y_eval)) == 2 else "accuracy"
    result = permutation_importance(
        forest, x_eval, y_eval, scoring=scoring, n_repeats=n_repeats, random_state=seed
    )
    out = pd.DataFrame(
        {
            "param": list(x.columns),
            "importance": result.importances_mean,
            "importance_std": result.importances_std,
        }
    )
    return out.sort_values(
        ["importance", "param"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
