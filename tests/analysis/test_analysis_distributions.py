"""scanlab.analysis.distributions: levels of a column and seeded samples of the runs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scanlab import analysis as an


def test_as_levels_orders_bins_and_pools():
    labels, order = an.as_levels(pd.Series([10, 2, 10, np.nan]))
    assert order == ["2", "10", "None"] and labels.tolist() == ["10", "2", "10", "None"]
    labels, order = an.as_levels(pd.Series(np.arange(100.0)), max_levels=4)
    assert len(order) == 4 and labels.nunique() == 4
    labels, order = an.as_levels(pd.Series([*"aaabbc", "d"]), max_levels=3)
    assert order == ["a", "b", "other"]


def test_subsample_is_seeded_and_ordered():
    df = pd.DataFrame({"a": range(100)})
    part, total = an.subsample(df, 10, seed=4)
    assert total == 100 and part["a"].is_monotonic_increasing
    assert part.equals(an.subsample(df, 10, seed=4)[0])
    assert an.subsample(df, 1000)[0] is df
