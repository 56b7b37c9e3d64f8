"""A round's manifest: what was scanned and how, as JSON written atomically.

``round-NNN/manifest.json`` records the params dict as given (callables by import name),
the sampling settings, the seed, the tracked metric and its direction, versions, status and
the automatic reductions made. Params dicts are encoded here and decoded back.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scanlab._callables import (
    NEVER_TRUSTED,
    TRUSTED_MODULES,
    CallableResolver,
    decode_value,
    decode_with,
)
from scanlab._schema import MANIFEST_FILE
from scanlab.errors import ResultsFormatError
from scanlab.space import value_label

__all__ = [
    "MANIFEST_FILE",
    "NEVER_TRUSTED",
    "TRUSTED_MODULES",
    "decode_params",
    "decode_value",
    "encode_params",
    "encode_value",
    "manifest_params",
    "read_manifest",
    "recorded_seed",
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


def decode_params(
    encoded: Mapping[str, Any],
    trust: Iterable[str] | str | None = None,
    source: str = "the manifest",
    folder: Path | None = None,
) -> dict[str, Any]:
    """Rebuild a params dict from :func:`encode_params` output.

    Callables are resolved as :func:`decode_value` says (one warning for all that are not).

    Parameters
    ----------
    encoded : mapping
        A params dict in JSON form, as written by :func:`encode_params`.
    trust : str or iterable of str, optional
        More modules that may be imported to resolve callables (see :func:`decode_value`).
    source : str, optional
        What ``encoded`` was read from, for the messages (e.g. the manifest's path).
    folder : path-like, optional
        The results folder ``encoded`` was read from (see :func:`decode_value`).

    Returns
    -------
    dict
        name -> list of decoded values, or a ``(start, stop, steps)`` tuple for a range.

    Raises
    ------
    ResultsFormatError
        When ``encoded`` is not a params dict in that form.
    """
    if not isinstance(encoded, Mapping):
        raise ResultsFormatError(
            f"{source}: 'params' must be a JSON object (name -> values), got "
            f"{type(encoded).__name__}. Fix: restore the manifest from a backup, or pass the "
            f"params dict again yourself."
        )
    resolver = CallableResolver(trust, folder)
    out: dict[str, Any] = {}
    for name, spec in encoded.items():
        if isinstance(spec, dict) and isinstance(spec.get("range"), list):
            out[name] = tuple(decode_with(v, resolver) for v in spec["range"])
        elif isinstance(spec, list):
            out[name] = [decode_with(v, resolver) for v in spec]
        else:
            raise ResultsFormatError(
                f"{source}: params[{name!r}] must be a list of values or "
                f'{{"range": [start, stop, steps]}}, got {spec!r}. Fix: restore the manifest '
                f"from a backup, or pass the params dict again yourself."
            )
    resolver.warn(source)
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
        The parsed ``manifest.json``; None when the file is missing, not valid JSON, or
        not a JSON object.
    """
    try:
        found = json.loads((Path(round_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def manifest_params(round_dir: Path) -> list[str] | None:
    """The parameter names a round's manifest records (its other columns are metrics).

    Parameters
    ----------
    round_dir : Path
        A round folder.

    Returns
    -------
    list of str or None
        None when there is no readable manifest with a ``params`` dict.
    """
    manifest = read_manifest(round_dir)
    params = manifest.get("params") if isinstance(manifest, dict) else None
    return [str(name) for name in params] if isinstance(params, dict) else None


def _umask() -> int:
    """The process's umask (read once: setting it back and forth is not thread-safe)."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


_UMASK: int | None = None


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
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    # a fresh name made with O_EXCL: never writes through a file or link planted in the way
    fd, tmp = tempfile.mkstemp(dir=round_dir, prefix=".manifest-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a manifest is shared
        os.replace(tmp, round_dir / MANIFEST_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def recorded_seed(manifest: dict | None, round_dir: Path) -> int | None:
    """The seed a resumed round recorded; a damaged one is refused, never guessed.

    Parameters
    ----------
    manifest : dict or None
        The round's manifest.
    round_dir : Path
        The round folder, for the message.

    Returns
    -------
    int or None
    """
    seed = (manifest or {}).get("seed")
    if seed is None or (isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0):
        return seed
    raise ResultsFormatError(
        f"{str(round_dir / 'manifest.json')!r} records seed={seed!r}, which is not a "
        f"non-negative int, so the round's sample cannot be drawn again. Fix: restore the "
        f"manifest, pass the round's seed to Scan(seed=...), or pass resume=False."
    )
