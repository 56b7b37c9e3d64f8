"""Plots of scan results: drawing only.

Every function draws what :mod:`scanlab.analysis` computed (or a tidy runs DataFrame plus
column names, as seaborn does), on the Axes passed as ``ax`` or on a new figure, and returns
the Axes (single-panel plots) or the Figure (multi-panel plots). Parameters of any type work
as an axis, a hue or a panel: values are shown as categories in their natural order, and a
numeric parameter with many values is binned (:func:`scanlab.analysis.as_levels`).

Large results draw quickly: plots of individual runs draw a seeded random sample of at most
``max_points`` runs (20,000 by default) and say so under the plot.

In Jupyter, a returned Figure is detached from pyplot so that it shows once, as the cell's
result; single-panel plots are shown by the inline backend as usual.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from scanlab import analysis as an

__all__ = [
    "MAX_POINTS",
    "plot_line",
    "plot_hist",
    "plot_kde",
    "plot_correlations",
    "plot_corr_matrix",
    "plot_importance",
    "plot_bars",
    "plot_box",
    "plot_regression",
    "plot_entropy",
    "plot_learning_curves",
    "plot_parallel",
    "plot_rounds",
    "plot_round_comparison",
]

_F = TypeVar("_F", bound=Callable[..., Any])


def _quiet(func: _F) -> _F:
    """Hide seaborn's deprecation noise about newer matplotlib (not the user's concern)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            for category in (
                matplotlib.MatplotlibDeprecationWarning,
                PendingDeprecationWarning,
                FutureWarning,
            ):
                warnings.filterwarnings("ignore", category=category, module="seaborn")
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: Most runs drawn individually by one plot; more are subsampled (seeded).
MAX_POINTS = 20_000
_NOTE_STYLE = {"fontsize": 7, "color": "0.35"}


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.2)) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _figure_out(fig: Figure) -> Figure:
    """Detach a returned Figure from pyplot under the inline backend (no double display)."""
    if "inline" in matplotlib.get_backend().lower():
        plt.close(fig)
    return fig


def _sample_note(shown: int, total: int, seed: int) -> str:
    return f"random sample of {shown:,} of {total:,} runs drawn (seed {seed})"


def _note(target: Axes | Figure, shown: int, total: int, seed: int) -> None:
    if shown >= total:
        return
    text = _sample_note(shown, total, seed)
    if isinstance(target, Figure):
        target.text(0.995, 0.995, text, ha="right", va="top", **_NOTE_STYLE)
    else:  # under the x axis label, right-aligned: never on top of the title or the data
        target.annotate(
            text,
            xy=(1.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -34),
            textcoords="offset points",
            ha="right",
            va="top",
            annotation_clip=False,
            **_NOTE_STYLE,
        )


