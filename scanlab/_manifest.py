"""A round's manifest: what was scanned and how, as JSON written atomically.

``round-NNN/manifest.json`` records the params dict as given (callables by import name),
the sampling settings, the seed, the tracked metric and its direction, versions, status and
the automatic reductions made. Params dicts are encoded here and decoded back.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanlab._schema import MANIFEST_FILE
from scanlab.space import value_label

__all__ = [
    "MANIFEST_FILE",
    "decode_params",
    "decode_value",
    "encode_params",
    "encode_value",
    "read_manifest",
    "write_manifest",
]


def encode_value(value: Any) -> Any:
    """A JSON form of one parameter value; callables become ``{"callable": "module:name"}``.

    Parameters
    ----------
    value : object
        A parameter value.

    Returns
    -------
    object
        ``None``, bools, ints, floats and strings as they are; numpy scalars as Python
        scalars; importable callables as ``{"callable": "module:qualname", "label": ...}``;
        anything else as ``{"repr": value_label(value)}``.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        return value.item()
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if callable(value) and module and qualname and "<" not in qualname:
        return {"callable": f"{module}:{qualname}", "label": value_label(value)}
    return {"repr": value_label(value)}


def decode_value(value: Any) -> Any:
    """Inverse of :func:`encode_value` (callables are imported by name).

    Parameters
    ----------
    value : object
        A value as written by :func:`encode_value`.

    Returns
    -------
    object
        The imported callable for ``{"callable": ...}``, the label string for
        ``{"repr": ...}``, else ``value`` itself.
    """
    if isinstance(value, dict) and "callable" in value:
        module, _, qualname = value["callable"].partition(":")
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    return value


def encode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The params dict as given, in JSON form (ranges stay ranges).

    Parameters
    ----------
    params : mapping
        A Talos-style params dict: name -> list of values or ``(start, stop, steps)`` tuple.

    Returns
    -------
    dict
        name -> list of encoded values (:func:`encode_value`), or ``{"range": [start, stop,
        steps]}`` for a range tuple.
    """
    out: dict[str, Any] = {}
    for name, spec in params.items():
        if isinstance(spec, tuple):
            out[name] = {"range": [encode_value(v) for v in spec]}
        else:
            values = spec.tolist() if hasattr(spec, "tolist") else list(spec)
            out[name] = [encode_value(v) for v in values]
    return out


def decode_params(encoded: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild a params dict from :func:`encode_params` output.

    Parameters
    ----------
    encoded : mapping
        A params dict in JSON form, as written by :func:`encode_params`.

    Returns
    -------
    dict
        name -> list of decoded values, or a ``(start, stop, steps)`` tuple for a range.
    """
    out: dict[str, Any] = {}
    for name, spec in encoded.items():
        if isinstance(spec, dict) and "range" in spec:
            out[name] = tuple(decode_value(v) for v in spec["range"])
        else:
            out[name] = [decode_value(v) for v in spec]
    return out


def read_manifest(round_dir: Path) -> dict[str, Any] | None:
    """A round's manifest, or None if it has none (or it is unreadable).

    Parameters
    ----------
    round_dir : path-like
        A round folder (``results/<experiment>/round-NNN``).

    Returns
    -------
    dict or None
        The parsed ``manifest.json``; None when the file is missing or not valid JSON.
    """
    try:
        return json.loads((Path(round_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(round_dir: Path, manifest: Mapping[str, Any]) -> None:
    """Write a manifest atomically (a crash leaves the old or the new one, never half).

    Parameters
    ----------
    round_dir : path-like
        The round folder; created when missing.
    manifest : mapping
        The manifest; values JSON cannot encode are written as ``str(value)``.
    """
    round_dir = Path(round_dir)
    round_dir.mkdir(parents=True, exist_ok=True)
    tmp = round_dir / (MANIFEST_FILE + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, round_dir / MANIFEST_FILE)
