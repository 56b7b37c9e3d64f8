"""Talos's ``Deploy``: package a scan's best model with its provenance, without pickle.

``Deploy(scan, 'my_model', metric='val_acc')`` writes ``my_model.zip`` holding:

==================  ==========================================================================
``model.keras``     the best run's model in Keras's native format (loaded in safe mode)
``params.json``     the params dict as given (callables by import name, ranges as ranges)
``results.csv``     ``scan.data``: one row per run
``details.json``    ``scan.details``
``history.json``    per-run epoch histories (``scan.round_history``), when the scan has them
``x.npy``/``y.npy`` up to 100 rows of the data (``np.save(allow_pickle=False)``); ``x.csv``
                    for a DataFrame or non-numeric data, ``x_0.npy``, ... for multi-input
``manifest.json``   format name and version, scanlab and Keras versions, the selected run,
                    the metric, and each member's SHA-256
``README.txt``      how to restore it
==================  ==========================================================================

Nothing in the archive needs unpickling or running code to be read back
(:class:`scanlab.talos.Restore`). Talos's own ``Restore`` cannot read it (Talos stores
params and data as pickles).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scanlab._manifest import encode_params
from scanlab._version import __version__
from scanlab.errors import AnalysisError, rule_message
from scanlab.talos._predict import best_row, select_model

__all__ = ["ARCHIVE_FORMAT", "ARCHIVE_VERSION", "Deploy", "to_json"]

#: The ``format`` named in a scanlab deploy archive's ``manifest.json``.
ARCHIVE_FORMAT = "scanlab.talos.deploy"
#: The archive layout's version; :class:`~scanlab.talos.Restore` refuses newer ones.
ARCHIVE_VERSION = 1

_README = """This archive was written by scanlab.talos.Deploy ({name}).
Restore it with:

    import scanlab.talos as talos
    restored = talos.Restore('{name}.zip')
    restored.model.predict(x)

It holds no pickle and no code: model.keras is read with Keras's safe mode.
"""


def to_json(value: Any) -> Any:
    """A JSON-ready form of ``value`` (numpy scalars and arrays, tuples, paths, times).

    Parameters
    ----------
    value : object

    Returns
    -------
    object
        Python scalars, lists and dicts; anything else as ``str(value)``.

    Examples
    --------
    >>> to_json({'shape': (40, 4), 'n': np.int64(3), 'f': None})
    {'shape': [40, 4], 'n': 3, 'f': None}
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, np.generic):
        return to_json(value.item())
    return str(value)


def _sample(value: Any, name: str, rows: int) -> dict[str, bytes]:
    """Archive members holding the first ``rows`` rows of ``value``, without pickle."""
    if value is None:
        return {}
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]):
        return {
            member: data
            for i, part in enumerate(value)
            for member, data in _sample(part, f"{name}_{i}", rows).items()
        }
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return {f"{name}.csv": value.iloc[:rows].to_csv(index=False).encode()}
    array = np.asarray(value)[:rows]
    if array.dtype.kind in "biufcmM":
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return {f"{name}.npy": buffer.getvalue()}
    return {f"{name}.csv": pd.DataFrame(array).to_csv(index=False).encode()}


