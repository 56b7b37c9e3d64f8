"""scanlab.analysis.runs against hand-computed values: ok and failed runs, best values and
runs, the table and the summary.
"""

from __future__ import annotations

import math

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


def test_failures_group_by_error_type():
    df = runs(
        status=["failed", "ok", "failed", "failed"],
        loss=[np.nan, 1, np.nan, np.nan],
        error=["ValueError: a", None, "MemoryError: b", "ValueError: c"],
    )
    out = an.failures(df)
    assert out.to_dict("list") == {
        "error_type": ["ValueError", "MemoryError"],
        "count": [2, 1],
        "example": ["ValueError: a", "MemoryError: b"],
    }
    assert len(an.failures(runs(loss=[1.0]))) == 0


def test_no_runs_and_all_failed_messages():
    with pytest.raises(an.NoRunsError, match="the results are empty"):
        an.best_value(runs(loss=[]), "loss")
    failed = runs(
        status=["failed", "failed"],
        loss=[np.nan, np.nan],
        error=["ValueError: bad", "ValueError: bad"],
    )
    with pytest.raises(
        an.NoRunsError,
        match=r"all 2 runs failed \(most common error: "
        r"ValueError: bad\)",
    ):
        an.correlations(failed, "loss", [])
    s = an.summarize(failed, "loss")
    assert (s.n_ok, s.n_failed) == (0, 2) and math.isnan(s.best_value)
