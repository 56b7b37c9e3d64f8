"""scanlab.analysis.parallel: scaling to [0, 1] and subsampling that keeps the best."""

from __future__ import annotations

import numpy as np
import pytest
from _fakes import runs

from scanlab import analysis as an


def test_parallel_coordinates_scaling():
    df = runs(lr=[0.001, 0.01, 0.1, np.nan], opt=["b", "a", "b", "a"], acc=[0.5, 0.7, 0.9, 0.6])
    info = an.parallel_coordinates(df, "acc", ["lr", "opt"])
    by_run = info.scaled.set_index("run_id")
    assert by_run["lr"].to_dict() == pytest.approx({"a": 0.0, "b": 0.5, "c": 1.0, "d": -0.05})
    assert by_run["opt"].to_dict() == {"a": 1.0, "b": 0.0, "c": 1.0, "d": 0.0}
    assert info.ticks["opt"] == ([0.0, 1.0], ["a", "b"])
    assert info.ticks["lr"][1][0] == "None"
    assert info.scaled["run_id"].iloc[-1] == "c"  # best drawn last
    assert info.axes == ["lr", "opt", "acc"]


def test_parallel_coordinates_subsample_keeps_the_best():
    rng = np.random.default_rng(0)
    df = runs(x=rng.normal(size=1000), loss=rng.normal(size=1000))
    info = an.parallel_coordinates(df, "loss", ["x"], max_rows=100)
    assert len(info.scaled) == 100 and info.n_total == 1000
    assert info.metric_values[-1] == df["loss"].min()
