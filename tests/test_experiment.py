from __future__ import annotations

import json
import os
import sys
import warnings

import keras
import pytest

from scanlab import Experiment, Scan
from scanlab.errors import AnalysisError, ResultsFormatError

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


def _round_with_manifest(tmp_path, text):
    (tmp_path / "exp" / "round-001").mkdir(parents=True)
    (tmp_path / "exp" / "round-001" / "manifest.json").write_text(text)
    return Experiment(tmp_path / "exp")


def test_params_of_a_manifest_without_params_names_the_file(tmp_path):
    exp = _round_with_manifest(tmp_path, '{"round": 1}')
    with pytest.raises(ResultsFormatError, match=r"round-001/manifest.json' has no 'params'.*Fix"):
        exp.params(1)


@pytest.mark.parametrize("text", ["[1, 2]", "{broken"])
def test_a_manifest_that_is_not_a_json_object_is_a_clear_refusal(tmp_path, text):
    exp = _round_with_manifest(tmp_path, text)
    assert exp.rounds()["status"].tolist() == [None] and exp.manifest(1) == {}
    with pytest.raises(ResultsFormatError, match=r"round-001/manifest.json' is (a JSON list|not)"):
        exp.params(1)


def test_params_never_imports_from_the_results_folder(tmp_path, monkeypatch):
    marker = tmp_path / "IMPORTED"
    (tmp_path / "payloadmod.py").write_text(
        f"with open({str(marker)!r}, 'w') as f:\n    f.write('pwned')\ndef act(x):\n    return x\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    params = {
        "activation": [
            {"callable": "payloadmod:act", "label": "act"},
            {"callable": "os:system", "label": "system"},
            {"callable": "posix:system", "label": "system"},
            {"callable": "builtins:eval", "label": "eval"},
            {"callable": "subprocess:run", "label": "run"},
            {"callable": "keras.src.utils.file_utils:os.system", "label": "s"},
            {"callable": "keras.optimizers:Adam", "label": "Adam"},
        ]
    }
    exp = _round_with_manifest(tmp_path, json.dumps({"params": params}))
    with pytest.warns(
        UserWarning, match=r"'subprocess:run'\].*Fix: if you.*trust=\['payloadmod'\]"
    ):
        decoded = exp.params(1)
    assert decoded == {"activation": ["act", "system", "system", "eval", "run", "s", "Adam"]}
    assert not marker.exists() and "payloadmod" not in sys.modules
    assert os.system not in decoded["activation"]
    with pytest.warns(UserWarning, match=r"'os:system'.*Fix: none"):  # os & co. stay refused
        trusted = exp.params(1, trust=["payloadmod", "os", "builtins", "subprocess"])
    assert marker.exists() and trusted["activation"][0] is sys.modules["payloadmod"].act
    assert trusted["activation"][1:5] == ["system", "system", "eval", "run"]


def test_params_resolves_keras_and_already_imported_callables(tmp_path):
    params = {
        "optimizer": [{"callable": f"{keras.optimizers.Adam.__module__}:Adam", "label": "Adam"}],
        "act": [{"callable": f"{__name__}:_my_activation", "label": "_my_activation"}],
    }
    exp = _round_with_manifest(tmp_path, json.dumps({"params": params}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert exp.params(1) == {"optimizer": [keras.optimizers.Adam], "act": [_my_activation]}


def _my_activation(x):
    return x


@pytest.mark.parametrize("number", ["1", True, 1.0, [1]])
def test_a_round_number_that_is_not_an_int_is_refused_with_a_fix(tmp_path, number):
    exp = _round_with_manifest(tmp_path, json.dumps({"params": {"lr": [0.1]}}))
    match = r"number must be an int \(a round number\) or None.*got .*Fix: pass .*\[1\]"
    for ask in (exp.params, exp.manifest, exp.results):
        with pytest.raises(AnalysisError, match=match):
            ask(number)
    assert exp.params(1) == {"lr": [0.1]}
