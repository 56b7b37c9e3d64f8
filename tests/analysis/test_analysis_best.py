"""scanlab.analysis.best against hand-computed values: ok and failed runs, best values and
runs, the table and the summary.
"""

from __future__ import annotations

import numpy as np
import pytest
from _fakes import runs

from scanlab import analysis as an


@pytest.fixture
def mixed():
    # run c failed; run d has a NaN metric (ok run, e.g. a diverged loss); b and e tie
    return runs(
        status=["ok", "ok", "failed", "ok", "ok", "ok"],
        units=[8, 16, 32, 8, 16, 32],
        val_acc=[0.5, 0.9, 0.99, np.nan, 0.9, 0.7],
        error=["", "", "RuntimeError: OOM", "", "", ""],
    )


def test_summary_counts_failed_runs(mixed):
    s = an.summarize(mixed, "val_acc")
    assert (s.n_runs, s.n_ok, s.n_failed, s.n_rounds) == (6, 5, 1, 1)
    assert (s.best_value, s.best_run_id, s.minimize) == (0.9, "b", False)


def test_best_worst_and_rounds2high_skip_failed_and_nan(mixed):
    # the failed run's 0.99 is not a result; ties go to the earliest run
    assert an.best_value(mixed, "val_acc") == 0.9
    assert an.worst_value(mixed, "val_acc") == 0.5
    assert an.rounds2high(mixed, "val_acc") == 1
    assert an.rounds2high(mixed, "val_acc", minimize=True) == 0


def test_best_runs_ties_keep_run_order(mixed):
    best = an.best_runs(mixed, "val_acc", k=3)
    assert best["run_id"].tolist() == ["b", "e", "f"]
    assert best.index.tolist() == [1, 2, 3]
    assert best.columns.tolist()[:4] == ["run_id", "round", "val_acc", "units"]
    assert an.best_runs(mixed, "val_acc", k=100)["run_id"].tolist() == ["b", "e", "f", "a"]
    with pytest.raises(an.AnalysisError, match="k must be a positive number"):
        an.best_runs(mixed, "val_acc", k=0)


def test_best_runs_partial_selection_matches_full_sort():
    rng = np.random.default_rng(3)
    df = runs(x=rng.integers(0, 5, 500), loss=rng.integers(0, 20, 500).astype(float))
    full = df.sort_values("loss", kind="stable").head(7)["run_id"].tolist()
    assert an.best_runs(df, "loss", k=7)["run_id"].tolist() == full


def test_table_orders_metric_first_and_sorts_best_first():
    df = runs(lr=[1, 2, 3], acc=[0.2, 0.9, 0.5], loss=[3.0, 1.0, 2.0])
    t = an.table(df, "loss", exclude=["run_id"])
    assert t.columns.tolist()[:3] == ["loss", "lr", "acc"]
    assert "run_id" not in t.columns
    assert t["loss"].tolist() == [1.0, 2.0, 3.0]
    assert an.table(df, "acc", sort_by="lr", ascending=False)["lr"].tolist() == [3, 2, 1]


def test_top_mask_quantiles_and_ties():
    v = np.arange(1.0, 11.0)
    assert np.flatnonzero(an.top_mask(v, 0.2)).tolist() == [8, 9]  # >= 8.2
    assert np.flatnonzero(an.top_mask(v, 0.2, minimize=True)).tolist() == [0, 1]  # <= 2.8
    tied = np.array([1.0, 2.0, 2.0, 2.0, np.nan])
    assert an.top_mask(tied, 0.1).tolist() == [False, True, True, True, False]
    with pytest.raises(an.AnalysisError, match="between 0 and 1"):
        an.top_mask(v, 1.5)
