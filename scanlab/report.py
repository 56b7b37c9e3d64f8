"""A self-contained HTML report of a scan's results.

One file: inline CSS, every figure a PNG embedded as base64, no script, no network access,
so it can be mailed, archived or opened offline. Sections: summary (runs ok / failed,
metric, direction, best value, failures, rounds, and the rounds compared when there are
several; for budgeted results, the budget whose rows every statistic compares, and a section
on the rungs with every run's metric against epochs), best runs, validation (fold spread,
per-class scores, held-out gaps; only when recorded), parameters (correlations, importance,
per-value summary), distributions of the metric, parameter plots (bars, boxes, parallel
coordinates), training vs validation (regressions, learning entropy, learning curves of the
best runs).
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import os
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab import analysis as an
from scanlab._budget_view import budget_view
from scanlab._html import CSS, HtmlBuilder, fmt
from scanlab._metric_names import direction_words
from scanlab._report_budgets import BUDGET_SECTION, budget_note, write_budget_section
from scanlab._report_validation import VALIDATION_SECTION, write_validation_section
from scanlab._schema import ResultColumns
from scanlab.results import Results, read_results

__all__ = ["SECTIONS", "write_report"]

#: ``(anchor, heading)`` of every section, in order.
SECTIONS = (
    ("summary", "Summary"),
    ("best-runs", "Best runs"),
    ("parameters", "Parameters vs metric"),
    ("distributions", "Metric distributions"),
    ("parameter-plots", "Parameter plots"),
    ("train-val", "Training vs validation"),
)


def _pick_panels(data: pd.DataFrame, corr: pd.DataFrame) -> list[str]:
    """Parameters for x / hue / col: strongest first, 2 to 8 distinct values."""
    ok = an.ok_runs(data)
    chosen = []
    for name in corr["param"]:
        if 2 <= ok[name].nunique() <= 8:
            chosen.append(name)
    return chosen[:3]


def _budget_words(choice: an.BudgetChoice | None) -> str:
    if choice is None or choice.budget is None:
        return "every budget"
    return f"statistics at {choice.budget} epochs"


def write_report(
    results: Any,
    path: str | os.PathLike[str] = "report.html",
    metric: str | None = None,
    k: int = 10,
    title: str | None = None,
    seed: int = 0,
    budget: int | str | an.BudgetChoice | None = None,
) -> Path:
    """Write the HTML report of the runs to ``path`` and return the path.

    Parameters
    ----------
    results : Results, Analyze, Scan, DataFrame, str or path
        The runs, read by :func:`scanlab.read_results` (an :class:`~scanlab.Analyze` gives
        its :class:`~scanlab.Results`).
    path : str or path
        Output file (its folder must exist).
    metric : str, optional
        Metric to report on (default: the results' default metric).
    k : int
        Number of best runs listed and drawn.
    title : str, optional
        Heading of the report (default: the results' source).
    seed : int
        Seed of the subsamples and of the importance model.
    budget : int, 'max' or 'all', optional
        Budgeted results only: the budget whose rows the statistics compare (see
        :func:`scanlab.analysis.choose_budget`; default: the highest with 3 ok runs).

    Returns
    -------
    Path
        ``path``, written.

    Raises
    ------
    NoRunsError
        When no run succeeded.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> df = pd.DataFrame({'run_id': list('abcdef'), 'round': 1, 'status': 'ok',
    ...                    'lr': [0.1, 0.01] * 3, 'loss': [0.3, 0.2, 0.5, 0.4, 0.2, 0.1],
    ...                    'val_loss': [0.35, 0.25, 0.6, 0.45, 0.3, 0.2]})
    >>> out = write_report(df, pathlib.Path(tempfile.mkdtemp()) / 'r.html')
    >>> out.read_text().count('<figure>') > 5
    True
    """
    from scanlab import plots

    every: Results = read_results(results)
    runs, choice = budget_view(every, budget)
    metric = runs.resolve(metric)
    minimize = runs.minimize(metric)
    data = runs.data
    columns = ResultColumns(runs.params, runs.metrics)
    summary = an.summarize(data, metric, minimize, columns)
    counts = an.summarize(every.data, metric, minimize, columns) if choice else summary
    an.metric_ok(data, metric)  # raises NoRunsError with a clear message
    params = list(runs.params)
    b = HtmlBuilder()
    started = time.perf_counter()

    # ---- summary ---------------------------------------------------------------------------
    b.h(2, "Summary", "summary")
    cards = [
        ("rows" if choice else "runs", f"{counts.n_runs:,}", False),
        ("ok", f"{counts.n_ok:,}", False),
        ("failed", f"{counts.n_failed:,}", counts.n_failed > 0),
        ("rounds", f"{counts.n_rounds:,}", False),
        *([("budget", _budget_words(choice), False)] if choice else []),
        ("metric", metric, False),
        ("direction", direction_words(minimize), False),
        ("best value", fmt(summary.best_value), False),
        (
            "best run",
            f"{summary.best_run_id or '—'}"
            + (f" (round {summary.best_round})" if summary.best_round else ""),
            False,
        ),
    ]
    b.add(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="k">{html.escape(key)}</div>'
            f'<div class="v{" bad" if bad else ""}">{html.escape(val)}</div></div>'
            for key, val, bad in cards
        )
        + "</div>"
    )
    b.note(
        f"Source: {runs.source}. Parameters: {', '.join(params) or '(none)'}. "
        f"Metrics: {', '.join(runs.metrics)}. Failed runs are left out of every "
        'statistic and plot below. A run is one trained permutation (Talos\'s "round"); '
        "a round is one scan of the experiment."
    )
    if choice:
        b.note(budget_note(choice))
    fails = an.failures(every.data)
    if len(fails):
        b.h(3, "Failed runs by error type")
        b.table(fails)
    b.h(3, "Rounds")
    b.table(an.round_summary(data, metric, minimize))
    if summary.n_rounds > 1:
        comparison = an.round_comparison(data, metric, minimize, 0.2)
        b.h(3, "Rounds compared")
        b.note(
            "Each round against one bar: the top 20 % of the ok runs of all rounds "
            f"together ({metric} {'≤' if minimize else '≥'} "
            f"{fmt(comparison.attrs['threshold'])}). top_rate = share of the round's ok "
            "runs in that top; top_compute_share = share of the round's compute (sum of "
            "duration_s, failed runs included) spent on those runs. A good narrowing "
            "raises both."
        )
        b.table(comparison)
        b.figure(
            "round comparison",
            lambda: plots.plot_round_comparison(data, comparison, metric, seed=seed),
            wide=True,
        )

    if choice:
        write_budget_section(b, every, metric, minimize, seed)

    # ---- best runs -------------------------------------------------------------------------
    b.h(2, f"Best runs (top {k} by {metric})", "best-runs")
    b.table(an.best_runs(data, metric, k, minimize, columns), index=True, scroll=True)
    validated = write_validation_section(b, runs, metric, minimize, k)

    # ---- parameters ------------------------------------------------------------------------
    b.h(2, "Parameters vs metric", "parameters")
    corr = an.correlations(data, metric, params)
    if params:
        b.h(3, "Correlations")
        b.note(
            "Numeric parameters: Spearman rank correlation with the metric (positive = "
            "higher metric values). Categorical parameters: Kruskal-Wallis test, effect "
            "size epsilon² (0 = no effect, 1 = the value decides the rank); strength = "
            "|rho| or sqrt(epsilon²). n = runs used."
        )
        b.table(corr)
        b.figure(
            "correlation bars",
            lambda: plots.plot_correlations(
                corr, title=f"parameters vs {metric} (spearman / kruskal)"
            ),
        )
        others = [m for m in runs.metrics if m != metric]
        b.figure(
            "correlation heatmap",
            lambda: plots.plot_corr_matrix(
                an.corr_matrix(data, params, [metric, *others]),
                title="spearman correlations (categorical parameters one-hot)",
            ),
            wide=True,
        )
        b.h(3, "Importance for reaching the top 10 %")
        importance = an.param_importance(data, metric, params, minimize, 0.1, seed)
        b.note(
            "Random forest (seeded) predicting whether a run is in the top 10 % from its "
            "parameters; importance = drop of ROC AUC on held-out runs when the parameter "
            "is shuffled (permutation importance)."
        )
        b.table(importance)
        b.figure("importance", lambda: plots.plot_importance(importance))
        b.h(3, "Per-value summary")
        b.note(
            "For every parameter value: runs, mean / median / std of the metric, "
            "top_share = share of the top-10 % runs with this value, top_rate = share of "
            "this value's runs in the top 10 %, corr = Spearman correlation of the one-hot "
            "indicator with the metric."
        )
        values = an.value_summary(data, metric, params, minimize, 0.1)
        vc = an.value_correlations(data, metric, params)[
            ["param", "value", "correlation", "p_value"]
        ]
        values = values.merge(
            vc.rename(columns={"correlation": "corr", "p_value": "corr_p"}),
            on=["param", "value"],
            how="left",
        )
        b.table(values, scroll=True)
    else:
        b.note("No parameter columns were found.")

    # ---- distributions ---------------------------------------------------------------------
    b.h(2, "Metric distributions", "distributions")
    b.figure("line", lambda: plots.plot_line(data, metric, minimize, seed=seed))
    b.figure("histogram", lambda: plots.plot_hist(data, metric, seed=seed))
    b.figure("kde", lambda: plots.plot_kde(data, metric, seed=seed))
    panels = _pick_panels(data, corr) if params else []
    if panels:
        b.figure("kde by parameter", lambda: plots.plot_kde(data, metric, by=panels[0], seed=seed))
    b.figure("rounds", lambda: plots.plot_rounds(data, metric, seed=seed))

    # ---- parameter plots -------------------------------------------------------------------
    b.h(2, "Parameter plots", "parameter-plots")
    if panels:
        x = panels[0]
        hue = panels[1] if len(panels) > 1 else None
        col = panels[2] if len(panels) > 2 else None
        b.figure(
            "bars",
            lambda: plots.plot_bars(data, x, metric, hue=hue, col=col, seed=seed),
            f"mean {metric} (95 % CI) by {x}"
            + (f", hue {hue}" if hue else "")
            + (f", panels by {col}" if col else ""),
            wide=col is not None,
        )
        b.figure("boxes", lambda: plots.plot_box(data, x, metric, hue=hue, seed=seed))
    else:
        b.note("No parameter with 2 to 8 values to draw bars and boxes for.")
    if params:
        b.figure(
            "parallel coordinates",
            lambda: plots.plot_parallel(
                an.parallel_coordinates(data, metric, params, minimize, seed=seed)
            ),
            wide=True,
        )

    # ---- training vs validation ------------------------------------------------------------
    b.h(2, "Training vs validation", "train-val")
    regs = an.train_val_regressions(data, runs.metrics, 3.0, runs.minimize)
    if regs:
        b.note(
            "Validation metric fitted on training metric across runs. Runs more than 3 "
            "residual standard deviations off the line are listed; overfit = validation "
            "worse than the line predicts."
        )
        b.table(
            pd.DataFrame(
                [
                    {
                        "train": r.x,
                        "validation": r.y,
                        "n": r.n,
                        "slope": r.slope,
                        "intercept": r.intercept,
                        "r2": r.r2,
                        "residual_std": r.residual_std,
                        "off the line": len(r.outliers),
                        "overfit": int(r.outliers["overfit"].sum()) if len(r.outliers) else 0,
                    }
                    for r in regs
                ]
            )
        )
        for r in regs:
            b.figure(
                f"regression {r.y}", functools.partial(plots.plot_regression, data, r, seed=seed)
            )
        for r in regs:
            if len(r.outliers):
                b.h(3, f"Runs off the {r.y} ~ {r.x} line (at most 20)")
                b.table(r.outliers.head(20))
    else:
        b.note(
            "No training/validation metric pairs (loss / val_loss, accuracy / "
            "val_accuracy) in the results."
        )
    histories = runs.histories()
    if histories:
        entropy = an.learning_entropy(histories, data)
        b.h(3, "Learning entropy")
        b.note(
            "KL divergence D(validation || training) of each run's per-epoch curves "
            "(scipy.stats.entropy, both curves scaled to sum 1): 0 when validation follows "
            "the training curve's shape, larger when they diverge (over-fitting)."
        )
        b.table(an.entropy_summary(entropy))
        for key in dict.fromkeys(entropy["key"]):
            b.figure(
                f"entropy {key}", functools.partial(plots.plot_entropy, entropy, key, seed=seed)
            )
        best_ids = an.best_runs(data, metric, k, minimize, columns)
        ids = best_ids["run_id"].astype(str).tolist() if "run_id" in best_ids else []
        kk = min(k, 8)
        b.figure(
            "learning curves",
            lambda: plots.plot_learning_curves(
                an.learning_curves(histories, ids[:kk]), title=f"best {kk} runs by {metric}"
            ),
            wide=True,
        )
    else:
        b.note(
            "No per-epoch histories (history.jsonl) were found: learning entropy and "
            "learning curves are not available."
        )

    elapsed = time.perf_counter() - started
    from scanlab._version import __version__

    heading = title or f"scanlab report: {runs.source}"
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = (SECTIONS[0], *([BUDGET_SECTION] if choice else []), SECTIONS[1])
    sections += (*([VALIDATION_SECTION] if validated else []), *SECTIONS[2:])
    nav = "".join(f'<a href="#{a}">{html.escape(t)}</a>' for a, t in sections)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(heading)}</h1><p>{counts.n_runs:,} "
        f"{'rows' if choice else 'runs'} ({counts.n_ok:,} ok, {counts.n_failed:,} failed)"
        f"{' · ' + html.escape(_budget_words(choice)) if choice else ''} · metric "
        f"{html.escape(metric)} "
        f"({direction_words(minimize)}) · generated {stamp} by scanlab {__version__} "
        f"in {elapsed:.1f} s</p></header>\n<nav>{nav}</nav>\n<main>\n"
        + "\n".join(b.parts)
        + "\n</main>\n</body>\n</html>\n"
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    if b.errors:
        warnings.warn(
            "report: some plots could not be drawn: " + "; ".join(b.errors),
            RuntimeWarning,
            stacklevel=2,
        )
    return out