class Deploy:
    """Write ``<model_name>.zip``: the best model and its provenance (Talos's ``talos.Deploy``).

    Parameters
    ----------
    scan_object : Scan
        A finished ``scanlab.talos.Scan`` with saved models (``save_models=True`` or
        ``save_weights=True``).
    model_name : str or path-like
        The archive's path without ``.zip`` (a ``.zip`` suffix is accepted).
    metric : str
        Metric that picks the model (``val_acc`` finds ``val_accuracy``).
    asc : bool or None
        True when lower is better; None: inferred from the metric's name.
    saved, custom_objects
        Passed to the scan's ``best_model``.
    model_factory : None
        Talos's option for PyTorch models; refused (scanlab.talos deploys Keras models).
    x, y : array-like, optional
        The data sample to store; default: ``scan_object.x`` and ``scan_object.y``.
    sample_rows : int
        How many rows of ``x`` and ``y`` to store (Talos stores 100).

    Attributes
    ----------
    path : str
        The archive written.
    best_model : object
        The row of ``scan_object.data`` that was deployed.
    model : keras.Model

    Examples
    --------
    >>> d = Deploy(scan, 'breast_cancer_model', metric='val_acc')  # doctest: +SKIP
    >>> d.path                                                     # doctest: +SKIP
    'breast_cancer_model.zip'
    """

    def __init__(
        self,
        scan_object: Any,
        model_name: str | os.PathLike[str],
        metric: str = "val_acc",
        asc: bool | None = False,
        saved: bool = False,
        custom_objects: dict[str, Any] | None = None,
        model_factory: Any = None,
        *,
        x: Any = None,
        y: Any = None,
        sample_rows: int = 100,
    ) -> None:
        if not isinstance(model_name, (str, os.PathLike)) or not str(model_name).strip():
            raise AnalysisError(
                rule_message(
                    "model_name",
                    "must be a non-empty file name (str or Path)",
                    model_name,
                    "e.g. Deploy(scan, 'my_model') writes my_model.zip",
                )
            )
        if isinstance(sample_rows, bool) or not isinstance(sample_rows, int) or sample_rows < 0:
            raise AnalysisError(
                rule_message(
                    "sample_rows",
                    "must be an int >= 0",
                    sample_rows,
                    "e.g. sample_rows=100 (Talos's sample)",
                )
            )
        self.scan_object = scan_object
        self.data = scan_object.data
        self.best_model, self.metric, self.asc = best_row(self.data, metric, asc)
        # The run recorded as selected is the one packaged (load_model by its row).
        row = self.best_model if hasattr(scan_object, "load_model") else None
        self.model = select_model(
            scan_object, self.metric, self.asc, row, saved, custom_objects, model_factory
        )
        destination = Path(model_name)
        if destination.suffix == ".zip":
            destination = destination.with_suffix("")
        self.model_name = destination.name
        self.path = str(destination) + ".zip"
        sample_x = scan_object.x if x is None else x
        sample_y = scan_object.y if y is None else y
        members = self._members(sample_x, sample_y, sample_rows)
        self._write(Path(self.path), members)

    def _members(self, x: Any, y: Any, rows: int) -> dict[str, bytes]:
        scan = self.scan_object
        members: dict[str, bytes] = {}
        with tempfile.TemporaryDirectory(prefix="scanlab-deploy-") as tmp:
            model_file = Path(tmp) / "model.keras"
            self.model.save(model_file)
            members["model.keras"] = model_file.read_bytes()
        params = getattr(scan, "params", None)
        members["params.json"] = json.dumps(
            encode_params(params) if isinstance(params, dict) else None, indent=1
        ).encode()
        members["results.csv"] = self.data.to_csv(index=False).encode()
        details = getattr(scan, "details", {})
        details = details.to_dict() if hasattr(details, "to_dict") else dict(details or {})
        members["details.json"] = json.dumps(to_json(details), indent=1).encode()
        history = getattr(scan, "round_history", None)
        if history is not None:
            members["history.json"] = json.dumps(to_json(list(history))).encode()
        members.update(_sample(x, "x", rows))
        members.update(_sample(y, "y", rows))
        members["README.txt"] = _README.format(name=self.model_name).encode()
        import keras

        manifest = {
            "format": ARCHIVE_FORMAT,
            "format_version": ARCHIVE_VERSION,
            "scanlab_version": __version__,
            "keras_version": keras.__version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": "model.keras",
            "selected_model_id": to_json(self.best_model),
            "metric": self.metric,
            "ascending": self.asc,
            "x": sorted(m for m in members if m.split(".")[0].split("_")[0] == "x"),
            "y": sorted(m for m in members if m.split(".")[0].split("_")[0] == "y"),
            "sha256": {m: hashlib.sha256(data).hexdigest() for m, data in members.items()},
        }
        members["manifest.json"] = json.dumps(manifest, indent=1).encode()
        return members

    def _write(self, target: Path, members: dict[str, bytes]) -> None:
        """Write the zip next to ``target`` and move it into place (no half-written zip)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".deploy-", suffix=".zip", dir=target.parent)
        os.close(handle)
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in members.items():
                    archive.writestr(name, data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def save_model_as(self) -> str:
        """The archive's path (Talos's method name; the archive is already written)."""
        return self.path

    def save_details(self) -> Any:
        """``scan_object.details``, as stored in ``details.json``."""
        return self.scan_object.details

    def save_data(self) -> tuple[Any, Any]:
        """``(scan_object.x, scan_object.y)``; a sample of each is in the archive."""
        return self.scan_object.x, self.scan_object.y

    def save_results(self) -> Any:
        """``scan_object.data``, as stored in ``results.csv``."""
        return self.scan_object.data

    def save_params(self) -> Any:
        """``scan_object.params``, as stored in ``params.json``."""
        return self.scan_object.params

    def save_readme(self) -> str:
        """The archive's path (its ``README.txt`` says how to restore it)."""
        return self.path

    def package(self) -> str:
        """The archive's path."""
        return self.path
