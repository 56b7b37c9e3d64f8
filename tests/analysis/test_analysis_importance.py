"""scanlab.analysis.importance: the decisive parameter is found, reproducibly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from _fakes import runs

from scanlab import analysis as an


def _importance_table(n=200, seed=0):
    rng = np.random.default_rng(seed)
    df = runs(good=rng.choice(["Adam", "SGD"], n), noise=rng.normal(size=n), const=np.full(n, 3))
    df["val_acc"] = (df["good"] == "Adam") * 1.0 + rng.normal(scale=0.1, size=n)
    return df


def test_param_importance_finds_the_decisive_parameter():
    df = _importance_table()
    out = an.param_importance(df, "val_acc", ["const", "good", "noise"], top_quantile=0.3)
    assert out["param"].iloc[0] == "good"
    assert out.set_index("param").loc["const", "importance"] == 0.0
    again = an.param_importance(df, "val_acc", ["const", "good", "noise"], top_quantile=0.3)
    pd.testing.assert_frame_equal(out, again)  # seeded


def test_param_importance_too_few_runs_is_nan():
    df = runs(x=[1, 2, 3], acc=[0.5, 0.5, 0.5])
    assert an.param_importance(df, "acc", ["x"])["importance"].isna().all()
