"""What :func:`scanlab.suggest` returns: the proposed params dict with its evidence, shown as
a table in a terminal or a notebook."""

from __future__ import annotations

import html
import math
from typing import Any, NamedTuple

import pandas as pd

from scanlab._metric_names import direction_words

__all__ = ["Suggestion"]


class Suggestion(NamedTuple):
    """What :func:`suggest` proposes, and why.

    Parameters
    ----------
    params, evidence, values, metric, minimize, quantile, n_runs, grid_before, grid_after, \
budget, tolerance, noise_floor
        The fields, in this order (see Attributes); :func:`suggest` builds it.

    Attributes
    ----------
    params : dict
        The proposed params dict for the next round (a new dict; unchanged parameters keep
        their original spec, Talos ranges included).
    evidence : DataFrame
        One row per parameter: ``param``, ``decision`` (``keep``, ``drop values``,
        ``narrow``, ``small set``, ``fix``), ``kept`` / ``dropped`` / ``untried`` value
        labels, ``n`` (ok runs used), ``spearman_rho`` and ``spearman_p`` (numeric
        parameters), ``kruskal_eps2`` (bias-corrected epsilon-squared) and ``kruskal_p``,
        ``top_share`` (share of the top-quantile runs per value, as text),
        ``detectable_rho`` (the smallest ``|rho|`` the Spearman test could detect, numeric
        parameters), ``detectable_effect`` (the smallest effect the tests could detect, in
        metric units), ``expected_effect`` (the kept values' mean metric minus the dropped
        ones'; 0 for keep and fix, whose effect is within ± ``detectable_effect``; NaN when
        the dropped values have no successful run) and a one-line ``reason``.
    values : DataFrame
        One row per parameter value: ``runs`` (recorded, failed included), ``ok`` (with a
        metric value), ``failed``, ``top`` (runs in the top quantile), ``top_share``,
        ``top_rate``, ``mean``, ``median`` and ``status`` (``kept``, ``dropped``,
        ``untried``, ``too few runs``).
    metric : str
        The metric judged.
    minimize : bool
        Whether lower values of the metric are better.
    quantile : float
        The top quantile.
    n_runs : int
        Ok runs with a metric value that the evidence comes from.
    grid_before, grid_after : int
        Number of permutations of ``params`` and of the proposal.
    budget : int or None
        Budgeted results: the epoch budget of the rows judged; None otherwise.
    tolerance : float
        The smallest effect that matters (metric units): a parameter is fixed only when its
        tests could detect an effect this large; NaN when unknown.
    noise_floor : float
        Cross-validated runs: the median fold standard deviation of the top runs, below
        which a difference is not an effect; NaN without folds.
    """

    params: dict[str, Any]
    evidence: pd.DataFrame
    values: pd.DataFrame
    metric: str
    minimize: bool
    quantile: float
    n_runs: int
    grid_before: int
    grid_after: int
    budget: int | None = None
    tolerance: float = math.nan
    noise_floor: float = math.nan

    def _headline(self) -> str:
        at = f" at {self.budget} epochs" if self.budget is not None else ""
        return (
            f"Suggestion from {self.n_runs:,} ok runs{at}: {self.metric} "
            f"({direction_words(self.minimize)}), top {self.quantile:.0%}; grid "
            f"{self.grid_before:,} -> {self.grid_after:,} permutations{self._scale_words()}"
        )

    def _scale_words(self) -> str:
        words = ""
        if not math.isnan(self.tolerance):
            words += f"; tolerance {self.tolerance:.3g}"
        if not math.isnan(self.noise_floor):
            words += f"; fold noise {self.noise_floor:.3g}"
        return words

    def _shown(self) -> pd.DataFrame:
        shown = self.evidence[["param", "decision", "kept", "dropped", "reason"]].copy()
        for column in ("kept", "dropped"):
            shown[column] = shown[column].map(lambda labels: ", ".join(labels) or "-")
        return shown

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", 90, "display.width", 250):
            table = self._shown().to_string(index=False)
        return f"{self._headline()}\n{table}"

    def _repr_html_(self) -> str:
        table = self._shown().to_html(index=False, border=0, escape=True)
        return f"<p><b>{html.escape(self._headline())}</b></p>{table}"
