"""A self-contained HTML report of a scan's results.

One file: inline CSS, every figure a PNG embedded as base64, no script, no network access,
so it can be mailed, archived or opened offline. Sections: summary (runs ok / failed,
metric, direction, best value, failures, rounds, and the rounds compared when there are
several), best runs, parameters (correlations, importance, per-value summary), distributions
of the metric, parameter plots (bars, boxes, parallel coordinates), training vs validation
(regressions, learning entropy, learning curves of the best runs).
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scanlab import analysis as an

if TYPE_CHECKING:  # pragma: no cover
    from scanlab.analyze import Analyze

__all__ = ["write_report", "SECTIONS"]

#: ``(anchor, heading)`` of every section, in order.
SECTIONS = (
    ("summary", "Summary"),
    ("best-runs", "Best runs"),
    ("parameters", "Parameters vs metric"),
    ("distributions", "Metric distributions"),
    ("parameter-plots", "Parameter plots"),
    ("train-val", "Training vs validation"),
)

_CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
header { background: #24323f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 22px; }
header p { margin: 0; color: #cfd8df; font-size: 13px; }
nav { padding: 8px 32px; background: #e9edf0; font-size: 13px; }
nav a { margin-right: 16px; color: #24323f; text-decoration: none; }
main { padding: 8px 32px 40px 32px; max-width: 1320px; }
section { margin-top: 22px; }
h2 { border-bottom: 2px solid #24323f; padding-bottom: 4px; font-size: 19px; }
h3 { font-size: 15px; margin: 18px 0 6px 0; }
p.note { color: #555; font-size: 13px; max-width: 980px; margin: 4px 0 8px 0; }
table.tbl { border-collapse: collapse; font-size: 12px; margin: 6px 0 12px 0;
            background: #fff; }
table.tbl th, table.tbl td { border: 1px solid #d5dbe0; padding: 3px 8px; text-align: right; }
table.tbl th { background: #eef1f4; }
table.tbl td:first-child, table.tbl th:first-child { text-align: left; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
.card { background: #fff; border: 1px solid #d5dbe0; border-radius: 6px; padding: 10px 16px;
        min-width: 150px; }
.card .k { font-size: 12px; color: #667; }
.card .v { font-size: 20px; font-weight: 600; margin-top: 2px; }
.card .v.bad { color: #b03030; }
figure { margin: 6px 8px 14px 0; background: #fff; border: 1px solid #e1e5e9; padding: 8px;
         display: inline-block; vertical-align: top; max-width: calc(50% - 12px);
         box-sizing: border-box; }
figure.wide { max-width: 100%; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: #555; margin-top: 4px; }
.err { color: #b03030; font-size: 13px; }
.scroll { max-height: 420px; overflow: auto; display: inline-block; }
"""


