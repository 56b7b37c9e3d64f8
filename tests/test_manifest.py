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


@pytest.mark.parametrize("cwd_on_path", ["", "."])
def test_a_trusted_framework_name_never_imports_a_file_shipped_in_the_folder(
    tmp_path, monkeypatch, cwd_on_path
):
    for name in ("torch", "jax"):  # not installed here: a planted file must not stand in
        (tmp_path / f"{name}.py").write_text(
            f"with open({str(tmp_path / (name + '.IMPORTED'))!r}, 'w') as f:\n    f.write('x')\n"
            f"def manual_seed(x):\n    return x\n"
        )
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [cwd_on_path, *sys.path])  # as Jupyter and `python -c` do
    encoded = {
        "seed": [{"callable": "torch:manual_seed", "label": "manual_seed"}],
        "key": [{"callable": "jax.random:PRNGKey", "label": "PRNGKey"}],
    }
    with pytest.warns(UserWarning, match=r"'jax.random:PRNGKey', 'torch:manual_seed'\]"):
        decoded = decode_params(encoded)
    assert decoded == {"seed": ["manual_seed"], "key": ["PRNGKey"]}
    assert sorted(p.name for p in tmp_path.glob("*.IMPORTED")) == []
    assert "torch" not in sys.modules or "manual_seed" not in vars(sys.modules["torch"])


def test_a_trusted_framework_installed_in_site_packages_is_still_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "keras.src.optimizers.nadam", raising=False)
    found = decode_value({"callable": "keras.src.optimizers.nadam:Nadam", "label": "Nadam"})
    assert found is sys.modules["keras.src.optimizers.nadam"].Nadam


def test_write_manifest_never_writes_through_a_planted_temp_file_link(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    round_dir = tmp_path / "round-001"
    round_dir.mkdir()
    (round_dir / "manifest.json.tmp").symlink_to(target)
    write_manifest(round_dir, {"round": 1, "params": {"lr": [0.1]}})
    assert target.read_text() == "keep me\n"
    assert read_manifest(round_dir) == {"round": 1, "params": {"lr": [0.1]}}
    assert not (round_dir / "manifest.json").is_symlink()
    assert sorted(p.name for p in round_dir.iterdir()) == ["manifest.json", "manifest.json.tmp"]


def test_write_manifest_leaves_no_temp_file_when_the_write_fails(tmp_path, monkeypatch):
    round_dir = tmp_path / "round-001"

    def no_room(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_room)
    with pytest.raises(OSError, match="No space left"):
        write_manifest(round_dir, {"round": 1})
    assert list(round_dir.iterdir()) == []


def test_write_manifest_is_readable_as_the_umask_allows(tmp_path):
    write_manifest(tmp_path, {"round": 1})
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "manifest.json").stat().st_mode & 0o777 == 0o666 & ~umask