def _empty(ax: Axes, message: str) -> Axes:
    ax.text(
        0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4", wrap=True
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _finite(data: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Rows of ``data`` with finite values in the numeric ``columns``, as floats."""
    out = data.copy() if columns else data
    keep = np.ones(len(out), dtype=bool)
    for c in columns:
        v = pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        out[c] = v
        keep &= np.isfinite(v)
    return out[keep]


def _levels(
    data: pd.DataFrame, column: str | None, max_levels: int = 12
) -> tuple[pd.DataFrame, list[str] | None]:
    if column is None:
        return data, None
    labels, order = an.as_levels(data[column], max_levels)
    data = data.copy()
    data[column] = labels.to_numpy()
    return data, order


def _check_column(data: pd.DataFrame, column: str | None, role: str) -> None:
    if column is not None and column not in data.columns:
        raise an.AnalysisError(
            f"The value for `{role}` must be a column of the results, but {column!r} was "
            f"passed; the columns are: {', '.join(map(str, data.columns))}"
        )


# --------------------------------------------------------------------------------------------
# Metric distributions
# --------------------------------------------------------------------------------------------


@_quiet
def plot_line(
    data: pd.DataFrame,
    metric: str,
    minimize: bool | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """``metric`` of every run in the order runs were recorded, with the running best.

    Failed runs are marked with a red ``x`` under the axis; round boundaries with dotted
    lines.

    Examples
    --------
    >>> df = pd.DataFrame({'status': ['ok'] * 4, 'acc': [0.2, 0.5, 0.4, 0.7]})
    >>> ax = plot_line(df, 'acc')
    """
    _check_column(data, metric, "metric")
    minimize = an.infer_minimize(metric) if minimize is None else minimize
    ax = _axes(ax)
    ok = an._ok_mask(data)
    values = np.where(ok, an._metric_values(data, metric), np.nan)
    runs = np.arange(len(values))
    filled = pd.Series(values).fillna(np.inf if minimize else -np.inf)
    best = (filled.cummin() if minimize else filled.cummax()).to_numpy()
    change = np.flatnonzero(np.r_[True, best[1:] != best[:-1]])
    steps = np.r_[change, len(best) - 1] if len(best) else change
    shown = np.isfinite(best[steps])
    ax.plot(
        runs[steps][shown],
        best[steps][shown],
        drawstyle="steps-post",
        color="C1",
        lw=1.8,
        label="best so far",
    )
    pick = np.flatnonzero(np.isfinite(values))
    total = len(pick)
    if total > max_points:
        pick = np.sort(np.random.default_rng(seed).choice(pick, max_points, replace=False))
    ax.scatter(
        runs[pick],
        values[pick],
        s=8 if len(pick) < 2000 else 3,
        alpha=0.6,
        color="C0",
        label=metric,
        linewidths=0,
    )
    _note(ax, len(pick), total, seed)
    failed = np.flatnonzero(~ok)
    if len(failed):
        ax.plot(
            failed,
            np.zeros(len(failed)),
            "x",
            color="C3",
            ms=5,
            clip_on=False,
            transform=ax.get_xaxis_transform(),
            label=f"failed ({len(failed):,})",
        )
    if "round" in data.columns and data["round"].nunique() > 1:
        rounds = data["round"].to_numpy()
        for b in np.flatnonzero(rounds[1:] != rounds[:-1]) + 1:
            ax.axvline(b - 0.5, color="0.6", ls=":", lw=1)
            ax.text(
                b,
                1.0,
                f" round {rounds[b]}",
                transform=ax.get_xaxis_transform(),
                va="top",
                fontsize=8,
                color="0.4",
            )
    ax.set_xlabel("run (in recorded order)")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} over runs ({an.direction_words(minimize)})", loc="left")
    ax.legend(loc="best", fontsize=8)
    return ax


@_quiet
def plot_hist(
    data: pd.DataFrame,
    metric: str,
    by: str | None = None,
    bins: int | str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """Histogram of ``metric`` over the ok runs, optionally one colour per value of ``by``.

    Examples
    --------
    >>> df = pd.DataFrame({'opt': ['a', 'b'] * 5, 'acc': np.linspace(0, 1, 10)})
    >>> ax = plot_hist(df, 'acc', by='opt')
    """
    _check_column(data, metric, "metric")
    _check_column(data, by, "by")
    ax = _axes(ax)
    frame = _finite(an.ok_runs(data), metric)
    if len(frame) == 0:
        return _empty(ax, f"no finite values of {metric}")
    frame, total = an.subsample(frame, max_points, seed)
    frame, order = _levels(frame, by)
    sns.histplot(
        frame,
        x=metric,
        hue=by,
        hue_order=order,
        bins=bins or "auto",
        element="step" if by else "bars",
        ax=ax,
    )
    _note(ax, len(frame), total, seed)
    ax.set_title(f"{metric}" + (f" by {by}" if by else ""), loc="left")
    return ax


@_quiet
def plot_kde(
    data: pd.DataFrame,
    x: str,
    y: str | None = None,
    by: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """Kernel density of ``x`` over the ok runs: overall, per value of ``by`` (hue), or the
    joint density of ``x`` and ``y``.

    Each ``by`` group is normalized on its own (``common_norm=False``) so rare values stay
    visible; groups with fewer than two distinct values are drawn as a rug.

    Examples
    --------
    >>> df = pd.DataFrame({'opt': ['a', 'b'] * 5, 'acc': np.linspace(0, 1, 10)})
    >>> ax = plot_kde(df, 'acc', by='opt')
    """
    for c, role in ((x, "x"), (y, "y"), (by, "by")):
        _check_column(data, c, role)
    ax = _axes(ax)
    cols = [x] + ([y] if y else [])
    frame = _finite(an.ok_runs(data), *cols)
    frame, total = an.subsample(frame, max_points, seed)
    if len(frame) < 2 or frame[x].nunique() < 2 or (y and frame[y].nunique() < 2):
        sns.rugplot(frame, x=x, ax=ax)
        ax.text(
            0.5,
            0.5,
            "not enough distinct values for a density",
            ha="center",
            transform=ax.transAxes,
            color="0.4",
        )
    elif y:
        sns.kdeplot(frame, x=x, y=y, fill=True, ax=ax, warn_singular=False)
    else:
        frame, order = _levels(frame, by)
        sns.kdeplot(
            frame, x=x, hue=by, hue_order=order, common_norm=False, ax=ax, warn_singular=False
        )
        if by:
            lonely = [lev for lev in order if frame.loc[frame[by] == lev, x].nunique() < 2]
            if lonely:
                sns.rugplot(
                    frame[frame[by].isin(lonely)],
                    x=x,
                    hue=by,
                    hue_order=order,
                    ax=ax,
                    legend=False,
                    height=0.05,
                )
    _note(ax, len(frame), total, seed)
    title = f"density of {x}" + (f" and {y}" if y else "") + (f" by {by}" if by else "")
    ax.set_title(title, loc="left")
    return ax


@_quiet
def plot_rounds(
    data: pd.DataFrame,
    metric: str,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """Distribution of ``metric`` per round (box plus the runs as dots), ok runs only.

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 2, 2], 'acc': [0.2, 0.4, 0.5, 0.7]})
    >>> ax = plot_rounds(df, 'acc')
    """
    _check_column(data, metric, "metric")
    ax = _axes(ax)
    frame = _finite(an.ok_runs(data), metric)
    if len(frame) == 0:
        return _empty(ax, f"no finite values of {metric}")
    frame = frame.assign(round=frame["round"] if "round" in frame.columns else 1)
    frame, total = an.subsample(frame, max_points, seed)
    frame, order = _levels(frame, "round", max_levels=50)
    sns.boxplot(
        frame, x="round", y=metric, order=order, ax=ax, color="0.85", showfliers=False, width=0.5
    )
    dots = an.subsample(frame, 3000, seed)[0]
    sns.stripplot(dots, x="round", y=metric, order=order, ax=ax, size=2.5, alpha=0.5, jitter=0.2)
    _note(ax, len(frame), total, seed)
    ax.set_title(f"{metric} per round", loc="left")
    return ax


@_quiet
def plot_round_comparison(
    data: pd.DataFrame,
    comparison: pd.DataFrame,
    metric: str,
    *,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Figure:
    """Rounds side by side: the metric's distribution and how much of each round paid off.

    Left: :func:`plot_rounds` (box and dots per round) with each round's best value and the
    top-quantile threshold (dashed). Right: per round, the share of its runs in the top
    quantile and the share of its compute (``duration_s``) spent on those runs, from
    :func:`scanlab.analysis.round_comparison`.

    Examples
    --------
    >>> df = pd.DataFrame({'round': [1, 1, 2, 2], 'status': 'ok', 'acc': [0.2, 0.4, 0.5, 0.7],
    ...                    'duration_s': [1.0, 2.0, 1.0, 1.0]})
    >>> fig = plot_round_comparison(df, an.round_comparison(df, 'acc', quantile=0.5), 'acc')
    >>> len(fig.axes)
    2
    """
    from matplotlib.ticker import PercentFormatter

    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11.0, 4.2), layout="constrained", gridspec_kw={"width_ratios": [3, 2]}
    )
    plot_rounds(data, metric, ax=left, max_points=max_points, seed=seed)
    rows = comparison.reset_index(drop=True)
    positions = np.arange(len(rows))
    best = rows["best"].to_numpy(dtype=float)
    shown = np.isfinite(best)
    if shown.any():
        left.plot(
            positions[shown], best[shown], "o-", color="C1", lw=1.5, ms=5, label="best", zorder=5
        )
    threshold = comparison.attrs.get("threshold", np.nan)
    quantile = comparison.attrs.get("quantile")
    if threshold is not None and np.isfinite(threshold):
        left.axhline(
            threshold,
            color="C3",
            ls="--",
            lw=1,
            label=f"top {quantile:.0%} threshold" if quantile else "top threshold",
        )
    if left.get_legend_handles_labels()[0]:
        left.legend(loc="best", fontsize=8)
    width = 0.38
    labels = [str(r) for r in rows["round"]]
    rate = rows["top_rate"].to_numpy(dtype=float)
    share = rows["top_compute_share"].to_numpy(dtype=float)
    right.bar(
        positions - width / 2, np.nan_to_num(rate), width, color="C0", label="runs in the top"
    )
    if np.isfinite(share).any():
        right.bar(
            positions + width / 2,
            np.nan_to_num(share),
            width,
            color="C2",
            label="compute on top runs",
        )
    for x, value in zip(positions - width / 2, rate, strict=True):
        if np.isfinite(value):
            right.text(x, value, f"{value:.0%}", ha="center", va="bottom", fontsize=7)
    for x, value in zip(positions + width / 2, share, strict=True):
        if np.isfinite(value):
            right.text(x, value, f"{value:.0%}", ha="center", va="bottom", fontsize=7)
    right.set_xticks(positions, labels)
    right.set_xlabel("round")
    right.set_ylim(0, 1.08)
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_ylabel(f"share in the overall top {quantile:.0%}" if quantile else "share")
    right.legend(loc="upper left", fontsize=8)
    right.set_title("where the runs and the compute went", loc="left")
    return _figure_out(fig)


# --------------------------------------------------------------------------------------------
# Parameters vs metric
# --------------------------------------------------------------------------------------------


@_quiet
def plot_correlations(
    corr: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Bar chart of :func:`scanlab.analysis.correlations`: one bar per parameter.

    Numeric parameters show their signed rank correlation; categorical ones (hatched) show
    ``sqrt(epsilon-squared)`` of the Kruskal-Wallis test (unsigned: an effect, not a
    direction); constant ones are listed with no bar.

    Examples
    --------
    >>> c = pd.DataFrame({'param': ['lr', 'opt'], 'kind': ['numeric', 'categorical'],
    ...                   'correlation': [-0.5, np.nan], 'strength': [0.5, 0.3],
    ...                   'p_value': [0.01, 0.2], 'test': ['spearman', 'kruskal']})
    >>> ax = plot_correlations(c)
    """
    ax = _axes(ax, figsize=(7.0, 0.45 * max(len(corr), 3) + 1.2))
    if len(corr) == 0:
        return _empty(ax, "no parameters")
    rows = corr.iloc[::-1]
    values, colors, hatches, labels = [], [], [], []
    for _, r in rows.iterrows():
        if r["kind"] == "numeric":
            v = r["correlation"]
            colors.append("C0" if (v if np.isfinite(v) else 0) >= 0 else "C3")
            hatches.append("")
            labels.append(str(r["param"]))
        elif r["kind"] == "categorical":
            v = r["strength"]
            colors.append("C4")
            hatches.append("//")
            labels.append(f"{r['param']} (categorical)")
        else:
            v = 0.0
            colors.append("0.7")
            hatches.append("")
            labels.append(f"{r['param']} (constant)")
        values.append(0.0 if not np.isfinite(v) else float(v))
    y = np.arange(len(values))
    bars = ax.barh(y, values, color=colors, edgecolor="white")
    for bar, h in zip(bars, hatches, strict=True):
        bar.set_hatch(h)
    for yi, v, (_, r) in zip(y, values, rows.iterrows(), strict=True):
        p = r.get("p_value", np.nan)
        text = (
            f" {v:+.2f}"
            if r["kind"] == "numeric"
            else (f" {v:.2f}" if r["kind"] == "categorical" else " —")
        )
        if np.isfinite(p):
            text += f"  (p={p:.2g})"
        ax.text(v if v >= 0 else 0, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlim(min(-0.05, min(values) - 0.1), 1.25)
    ax.set_xlabel("rank correlation (numeric) / sqrt(epsilon²) (categorical)")
    ax.set_title(title or "parameters vs metric", loc="left")
    return ax


@_quiet
def plot_corr_matrix(
    matrix: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Heatmap of :func:`scanlab.analysis.corr_matrix` (one-hot columns for categoricals).

    Examples
    --------
    >>> m = pd.DataFrame([[1, 0.5], [0.5, 1]], index=['a', 'b'], columns=['a', 'b'])
    >>> ax = plot_corr_matrix(m)
    """
    n = len(matrix)
    ax = _axes(ax, figsize=(min(3 + 0.5 * n, 11), min(2.5 + 0.45 * n, 9)))
    if n == 0:
        return _empty(ax, "no varying columns to correlate")
    sns.heatmap(
        matrix,
        vmin=-1,
        vmax=1,
        center=0,
        cmap="vlag",
        annot=n <= 14,
        fmt=".2f",
        annot_kws={"fontsize": 7},
        square=n <= 20,
        linewidths=0.5,
        ax=ax,
        cbar_kws={"shrink": 0.7},
    )
    ax.set_title(title or "rank correlations", loc="left")
    return ax


@_quiet
def plot_importance(
    importance: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Bar chart of :func:`scanlab.analysis.param_importance` with its std as error bars.

    Examples
    --------
    >>> imp = pd.DataFrame({'param': ['lr', 'opt'], 'importance': [0.2, 0.01],
    ...                     'importance_std': [0.02, 0.01]})
    >>> ax = plot_importance(imp)
    """
    ax = _axes(ax, figsize=(7.0, 0.45 * max(len(importance), 3) + 1.2))
    if len(importance) == 0 or importance["importance"].isna().all():
        return _empty(ax, "importance not available (too few runs in the top quantile)")
    rows = importance.iloc[::-1]
    y = np.arange(len(rows))
    ax.barh(
        y,
        rows["importance"].fillna(0),
        xerr=rows["importance_std"].fillna(0),
        color="C2",
        ecolor="0.3",
        capsize=2,
    )
    ax.set_yticks(y, rows["param"].astype(str))
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel("drop in ROC AUC when the parameter is shuffled")
    ax.set_title(title or "parameter importance for reaching the top quantile", loc="left")
    return ax


def _cat_plot(
    kind: str,
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None,
    col: str | None,
    ax: Axes | None,
    max_points: int,
    seed: int,
    options: dict[str, Any],
) -> Axes | Figure:
    for c, role in ((x, "x"), (y, "y"), (hue, "hue"), (col, "col")):
        _check_column(data, c, role)
    frame = _finite(an.ok_runs(data), y)
    frame, total = an.subsample(frame, max_points, seed)
    frame, x_order = _levels(frame, x)
    frame, hue_order = _levels(frame, hue, max_levels=8)
    frame, col_order = _levels(frame, col, max_levels=8)
    if col is None:
        ax = _axes(ax)
        if len(frame) == 0:
            return _empty(ax, f"no finite values of {y}")
        draw = sns.barplot if kind == "bar" else sns.boxplot
        draw(frame, x=x, y=y, hue=hue, order=x_order, hue_order=hue_order, ax=ax, **options)
        _note(ax, len(frame), total, seed)
        ax.set_title(f"{y} by {x}" + (f" and {hue}" if hue else ""), loc="left")
        if hue and ax.get_legend() is not None:
            sns.move_legend(ax, "best", title=hue, fontsize=8)
        return ax
    if ax is not None:
        raise an.AnalysisError(
            "`ax` cannot be used with `col` (one panel per value): "
            "leave ax out and use the returned Figure"
        )
    ncol = len(col_order or [])
    grid = sns.catplot(
        frame,
        kind=kind,
        x=x,
        y=y,
        hue=hue,
        col=col,
        order=x_order,
        hue_order=hue_order,
        col_order=col_order,
        col_wrap=min(ncol, 4) or None,
        height=3.2,
        aspect=1.1,
        **options,
    )
    grid.set_titles(col_template=f"{col} = {{col_name}}")
    grid.figure.suptitle(
        f"{y} by {x}" + (f" and {hue}" if hue else "") + f", per {col}", x=0.01, ha="left", y=1.02
    )
    _note(grid.figure, len(frame), total, seed)
    return _figure_out(grid.figure)


@_quiet
def plot_bars(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None = None,
    col: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes | Figure:
    """Mean of ``y`` per value of ``x`` (bars with a 95 % confidence interval: mean +/- 1.96
    standard errors), by ``hue`` and ``col``.

    E.g. ``plot_bars(runs, 'epochs', 'val_accuracy', hue='dropout', col='lr')``: epochs on
    x, one colour per dropout, one panel per learning rate.

    Returns
    -------
    Axes, or the Figure when ``col`` is given (one panel per value of ``col``).

    Examples
    --------
    >>> df = pd.DataFrame({'epochs': [10, 20] * 4, 'lr': [0.1] * 4 + [0.01] * 4,
    ...                    'opt': ['a', 'a', 'b', 'b'] * 2, 'acc': np.linspace(0, 1, 8)})
    >>> fig = plot_bars(df, 'epochs', 'acc', hue='opt', col='lr')
    """
    return _cat_plot("bar", data, x, y, hue, col, ax, max_points, seed, {"errorbar": ("se", 1.96)})


@_quiet
def plot_box(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None = None,
    col: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes | Figure:
    """Box plot of ``y`` per value of ``x``, by ``hue`` and ``col`` (see :func:`plot_bars`).

    Examples
    --------
    >>> df = pd.DataFrame({'opt': ['a', 'b'] * 4, 'acc': np.linspace(0, 1, 8)})
    >>> ax = plot_box(df, 'opt', 'acc')
    """
    return _cat_plot(
        "box", data, x, y, hue, col, ax, max_points, seed, {"flierprops": {"markersize": 2}}
    )


@_quiet
def plot_parallel(info: an.ParallelInfo, *, ax: Axes | None = None) -> Axes:
    """Parallel coordinates from :func:`scanlab.analysis.parallel_coordinates`.

    One line per run across the parameter axes and the metric, coloured by the metric
    (brighter = better); the best run is drawn thick.

    Examples
    --------
    >>> df = pd.DataFrame({'lr': [0.001, 0.01, 0.1], 'opt': ['a', 'b', 'a'],
    ...                    'acc': [0.5, 0.7, 0.9]})
    >>> ax = plot_parallel(an.parallel_coordinates(df, 'acc', ['lr', 'opt']))
    """
    n_axes = len(info.axes)
    ax = _axes(ax, figsize=(max(7.0, 1.3 * n_axes + 1), 4.5))
    frame = info.scaled
    if len(frame) == 0:
        return _empty(ax, "no runs")
    xs = np.arange(n_axes)
    ys = frame[info.axes].to_numpy(dtype=float, copy=True)
    rng = np.random.default_rng(0)
    for j, name in enumerate(info.axes[:-1]):  # spread runs sharing a value a little
        if len(info.ticks[name][0]) <= 20 and len(ys) > 1:
            ys[:, j] += rng.uniform(-0.015, 0.015, len(ys))
    segments = np.stack([np.broadcast_to(xs, ys.shape), ys], axis=-1)
    values = info.metric_values
    cmap = plt.get_cmap("viridis_r" if info.minimize else "viridis")
    norm = plt.Normalize(np.min(values), np.max(values)) if len(values) else None
    n = len(frame)
    lines = LineCollection(
        segments,
        cmap=cmap,
        norm=norm,
        linewidths=0.8,
        alpha=0.8 if n <= 100 else 0.4 if n <= 500 else 0.15,
    )
    lines.set_array(values)
    ax.add_collection(lines)
    ax.plot(xs, frame[info.axes].to_numpy(dtype=float)[-1], color="C3", lw=2.5)
    for i, name in enumerate(info.axes):
        ax.axvline(i, color="0.3", lw=0.8)
        pos, labels = info.ticks[name]
        for p, lab in zip(pos, labels, strict=True):
            ax.text(
                i + 0.03,
                p,
                lab,
                fontsize=7,
                va="center",
                color="0.2",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    ax.set_xticks(xs, info.axes, rotation=20, ha="right")
    ax.set_xlim(-0.2, n_axes - 0.6)
    ax.set_ylim(-0.1, 1.05)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    solid = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)  # opaque, unlike the lines
    ax.figure.colorbar(solid, ax=ax, label=info.metric, pad=0.01)
    ax.set_title("parallel coordinates (red: best run)", loc="left")
    if len(frame) < info.n_total:
        ax.text(
            1.0,
            1.01,
            f"{len(frame):,} of {info.n_total:,} runs drawn: the best 5 % and "
            "a seeded random sample",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            **_NOTE_STYLE,
        )
    return ax


# --------------------------------------------------------------------------------------------
# Training vs validation
# --------------------------------------------------------------------------------------------


@_quiet
def plot_regression(
    data: pd.DataFrame,
    reg: an.Regression,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
    label_outliers: int = 5,
) -> Axes:
    """Validation vs training metric across runs with the fitted line
    (:func:`scanlab.analysis.regression`); runs far off the line are red, over-fitting ones
    labelled with their run id. The dashed grey line is ``val = train``.

    Examples
    --------
    >>> df = pd.DataFrame({'loss': [1.0, 2.0, 3.0, 4.0], 'val_loss': [2.0, 4.1, 6.0, 8.2]})
    >>> ax = plot_regression(df, an.regression(df))
    """
    ax = _axes(ax)
    frame = _finite(an.ok_runs(data), reg.x, reg.y)
    if len(frame) == 0:
        return _empty(ax, f"no runs with both {reg.x} and {reg.y}")
    frame, total = an.subsample(frame, max_points, seed)
    ax.scatter(
        frame[reg.x],
        frame[reg.y],
        s=10 if len(frame) < 2000 else 3,
        alpha=0.6,
        color="C0",
        linewidths=0,
        label="runs",
    )
    lo, hi = float(frame[reg.x].min()), float(frame[reg.x].max())
    both = np.array([min(lo, frame[reg.y].min()), max(hi, frame[reg.y].max())])
    ax.plot(both, both, ls="--", color="0.6", lw=1, label="val = train")
    if np.isfinite(reg.slope):
        xs = np.array([lo, hi])
        ax.plot(
            xs,
            reg.intercept + reg.slope * xs,
            color="C1",
            lw=2,
            label=f"fit: slope {reg.slope:.3g}, r² {reg.r2:.3f}",
        )
    out = reg.outliers
    if len(out):
        ax.scatter(
            out["x"], out["y"], s=22, color="C3", zorder=3, label=f"off the line ({len(out):,})"
        )
        if "run_id" in out.columns:
            for _, r in out[out["overfit"]].head(label_outliers).iterrows():
                ax.annotate(
                    str(r["run_id"]),
                    (r["x"], r["y"]),
                    fontsize=7,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
    _note(ax, len(frame), total, seed)
    ax.set_xlabel(reg.x)
    ax.set_ylabel(reg.y)
    ax.set_title(f"{reg.y} vs {reg.x} (n={reg.n:,})", loc="left")
    ax.legend(fontsize=8, loc="best")
    return ax


@_quiet
def plot_entropy(
    entropy: pd.DataFrame,
    key: str | None = None,
    *,
    ax: Axes | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Axes:
    """KL divergence of validation from training curves
    (:func:`scanlab.analysis.learning_entropy`) of one metric, per round.

    ``key`` is the training metric name (default ``loss``, else the first one present).

    Examples
    --------
    >>> e = pd.DataFrame({'run_id': list('abcd'), 'round': [1, 1, 2, 2], 'key': ['loss'] * 4,
    ...                   'kl': [0.01, 0.03, 0.02, 0.05], 'epochs': [5] * 4})
    >>> ax = plot_entropy(e)
    """
    ax = _axes(ax)
    keys = list(dict.fromkeys(entropy["key"])) if len(entropy) else []
    if key is None and keys:
        key = "loss" if "loss" in keys else keys[0]
    frame = entropy[(entropy["key"] == key).to_numpy()] if keys else entropy
    frame = frame[np.isfinite(frame["kl"].to_numpy(dtype=float))] if len(frame) else frame
    if len(frame) == 0:
        return _empty(
            ax,
            "no per-epoch histories with training and validation curves"
            + (f" of {key}" if key else ""),
        )
    frame = frame.assign(round=frame["round"] if "round" in frame.columns else 1)
    frame, total = an.subsample(frame, max_points, seed)
    frame, order = _levels(frame, "round", max_levels=50)
    sns.boxplot(
        frame, x="round", y="kl", order=order, ax=ax, showfliers=False, width=0.5, color="0.85"
    )
    dots = an.subsample(frame, 3000, seed)[0]
    sns.stripplot(dots, x="round", y="kl", order=order, ax=ax, size=2.5, alpha=0.5, jitter=0.2)
    _note(ax, len(frame), total, seed)
    ax.set_ylabel(f"KL(val_{key} ‖ {key})")
    ax.set_title(f"learning entropy of {key} per round", loc="left")
    return ax


@_quiet
def plot_learning_curves(curves: pd.DataFrame, title: str | None = None) -> Figure:
    """Per-epoch curves from :func:`scanlab.analysis.learning_curves`: one panel per metric,
    one colour per run, training dashed and validation solid.

    Examples
    --------
    >>> c = pd.DataFrame({'run_id': ['a'] * 4, 'key': ['loss'] * 4,
    ...                   'split': ['train', 'train', 'val', 'val'], 'epoch': [1, 2, 1, 2],
    ...                   'value': [1.0, 0.5, 1.1, 0.7]})
    >>> fig = plot_learning_curves(c)
    """
    keys = list(dict.fromkeys(curves["key"])) if len(curves) else []
    fig, axes = plt.subplots(
        1,
        max(len(keys), 1),
        figsize=(5.2 * max(len(keys), 1), 3.8),
        squeeze=False,
        layout="constrained",
    )
    if not keys:
        _empty(axes[0, 0], "no per-epoch histories for these runs")
        return _figure_out(fig)
    runs = list(dict.fromkeys(curves["run_id"]))
    palette = dict(zip(runs, sns.color_palette("tab10", len(runs)), strict=True))
    for ax, key in zip(axes[0], keys, strict=True):
        part = curves[curves["key"] == key]
        for run_id in runs:
            for split, ls in (("train", "--"), ("val", "-")):
                s = part[(part["run_id"] == run_id) & (part["split"] == split)]
                if len(s):
                    ax.plot(
                        s["epoch"],
                        s["value"],
                        ls=ls,
                        color=palette[run_id],
                        lw=1.4,
                        label=f"{run_id}" if split == "val" else None,
                    )
        ax.set_title(f"{key} (dashed: training, solid: validation)", loc="left", fontsize=9)
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
    axes[0, -1].legend(
        fontsize=7,
        title="run",
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    if title:
        fig.suptitle(title, x=0.01, ha="left")
    return _figure_out(fig)


def figure_of(obj: Axes | Figure) -> Figure:
    """The Figure of an Axes or a Figure (handy for saving what a plot returned)."""
    return obj if isinstance(obj, Figure) else obj.figure


def sample_size_note(shown: int, total: int, seed: int = 0) -> str:
    """The note the plots print when they subsample (also used by the report)."""
    return _sample_note(shown, total, seed)
