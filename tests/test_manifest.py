"""scanlab._manifest: params dicts through JSON, and atomic manifest writes."""

from __future__ import annotations

import json
import os
import sys

import keras
import pytest

from scanlab._manifest import (
    decode_params,
    decode_value,
    encode_params,
    read_manifest,
    write_manifest,
)
from scanlab.errors import ResultsFormatError

PARAMS = {
    "lr": [0.1, 0.01],
    "dropout": (0, 0.5, 5),
    "optimizer": [keras.optimizers.Adam, keras.optimizers.Nadam],
    "activation": [keras.activations.relu, "elu", None],
    "flag": [True, False],
}


def test_manifest_params_round_trip_exactly_through_json():
    encoded = json.loads(json.dumps(encode_params(PARAMS)))
    assert decode_params(encoded) == PARAMS
    assert encoded["optimizer"][0]["label"] == "Adam" and encoded["dropout"] == {
        "range": [0, 0.5, 5]
    }


def test_manifest_is_written_whole_and_read_back(tmp_path):
    write_manifest(tmp_path / "round-001", {"round": 1, "params": encode_params({"a": [1]})})
    assert read_manifest(tmp_path / "round-001") == {"round": 1, "params": {"a": [1]}}
    assert [p.name for p in (tmp_path / "round-001").iterdir()] == ["manifest.json"]
    assert read_manifest(tmp_path / "missing") is None
    (tmp_path / "round-001" / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path / "round-001") is None


def test_read_manifest_of_a_json_list_is_none(tmp_path):
    (tmp_path / "manifest.json").write_text("[1, 2]")
    assert read_manifest(tmp_path) is None


def test_decode_value_never_imports_a_module_named_by_the_manifest(tmp_path, monkeypatch):
    marker = tmp_path / "IMPORTED"
    (tmp_path / "payload.py").write_text(
        f"with open({str(marker)!r}, 'w') as f:\n    f.write('pwned')\ndef run(x):\n    return x\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(UserWarning, match=r"'payload:run'.*trust=\['payload'\]"):
        assert decode_value({"callable": "payload:run", "label": "run"}) == "run"
    assert not marker.exists() and "payload" not in sys.modules
    for target in ("os:system", "posix:system", "builtins:exec", "subprocess:Popen"):
        with pytest.warns(UserWarning, match="Fix: none"):
            found = decode_value({"callable": target}, trust=[target.partition(":")[0]])
        assert found == target.rpartition(":")[2] and found is not os.system
    with pytest.warns(UserWarning, match="not resolved"):  # stdlib, though already imported
        assert decode_value({"callable": "json:dumps", "label": "dumps"}) == "dumps"
    with pytest.warns(UserWarning, match="not resolved"):  # dunder walks are refused
        assert decode_value({"callable": "keras:__builtins__.eval", "label": "e"}) == "e"
    with pytest.warns(UserWarning, match="not resolved"):
        assert decode_value({"callable": 5, "label": "x"}) == "x"


def test_decode_params_warns_once_for_all_unresolved_and_refuses_malformed_params():
    encoded = {"a": [{"callable": "nomod1:f", "label": "f"}, {"callable": "nomod2:g"}], "b": [1]}
    with pytest.warns(UserWarning, match="not resolved") as caught:
        assert decode_params(encoded) == {"a": ["f", "g"], "b": [1]}
    assert len(caught) == 1 and "trust=['nomod1', 'nomod2']" in str(caught[0].message)
    with pytest.raises(ResultsFormatError, match=r"params\['b'\] must be a list"):
        decode_params({"b": 3}, source="round-001/manifest.json")
    with pytest.raises(ResultsFormatError, match="'params' must be a JSON object"):
        decode_params([1])  # type: ignore[arg-type]
