"""scanlab._manifest: params dicts through JSON, and atomic manifest writes."""

from __future__ import annotations

import json

import keras

from scanlab._manifest import decode_params, encode_params, read_manifest, write_manifest

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
