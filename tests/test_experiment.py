from __future__ import annotations

import keras
import pytest

from scanlab import Experiment, Scan

PARAMS = {
    "lr": [0.1, 0.01],
    "dropout": (0, 0.5, 5),
    "optimizer": [keras.optimizers.Adam, keras.optimizers.Nadam],
    "activation": [keras.activations.relu, "elu", None],
    "flag": [True, False],
}


def test_experiment_lists_rounds_and_reloads_params_and_results(scan_kwargs):
    Scan(**scan_kwargs, round_limit=3)
    Scan(**scan_kwargs | {"params": {"lr": [0.5, 0.05], "units": [4]}})
    exp = Experiment(scan_kwargs["results_dir"] / "exp")
    rounds = exp.rounds()
    assert rounds["round"].tolist() == [1, 2]
    assert rounds["runs_ok"].tolist() == [3, 2] and set(rounds["status"]) == {"completed"}
    assert exp.params(1) == scan_kwargs["params"]
    assert exp.params() == {"lr": [0.5, 0.05], "units": [4]}
    assert len(exp.results(1)) == 3 and len(exp.results()) == 5
    manifest = exp.manifest(1)
    assert manifest["seed"] == 1 and manifest["random_method"] == "uniform"
    assert {"python", "scanlab", "keras", "backend"} <= set(manifest["versions"])
    assert len(manifest["data_fingerprint"]) == 16
    with pytest.raises(ValueError, match=r"has no round 7; it has rounds \[1, 2\]"):
        exp.params(7)


def test_missing_experiment_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no experiment folder at"):
        Experiment(tmp_path / "nope")