def _fmt(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "—"
        return f"{float(value):.4g}"
    return str(value)


def _table(frame: pd.DataFrame, index: bool = False, scroll: bool = False) -> str:
    if frame is None or len(frame) == 0:
        return '<p class="note">(none)</p>'
    text = frame.to_html(
        index=index,
        classes="tbl",
        border=0,
        na_rep="—",
        float_format=lambda v: f"{v:.4g}",
        escape=True,
    )
    return f'<div class="scroll">{text}</div>' if scroll else text


def _png(fig: Any) -> str:
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    buf = io.BytesIO()
    # constrained layout already fits everything: skip the extra draw of bbox_inches="tight"
    tight = None if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine) else "tight"
    fig.savefig(buf, format="png", dpi=90, bbox_inches=tight, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


class _Builder:
    """Collects HTML parts; draws figures, embeds them and closes them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.errors: list[str] = []
        self.timings: dict[str, float] = {}

    def add(self, text: str) -> None:
        self.parts.append(text)

    def h(self, level: int, text: str, anchor: str | None = None) -> None:
        ident = f' id="{anchor}"' if anchor else ""
        self.add(f"<h{level}{ident}>{html.escape(text)}</h{level}>")

    def note(self, text: str) -> None:
        self.add(f'<p class="note">{html.escape(text)}</p>')

    def table(self, frame: pd.DataFrame, index: bool = False, scroll: bool = False) -> None:
        self.add(_table(frame, index, scroll))

    def figure(
        self, name: str, draw: Callable[[], Any], caption: str = "", wide: bool = False
    ) -> None:
        import matplotlib.pyplot as plt

        from scanlab.plots import figure_of

        start = time.perf_counter()
        before = set(plt.get_fignums())
        fig = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig = figure_of(draw())
                data = _png(fig)
        except Exception as exc:  # a broken plot must not cost the whole report
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            self.add(
                f'<p class="err">could not draw {html.escape(name)}: '
                f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</p>"
            )
            return
        finally:  # close what this plot opened, and only that (not the user's figures)
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            if fig is not None:
                plt.close(fig)
            self.timings[name] = time.perf_counter() - start
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        cls = ' class="wide"' if wide else ""
        self.add(
            f'<figure{cls}><img alt="{html.escape(name)}" '
            f'src="data:image/png;base64,{data}">{cap}</figure>'
        )


def _pick_panels(a: Analyze, corr: pd.DataFrame) -> list[str]:
    """Parameters for x / hue / col: strongest first, 2 to 8 distinct values."""
    ok = a.ok
    chosen = []
    for name in corr["param"]:
        if 2 <= ok[name].nunique() <= 8:
            chosen.append(name)
    return chosen[:3]


def write_report(
    analyze: Analyze,
    path: str | os.PathLike[str] = "report.html",
    metric: str | None = None,
    k: int = 10,
    title: str | None = None,
    seed: int = 0,
) -> Path:
    """Write the HTML report of ``analyze``'s runs to ``path`` and return the path.

    Parameters
    ----------
    analyze : Analyze
        The results.
    path : str or path
        Output file (its folder must exist).
    metric : str, optional
        Metric to report on (default: ``analyze.metric``).
    k : int
        Number of best runs listed and drawn.
    title : str, optional
        Heading of the report (default: the results' source).
    seed : int
        Seed of the subsamples and of the importance model.

    Raises
    ------
    NoRunsError
        When no run succeeded.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scanlab.analyze import Analyze
    >>> df = pd.DataFrame({'run_id': list('abcdef'), 'round': 1, 'status': 'ok',
    ...                    'lr': [0.1, 0.01] * 3, 'loss': [0.3, 0.2, 0.5, 0.4, 0.2, 0.1],
    ...                    'val_loss': [0.35, 0.25, 0.6, 0.45, 0.3, 0.2]})
    >>> out = write_report(Analyze(df), pathlib.Path(tempfile.mkdtemp()) / 'r.html')
    >>> out.read_text().count('<figure>') > 5
    True
    """
    from scanlab import plots

    metric = analyze._metric(metric)
    minimize = analyze.minimize(metric)
    data = analyze.data
    summary = analyze.summary(metric)
    an._metric_ok(data, metric)  # raises NoRunsError with a clear message
    params = list(analyze.params)
    b = _Builder()
    started = time.perf_counter()

    # ---- summary ---------------------------------------------------------------------------
    b.h(2, "Summary", "summary")
    cards = [
        ("runs", f"{summary.n_runs:,}", False),
        ("ok", f"{summary.n_ok:,}", False),
        ("failed", f"{summary.n_failed:,}", summary.n_failed > 0),
        ("rounds", f"{summary.n_rounds:,}", False),
        ("metric", metric, False),
        ("direction", an.direction_words(minimize), False),
        ("best value", _fmt(summary.best_value), False),
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
        f"Source: {analyze.source}. Parameters: {', '.join(params) or '(none)'}. "
        f"Metrics: {', '.join(analyze.metrics)}. Failed runs are left out of every "
        'statistic and plot below. A run is one trained permutation (Talos\'s "round"); '
        "a round is one scan of the experiment."
    )
    fails = analyze.failures()
    if len(fails):
        b.h(3, "Failed runs by error type")
        b.table(fails)
    b.h(3, "Rounds")
    b.table(analyze.round_summary(metric))
    if summary.n_rounds > 1:
        comparison = analyze.compare_rounds(metric)
        b.h(3, "Rounds compared")
        b.note(
            "Each round against one bar: the top 20 % of the ok runs of all rounds "
            f"together ({metric} {'≤' if minimize else '≥'} "
            f"{_fmt(comparison.attrs['threshold'])}). top_rate = share of the round's ok "
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

    # ---- best runs -------------------------------------------------------------------------
    b.h(2, f"Best runs (top {k} by {metric})", "best-runs")
    b.table(analyze.best_runs(k, metric), index=True, scroll=True)

    # ---- parameters ------------------------------------------------------------------------
    b.h(2, "Parameters vs metric", "parameters")
    corr = analyze.correlate(metric)
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
        others = [m for m in analyze.metrics if m != metric]
        b.figure(
            "correlation heatmap",
            lambda: plots.plot_corr_matrix(
                an.corr_matrix(data, params, [metric, *others]),
                title="spearman correlations (categorical parameters one-hot)",
            ),
            wide=True,
        )
        b.h(3, "Importance for reaching the top 10 %")
        importance = analyze.importance(metric, seed=seed)
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
        values = analyze.value_summary(metric)
        vc = analyze.correlate_values(metric)[["param", "value", "correlation", "p_value"]]
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
    panels = _pick_panels(analyze, corr) if params else []
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
    regs = analyze.regressions()
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
            b.figure(f"regression {r.y}", lambda r=r: plots.plot_regression(data, r, seed=seed))
        for r in regs:
            if len(r.outliers):
                b.h(3, f"Runs off the {r.y} ~ {r.x} line (at most 20)")
                b.table(r.outliers.head(20))
    else:
        b.note(
            "No training/validation metric pairs (loss / val_loss, accuracy / "
            "val_accuracy) in the results."
        )
    histories = analyze.histories()
    if histories:
        entropy = analyze.learning_entropy()
        b.h(3, "Learning entropy")
        b.note(
            "KL divergence D(validation || training) of each run's per-epoch curves "
            "(scipy.stats.entropy, both curves scaled to sum 1): 0 when validation follows "
            "the training curve's shape, larger when they diverge (over-fitting)."
        )
        b.table(an.entropy_summary(entropy))
        for key in dict.fromkeys(entropy["key"]):
            b.figure(f"entropy {key}", lambda key=key: plots.plot_entropy(entropy, key, seed=seed))
        best_ids = analyze.best_runs(k, metric)
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

    heading = title or f"scanlab report: {analyze.source}"
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f'<a href="#{a}">{html.escape(t)}</a>' for a, t in SECTIONS)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(heading)}</h1><p>{summary.n_runs:,} runs "
        f"({summary.n_ok:,} ok, {summary.n_failed:,} failed) · metric {html.escape(metric)} "
        f"({an.direction_words(minimize)}) · generated {stamp} by scanlab {__version__} "
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
