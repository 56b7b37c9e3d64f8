"""The report's section on validation: how far to trust the winner.

Written only when there is something to show: the fold spread of the best configurations
(cross-validated runs, ``Scan(cv=k)``), the best scored run's confusion matrix and per-class
recall (``Scan(scoring=[...])``), and the validation-versus-test gaps of the held-out check
(``scanlab.evaluate``, ``<experiment>/heldout.csv``). :func:`scanlab.report.write_report`
calls it.
"""

from __future__ import annotations

import pandas as pd

from scanlab import analysis as an
from scanlab._html import HtmlBuilder, fmt
from scanlab._metric_names import fold_columns
from scanlab._validation_files import read_heldout, read_scores
from scanlab.results import Results

__all__ = ["VALIDATION_SECTION", "folds_table", "write_validation_section"]

#: ``(anchor, heading)`` of the section, listed in the report's navigation when it is written.
VALIDATION_SECTION = ("validation", "Validation")


def folds_table(summary: pd.DataFrame, params: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """The fold summary as the report shows it: ``mean ± std`` as text, the flag in words.

    Parameters
    ----------
    summary : DataFrame
        :func:`scanlab.analysis.fold_summary`.
    params : sequence of str, default ()
        Parameter columns to keep.

    Returns
    -------
    DataFrame
        ``run_id``, the parameters, ``mean ± std``, ``lead``, ``pooled_std``, ``within
        spread`` (``'winner'``, ``'yes'``, ``'no'``), ``p_paired`` when computed.

    Examples
    --------
    >>> s = pd.DataFrame({'run_id': ['a', 'b'], 'mean': [0.9, 0.85], 'std': [0.02, 0.01],
    ...                   'lead': [0.0, 0.05], 'pooled_std': [0.02, 0.016],
    ...                   'within_spread': pd.array([pd.NA, False], dtype='boolean')},
    ...                  index=pd.Index([1, 2], name='rank'))
    >>> folds_table(s)[['mean ± std', 'within spread']].to_dict('list')
    {'mean ± std': ['0.9 ± 0.02', '0.85 ± 0.01'], 'within spread': ['winner', 'no']}
    """
    keep = [c for c in ("run_id", *params) if c in summary.columns]
    out = summary[keep].copy()
    out["mean ± std"] = [
        f"{fmt(m)} ± {fmt(s)}" for m, s in zip(summary["mean"], summary["std"], strict=True)
    ]
    out["lead"] = summary["lead"]
    out["pooled_std"] = summary["pooled_std"]
    out["within spread"] = [
        "winner" if i == 0 else ("yes" if bool(v) else "no")
        for i, v in enumerate(summary["within_spread"].fillna(False))
    ]
    if "p_paired" in summary.columns:
        out["p_paired"] = summary["p_paired"]
    return out


def write_validation_section(
    b: HtmlBuilder, runs: Results, metric: str, minimize: bool, k: int = 10
) -> bool:
    """Append the section when the runs have folds, per-class scores or a held-out check.

    Parameters
    ----------
    b : HtmlBuilder
        The report being built.
    runs : Results
        The runs the report reads (its folder holds the sidecars and ``heldout.csv``).
    metric : str
        The report's metric.
    minimize : bool
        Whether lower is better.
    k : int, default 10
        Number of configurations in the folds table.

    Returns
    -------
    bool
        Whether the section was written (the report lists it in its navigation then).
    """
    from scanlab import plots

    cross_validated = bool(fold_columns(metric, runs.data.columns)[0])
    folder = runs.folder if runs.folder is not None and runs.folder.is_dir() else None
    scores = read_scores(folder) if folder is not None else {}
    heldout = read_heldout(folder) if folder is not None else None
    if heldout is not None and not an.heldout_metrics(heldout):
        heldout = None
    if not (cross_validated or scores or heldout is not None):
        return False
    anchor, heading = VALIDATION_SECTION
    b.h(2, heading, anchor)
    if cross_validated:
        summary = an.fold_summary(runs.data, metric, minimize, k, runs.params)
        b.h(3, f"Folds: the top {len(summary)} configurations")
        b.note(
            f"{summary.attrs['note']} lead = the winner's mean minus this one's (positive = "
            "the winner is better); within spread = |lead| < pooled_std, the square root of "
            "the mean of the two runs' fold variances: the folds cannot tell them apart."
        )
        b.table(folds_table(summary, runs.params), index=True, scroll=True)
        b.figure("folds", lambda: plots.plot_folds(summary), wide=True)
    if scores:
        chosen, best = an.best_scored_run(runs.data, metric, minimize, scores)
        if chosen is not None:
            details = scores[chosen]
            report = an.class_report(details)
            b.h(3, f"Classes of run {chosen}")
            pooled = (
                f" The predictions of its {details['n_folds']} folds are pooled."
                if details.get("n_folds")
                else ""
            )
            other = f" Run {best}, the best by {metric}, has no scores." if chosen != best else ""
            b.note(f"{report.note}{pooled}{other} Rows of the matrix: the true class.")
            b.table(report.table)
            b.figure(
                "confusion",
                lambda: plots.plot_confusion(
                    report, title=f"confusion matrix of run {chosen} (rows: true class)"
                ),
            )
            if len(report.confused):
                b.note(
                    "The classes most often predicted for one another: count = samples of "
                    "the true class predicted as the other, rate = their share of the true class."
                )
                b.table(report.confused)
    if heldout is not None:
        gaps = an.heldout_gaps(heldout, metric)
        b.h(3, "Held-out check: validation vs test")
        b.note(
            f"{gaps.attrs['note']} gap = validation − test; the search chose these "
            "configurations on validation data, the test data it never saw."
        )
        b.table(gaps, scroll=True)
        b.figure("held-out", lambda: plots.plot_heldout(gaps))
    return True
