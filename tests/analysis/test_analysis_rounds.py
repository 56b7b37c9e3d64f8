"""scanlab.analysis.rounds against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scanlab import analysis as an
from scanlab.analyze import Analyze


def test_round_summary():
    df = pd.DataFrame(
        {
            "round": [1, 1, 1, 2, 2],
            "status": ["ok", "ok", "failed", "ok", "ok"],
            "loss": [0.4, 0.2, np.nan, 0.1, 0.3],
        }
    )
    out = an.round_summary(df, "loss")
    assert out[["round", "runs", "ok", "failed"]].to_dict("list") == {
        "round": [1, 2],
        "runs": [3, 2],
        "ok": [2, 2],
        "failed": [1, 0],
    }
    assert out["best"].tolist() == [0.2, 0.1]
    assert out["median"].tolist() == pytest.approx([0.3, 0.2])


def test_round_comparison_against_hand_computed_values():
    # 10 ok runs + 1 failed; top 20 % of all ok runs: >= quantile 0.8 of the ten values
    df = pd.DataFrame(
        {
            "round": [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3],
            "status": ["ok"] * 5 + ["failed"] + ["ok"] * 5,
            "acc": [0.50, 0.60, 0.70, 0.80, 0.90, np.nan, 0.85, 0.95, 0.65, 0.97, 0.93],
            "duration_s": [1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 3.0, 1.0, 2.0, 5.0, 5.0],
        }
    )
    out = an.round_comparison(df, "acc", quantile=0.2)
    # sorted ok values: .5 .6 .65 .7 .8 .85 .9 .93 .95 .97 -> q(0.8) = .93 + 0.2 * .02 = .934
    assert out.attrs["threshold"] == pytest.approx(0.934)
    assert out.attrs["quantile"] == 0.2
    assert out["round"].tolist() == [1, 2, 3]
    assert out[["runs", "ok", "failed"]].to_dict("list") == {
        "runs": [6, 3, 2],
        "ok": [5, 3, 2],
        "failed": [1, 0, 0],
    }
    assert out["best"].tolist() == [0.90, 0.95, 0.97]
    assert out["median"].tolist() == pytest.approx([0.70, 0.85, 0.95])
    assert out["q25"].tolist() == pytest.approx([0.60, 0.75, 0.94])
    assert out["q75"].tolist() == pytest.approx([0.80, 0.90, 0.96])
    assert out["best_so_far"].tolist() == [0.90, 0.95, 0.97]
    assert out["top_runs"].tolist() == [0, 1, 1]  # 0.95 (round 2), 0.97 (round 3)
    assert out["top_rate"].tolist() == pytest.approx([0.0, 1 / 3, 0.5])
    assert out["compute_s"].tolist() == [10.0, 6.0, 10.0]  # the failed run's 4 s counts
    assert out["top_compute_s"].tolist() == [0.0, 1.0, 5.0]
    assert out["top_compute_share"].tolist() == pytest.approx([0.0, 1 / 6, 0.5])
    # the round_summary columns are round_summary's
    pd.testing.assert_frame_equal(
        out[an.round_summary(df, "acc").columns], an.round_summary(df, "acc")
    )


def test_round_comparison_minimized_and_without_durations():
    df = pd.DataFrame({"round": [2, 2, 1, 1], "status": "ok", "loss": [0.1, 0.2, 0.3, 0.4]})
    out = an.round_comparison(df, "loss", quantile=0.25)
    assert out["round"].tolist() == [1, 2]
    assert out["best"].tolist() == [0.3, 0.1]
    assert out["best_so_far"].tolist() == [0.3, 0.1]
    assert out["top_runs"].tolist() == [0, 1]  # <= q(0.25) = 0.175
    assert out["compute_s"].isna().all() and out["top_compute_share"].isna().all()
    a = Analyze(df.assign(run_id=list("abcd")))
    pd.testing.assert_frame_equal(a.compare_rounds(quantile=0.25), out)
    with pytest.raises(an.AnalysisError, match="between 0 and 1"):
        an.round_comparison(df, "loss", quantile=0)
