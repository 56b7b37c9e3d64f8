"""Reading Talos's own deploy archives (Talos 2.x and 1.x) for ``Restore``, without unpickling.

- Talos 2.x (``manifest.json`` with ``talos_archive_version``): ``model.keras``,
  ``results.csv``, ``details.json`` and ``history.json`` are read; ``params.npy``, ``x.npy``
  and ``y.npy`` are numpy object arrays that only unpickling can read, so they are recorded
  as unreadable; a manifest that asks to import modules for custom layers, or names a PyTorch
  model, is refused.
- Talos 1.x (``<name>_model.json`` + ``<name>_model.h5`` weights, ``_results.csv``,
  ``_details.txt``, ``_x.csv``, ``_y.csv``): the Keras 2 model is rebuilt in safe mode;
  ``_params.npy`` is a pickle and is recorded as unreadable.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab.errors import ResultsFormatError
from scanlab.talos._archive_members import PICKLED, ArchiveMembers

__all__ = ["read_talos1", "read_talos2"]

_COLUMNS = " (the params of each run are columns of .results)"


def read_talos2(
    members: ArchiveMembers, manifest: dict[str, Any], custom_objects: dict[str, Any] | None
) -> dict[str, Any]:
    """Read a Talos 2.x archive: the Restore attributes it gives.

    Parameters
    ----------
    members : ArchiveMembers
        The open archive; pickled members are recorded in its ``unreadable``.
    manifest : dict
        Its ``manifest.json``.
    custom_objects : dict or None
        Custom layers, losses, ... the model needs.

    Returns
    -------
    dict
        Attribute -> value: ``format``, ``model``, ``results``, ``details``,
        ``parameter_columns``, ``params``, ``x``, ``y`` and, when the archive has it,
        ``round_history``.

    Examples
    --------
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, 'w') as archive:
    ...     archive.writestr('manifest.json', '{"talos_archive_version": 3}')
    >>> with zipfile.ZipFile(buffer) as archive:
    ...     read_talos2(ArchiveMembers(archive, 'new.zip'), {'talos_archive_version': 3}, None)
    Traceback (most recent call last):
    ...
    scanlab.errors.ResultsFormatError: 'new.zip' is a Talos archive of version 3; ...
    """
    path = members.path
    if manifest["talos_archive_version"] != 2:
        raise ResultsFormatError(
            f"{path!r} is a Talos archive of version "
            f"{manifest['talos_archive_version']!r}; scanlab reads version 2 and Talos 1.x "
            f"packages. Fix: deploy the model again with scanlab.talos.Deploy."
        )
    artifact = manifest.get("artifact", {})
    member = str(artifact.get("path", "model.keras"))
    if artifact.get("backend") not in ("keras", "tensorflow") or artifact.get("format") != "keras":
        raise ResultsFormatError(
            f"{path!r}: member {member!r} is a {artifact.get('backend')!r} model in "
            f"format {artifact.get('format')!r}; scanlab.talos restores Keras models only "
            f"(a PyTorch state_dict needs Talos's model factory, which runs code). Fix: "
            f"restore it with Talos in an environment you trust."
        )
    named = artifact.get("custom_objects", {})
    missing = sorted(set(named) - set(custom_objects or {}))
    if missing:
        raise ResultsFormatError(
            f"{path!r}: manifest.json asks to import {[named[n] for n in missing]} to "
            f"rebuild {member!r}; scanlab never imports code an archive names. Fix: "
            f"import those classes yourself and pass custom_objects={{"
            + ", ".join(f"'{n}': {n}" for n in missing)
            + "}."
        )
    members.check_sha(member, artifact.get("sha256"))
    found: dict[str, Any] = {
        "format": "talos2",
        "model": members.load_keras(member, custom_objects),
        "results": members.read_csv("results.csv"),
        "details": pd.Series(members.read_json("details.json"), dtype=object),
    }
    if "history.json" in members.names:
        found["round_history"] = members.read_json("history.json")
    found["parameter_columns"] = manifest.get("parameter_columns", {})
    found["params"] = None  # Talos always pickles the params dict: not even opened
    if "params.npy" in members.names:
        members.unreadable["params"] = f"member 'params.npy' is {PICKLED}{_COLUMNS}"
    for attr in ("x", "y"):
        name = f"{attr}.npy"
        found[attr] = members.read_npy(name, attr) if name in members.names else None
    return found


def read_talos1(members: ArchiveMembers, custom_objects: dict[str, Any] | None) -> dict[str, Any]:
    """Read a Talos 1.x archive (no manifest): the Restore attributes it gives.

    Parameters
    ----------
    members : ArchiveMembers
        The open archive; its pickled params are recorded in its ``unreadable``.
    custom_objects : dict or None
        Custom layers, losses, ... the model needs.

    Returns
    -------
    dict
        Attribute -> value: ``format``, ``model``, ``results``, ``details`` (a DataFrame, as
        Talos reads it), ``x``, ``y`` and ``params``.

    Examples
    --------
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, 'w') as archive:
    ...     archive.writestr('notes.txt', 'x')
    >>> with zipfile.ZipFile(buffer) as archive:
    ...     read_talos1(ArchiveMembers(archive, 'notes.zip'), None)
    Traceback (most recent call last):
    ...
    scanlab.errors.ResultsFormatError: 'notes.zip' has no manifest.json and 0 '*_model.json' ...
    """
    path, names = members.path, members.names
    models = [n for n in names if n.endswith("_model.json")]
    if len(models) != 1:
        raise ResultsFormatError(
            f"{path!r} has no manifest.json and {len(models)} '*_model.json' members "
            f"(members: {names[:10]}), so it is neither a scanlab, a Talos 2.x nor a "
            f"Talos 1.x archive. Fix: pass an archive written by Deploy."
        )
    prefix = models[0][: -len("_model.json")]
    weights = prefix + "_model.h5"
    if weights not in names:
        raise ResultsFormatError(
            f"{path!r}: {models[0]!r} has no weights member "
            f"{weights!r}. Fix: use the complete Deploy archive."
        )
    found: dict[str, Any] = {"format": "talos1"}
    found["model"] = _load_legacy_model(
        members.read(models[0]).decode(),
        members.read(weights),
        custom_objects,
        f"{path!r}: members {models[0]!r} and {weights!r}",
    )
    results = members.read_csv(prefix + "_results.csv")
    found["results"] = results.loc[:, ~results.columns.astype(str).str.startswith("Unnamed:")]
    name = prefix + "_details.txt"
    found["details"] = members.read_csv(name, header=None) if name in names else pd.DataFrame()
    for attr in ("x", "y"):
        name = f"{prefix}_{attr}.csv"
        found[attr] = members.read_csv(name, header=None) if name in names else None
    found["params"] = None
    if prefix + "_params.npy" in names:
        members.unreadable["params"] = (
            f"member '{prefix}_params.npy' is a pickled dict, which only unpickling can "
            f"read, and unpickling an archive can run any code{_COLUMNS}"
        )
    return found


def _legacy_config(text: str) -> str:
    """A Keras 2 Sequential config Keras 3 can rebuild: a list of layers becomes
    ``{'layers': [...]}`` and a first layer's ``batch_input_shape`` becomes an InputLayer.

    Examples
    --------
    >>> old = {'class_name': 'Sequential', 'config': [
    ...     {'class_name': 'Dense', 'config': {'units': 1, 'batch_input_shape': [None, 4]}}]}
    >>> json.loads(_legacy_config(json.dumps(old)))['config']['layers'][0]
    {'class_name': 'InputLayer', 'config': {'batch_shape': [None, 4]}}
    """
    config = json.loads(text)
    if config.get("class_name") != "Sequential":
        return text
    inner = config.get("config")
    if isinstance(inner, list):
        inner = config["config"] = {"name": "sequential", "layers": inner}
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if layers and layers[0].get("class_name") != "InputLayer":
        shape = layers[0].get("config", {}).pop("batch_input_shape", None)
        if shape is not None:
            layers.insert(0, {"class_name": "InputLayer", "config": {"batch_shape": shape}})
    return json.dumps(config)


def _load_legacy_model(
    config: str, weights: bytes, custom_objects: dict[str, Any] | None, where: str
) -> Any:
    """A Keras 2 ``model.to_json()`` + ``save_weights`` H5 pair, loaded in safe mode."""
    import h5py
    import keras

    with tempfile.TemporaryDirectory(prefix="scanlab-restore-") as tmp:
        combined, source = Path(tmp) / "legacy.h5", Path(tmp) / "weights.h5"
        source.write_bytes(weights)
        try:
            with h5py.File(source, "r") as src, h5py.File(combined, "w") as out:
                out.attrs["model_config"] = _legacy_config(config)
                group = out.create_group("model_weights")
                for key, value in src.attrs.items():
                    group.attrs[key] = value
                for key in src:
                    src.copy(key, group)
            return keras.models.load_model(
                combined, custom_objects=custom_objects, compile=False, safe_mode=True
            )
        except Exception as exc:
            raise ResultsFormatError(
                f"{where} could not be loaded by Keras in safe mode ({type(exc).__name__}: "
                f"{exc}). Fix: pass custom_objects={{'Name': class}} for custom layers; a "
                f"Lambda layer's code is never run from an archive."
            ) from exc
