"""Talos's ``Restore`` (read a deploy archive) and ``utils.recover_best_model``.

``Restore(path)`` reads three kinds of archive, never unpickling or running anything from
it (an archive is shared data):

- scanlab's (:class:`scanlab.talos.Deploy`): everything is restored;
- Talos 2.x's (``talos.Deploy``): ``model.keras``, ``results.csv``, ``details.json`` and
  ``history.json`` are restored; ``params.npy``, ``x.npy`` and ``y.npy`` are numpy object
  arrays that only unpickling can read, so ``.params``, ``.x`` and ``.y`` raise an error
  naming the member (one warning at restore time lists them);
- Talos 1.x's (``<name>_model.json`` + ``<name>_model.h5`` weights, ``_results.csv``,
  ``_details.txt``, ``_x.csv``, ``_y.csv``; ``_params.npy`` is a pickle and is refused).

Models load with Keras's ``safe_mode=True``; a Talos archive that asks to import modules to
rebuild custom layers is refused unless you pass those layers in ``custom_objects``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from scanlab._metric_names import is_loss_like, resolve_metric
from scanlab.errors import AnalysisError, ResultsFormatError, rule_message
from scanlab.talos._evaluate import kfold, score
from scanlab.talos._predict import refuse_model_factory

__all__ = ["Restore", "recover_best_model"]

_SCANLAB_FORMAT = "scanlab.talos.deploy"
# Tables, samples and JSON are read into memory: a member larger than this is refused.
_MAX_MEMBER = 1 << 30
_COLUMNS = " (the params of each run are columns of .results)"
_PICKLED = "a numpy object array, which only unpickling can read, and unpickling an archive can run any code"


class Restore:
    """Read a deploy archive back (Talos's ``talos.Restore``), safely.

    Parameters
    ----------
    path_to_zip : str or path-like
        An archive written by ``scanlab.talos.Deploy``, Talos 2.x's or Talos 1.x's Deploy.
    custom_objects : dict, optional
        Custom layers, losses, ... the model needs (``{'MyLayer': MyLayer}``).
    model_factory : None
        Talos's option for PyTorch archives; refused (scanlab.talos restores Keras models).
    trust : str or iterable of str, optional
        Modules whose callables in a scanlab archive's ``params.json`` may be resolved (see
        ``scanlab.Experiment.params``); Keras's are always resolved.

    Attributes
    ----------
    model : keras.Model
    params : dict
    details : pandas.Series (a DataFrame for Talos 1.x archives, as Talos reads them)
    results, data : DataFrame
    x, y : ndarray, DataFrame or list of them (a sample of the scan's data)
    round_history : list of dict
    manifest : dict
    format : str
        ``'scanlab'``, ``'talos2'`` or ``'talos1'``.
    unreadable : dict
        Attribute -> why it could not be restored (members refused as pickles).

    Examples
    --------
    >>> restored = Restore('breast_cancer_model.zip')  # doctest: +SKIP
    >>> restored.model.predict(restored.x)             # doctest: +SKIP
    """

    def __init__(
        self,
        path_to_zip: str | os.PathLike[str],
        custom_objects: dict[str, Any] | None = None,
        model_factory: Any = None,
        *,
        trust: Any = None,
    ) -> None:
        refuse_model_factory(model_factory)
        if not isinstance(path_to_zip, (str, os.PathLike)):
            raise AnalysisError(
                rule_message(
                    "path_to_zip",
                    "must be a path to a .zip archive",
                    path_to_zip,
                    "e.g. Restore('my_model.zip')",
                )
            )
        self.path = str(path_to_zip)
        self.custom_objects = custom_objects
        self.unreadable: dict[str, str] = {}
        self.round_history: list[Any] = []
        self.manifest: dict[str, Any] = {}
        try:
            archive = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise ResultsFormatError(
                f"{self.path!r} is not a readable zip archive ({exc}). Fix: pass the .zip file "
                f"Deploy wrote."
            ) from exc
        with archive:
            self._names = self._check_members(archive)
            self._archive = archive
            if "manifest.json" in self._names:
                self.manifest = self._json("manifest.json")
                if "talos_archive_version" in self.manifest:
                    self._talos2()
                else:
                    self._scanlab(trust)
            else:
                self._talos1()
            del self._archive
        self.data = self.results
        if self.unreadable:
            warnings.warn(
                f"Restore({self.path!r}): not restored: "
                + "; ".join(f".{attr} ({why})" for attr, why in self.unreadable.items())
                + ". Everything else is restored.",
                UserWarning,
                stacklevel=2,
            )

    # ---- members ------------------------------------------------------------------------

    def _check_members(self, archive: zipfile.ZipFile) -> list[str]:
        names = []
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            mode = info.external_attr >> 16
            if (
                path.is_absolute()
                or ".." in path.parts
                or "\\" in info.filename
                or (mode and (mode & 0o170000) == 0o120000)
            ):
                raise ResultsFormatError(
                    f"{self.path!r}: member {info.filename!r} is an absolute path, leaves the "
                    f"archive's folder or is a link. Fix: use an archive written by Deploy."
                )
            if info.file_size > _MAX_MEMBER and not info.filename.endswith((".keras", ".h5")):
                raise ResultsFormatError(
                    f"{self.path!r}: member {info.filename!r} unpacks to {info.file_size:,} "
                    f"bytes, more than a deploy archive's tables and samples ever need "
                    f"({_MAX_MEMBER:,}). Fix: use an archive written by Deploy."
                )
            if not info.is_dir():
                names.append(info.filename)
        return names

    def _bytes(self, name: str) -> bytes:
        return self._archive.read(name)

    def _json(self, name: str) -> Any:
        try:
            return json.loads(self._bytes(name))
        except ValueError as exc:
            raise ResultsFormatError(
                f"{self.path!r}: member {name!r} is not JSON ({exc}). "
                f"Fix: use an archive written by Deploy."
            ) from exc

    def _csv(self, name: str, **options: Any) -> pd.DataFrame:
        data = self._bytes(name)
        return pd.read_csv(io.BytesIO(data), **options) if data.strip() else pd.DataFrame()

    def _npy(self, name: str, attribute: str) -> Any:
        try:
            return np.load(io.BytesIO(self._bytes(name)), allow_pickle=False)
        except ValueError:
            self.unreadable[attribute] = f"member {name!r} is {_PICKLED}"
            return None

    def _check_sha(self, name: str, expected: str | None) -> None:
        if expected and hashlib.sha256(self._bytes(name)).hexdigest() != expected:
            raise ResultsFormatError(
                f"{self.path!r}: member {name!r} does not match the SHA-256 in manifest.json "
                f"(the archive was changed or damaged). Fix: deploy the model again."
            )

    def _load_keras(self, name: str, custom_objects: dict[str, Any] | None) -> Any:
        import keras

        with tempfile.TemporaryDirectory(prefix="scanlab-restore-") as tmp:
            target = Path(tmp) / "model.keras"
            with self._archive.open(name) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            try:
                return keras.saving.load_model(
                    target, custom_objects=custom_objects, compile=False, safe_mode=True
                )
            except Exception as exc:
                raise ResultsFormatError(
                    f"{self.path!r}: member {name!r} could not be loaded by Keras in safe mode "
                    f"({type(exc).__name__}: {exc}). Fix: pass custom_objects={{'Name': class}} "
                    f"for custom layers; a Lambda layer's code is never run from an archive."
                ) from exc

    # ---- formats ------------------------------------------------------------------------

    def _scanlab(self, trust: Any) -> None:
        from scanlab._manifest import decode_params

        manifest = self.manifest
        if manifest.get("format") != _SCANLAB_FORMAT:
            raise ResultsFormatError(
                f"{self.path!r}: manifest.json names neither scanlab's format nor Talos's "
                f"(keys {sorted(manifest)}). Fix: pass an archive written by Deploy."
            )
        if int(manifest.get("format_version", 0)) > 1:
            raise ResultsFormatError(
                f"{self.path!r} has format_version {manifest.get('format_version')}, newer "
                f"than this scanlab reads (1). Fix: upgrade scanlab."
            )
        self.format = "scanlab"
        for name, digest in manifest.get("sha256", {}).items():
            self._check_sha(name, digest)
        self.model = self._load_keras(manifest.get("model", "model.keras"), self.custom_objects)
        encoded = self._json("params.json")
        self.params = (
            None
            if encoded is None
            else decode_params(encoded, trust, source=f"{self.path!r} params.json")
        )
        self.results = self._csv("results.csv")
        self.details = pd.Series(self._json("details.json"), dtype=object)
        if "history.json" in self._names:
            self.round_history = self._json("history.json")
        for attr in ("x", "y"):
            parts = [self._sample(name, attr) for name in manifest.get(attr, [])]
            value = parts[0] if len(parts) == 1 else (parts or None)
            setattr(self, attr, value)

    def _sample(self, name: str, attribute: str) -> Any:
        if name.endswith(".npy"):
            return self._npy(name, attribute)
        return self._csv(name)

    def _talos2(self) -> None:
        manifest = self.manifest
        if manifest["talos_archive_version"] != 2:
            raise ResultsFormatError(
                f"{self.path!r} is a Talos archive of version "
                f"{manifest['talos_archive_version']!r}; scanlab reads version 2 and Talos 1.x "
                f"packages. Fix: deploy the model again with scanlab.talos.Deploy."
            )
        self.format = "talos2"
        artifact = manifest.get("artifact", {})
        member = str(artifact.get("path", "model.keras"))
        if (
            artifact.get("backend") not in ("keras", "tensorflow")
            or artifact.get("format") != "keras"
        ):
            raise ResultsFormatError(
                f"{self.path!r}: member {member!r} is a {artifact.get('backend')!r} model in "
                f"format {artifact.get('format')!r}; scanlab.talos restores Keras models only "
                f"(a PyTorch state_dict needs Talos's model factory, which runs code). Fix: "
                f"restore it with Talos in an environment you trust."
            )
        named = artifact.get("custom_objects", {})
        missing = sorted(set(named) - set(self.custom_objects or {}))
        if missing:
            raise ResultsFormatError(
                f"{self.path!r}: manifest.json asks to import {[named[n] for n in missing]} to "
                f"rebuild {member!r}; scanlab never imports code an archive names. Fix: "
                f"import those classes yourself and pass custom_objects={{"
                + ", ".join(f"'{n}': {n}" for n in missing)
                + "}."
            )
        self._check_sha(member, artifact.get("sha256"))
        self.model = self._load_keras(member, self.custom_objects)
        self.results = self._csv("results.csv")
        self.details = pd.Series(self._json("details.json"), dtype=object)
        if "history.json" in self._names:
            self.round_history = self._json("history.json")
        self.parameter_columns = manifest.get("parameter_columns", {})
        self.params = None  # Talos always pickles the params dict: not even opened
        if "params.npy" in self._names:
            self.unreadable["params"] = f"member 'params.npy' is {_PICKLED}{_COLUMNS}"
        for attr in ("x", "y"):
            name = f"{attr}.npy"
            setattr(self, attr, self._npy(name, attr) if name in self._names else None)

    def _talos1(self) -> None:
        models = [n for n in self._names if n.endswith("_model.json")]
        if len(models) != 1:
            raise ResultsFormatError(
                f"{self.path!r} has no manifest.json and {len(models)} '*_model.json' members "
                f"(members: {self._names[:10]}), so it is neither a scanlab, a Talos 2.x nor a "
                f"Talos 1.x archive. Fix: pass an archive written by Deploy."
            )
        self.format = "talos1"
        prefix = models[0][: -len("_model.json")]
        weights = prefix + "_model.h5"
        if weights not in self._names:
            raise ResultsFormatError(
                f"{self.path!r}: {models[0]!r} has no weights member "
                f"{weights!r}. Fix: use the complete Deploy archive."
            )
        self.model = _load_legacy_model(
            self._bytes(models[0]).decode(),
            self._bytes(weights),
            self.custom_objects,
            f"{self.path!r}: members {models[0]!r} and {weights!r}",
        )
        results = self._csv(prefix + "_results.csv")
        self.results = results.loc[:, ~results.columns.astype(str).str.startswith("Unnamed:")]
        name = prefix + "_details.txt"
        self.details = self._csv(name, header=None) if name in self._names else pd.DataFrame()
        for attr in ("x", "y"):
            name = f"{prefix}_{attr}.csv"
            setattr(self, attr, self._csv(name, header=None) if name in self._names else None)
        self.params = None
        if prefix + "_params.npy" in self._names:
            self.unreadable["params"] = (
                f"member '{prefix}_params.npy' is a pickled dict, which only unpickling can "
                f"read, and unpickling an archive can run any code{_COLUMNS}"
            )

    def __getattribute__(self, name: str) -> Any:
        if name in ("params", "x", "y"):
            unreadable = object.__getattribute__(self, "unreadable")
            if name in unreadable:
                path = object.__getattribute__(self, "path")
                raise ResultsFormatError(
                    f"Restore({path!r}).{name} was not restored: {unreadable[name]}. Fix: use "
                    f"the rest of the archive (.model, .results, .details), or load that member "
                    f"with Talos yourself only if you trust who made the archive."
                )
        return object.__getattribute__(self, name)


def _legacy_config(text: str) -> str:
    """A Keras 2 Sequential config Keras 3 can rebuild: a list of layers becomes
    ``{'layers': [...]}`` and a first layer's ``batch_input_shape`` becomes an InputLayer."""
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


def recover_best_model(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    experiment_log: str | os.PathLike[str],
    input_model: Any,
    metric: str,
    multi_input: bool = False,
    x_cross: Any = None,
    y_cross: Any = None,
    n_models: int = 5,
    task: str = "multi_label",
    asc: bool | None = None,
    folds: int = 5,
    param_resolver: Any = None,
) -> tuple[pd.DataFrame, list[Any]]:
    """Retrain the best runs of a results file and score each on folds (Talos's utility).

    The ``n_models`` best rows of ``experiment_log`` by ``metric`` are retrained with
    ``input_model(x_train, y_train, x_val, y_val, params)``, and each new model is scored on
    ``folds`` shuffled parts of ``x_cross, y_cross`` (default ``x_val, y_val``) with Talos's
    score (F1, or MAE for regression); the mean goes to a ``crossval_mean_f1score`` (or
    ``crossval_mean_mae``) column. Despite Talos's column name, the folds are only scored,
    not trained on.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array-like
        Data for the retraining.
    experiment_log : str or path-like
        A scanlab round folder or ``results.csv`` (only successful runs; params are the
        round's parameter columns, callables resolved from its manifest as
        ``scanlab.Experiment.params`` does), or a Talos experiment CSV (params: every column
        but ``metric``, as Talos does).
    input_model : callable
        The Talos model function.
    metric : str
        Column to rank by (``val_acc`` finds ``val_accuracy``).
    multi_input : bool
        ``x_cross`` is a list of inputs.
    x_cross, y_cross : array-like, optional
        Data to score on; both or neither.
    n_models : int
        How many of the best rows to retrain.
    task : str
        A Talos task for the score.
    asc : bool or None
        True when lower is better; None: inferred from the metric's name.
    folds : int
        Number of parts of the scoring data.
    param_resolver : callable, optional
        ``params -> params``, applied before each retraining (e.g. to turn names back into
        objects).

    Returns
    -------
    tuple
        ``(candidates DataFrame with the score column, list of the retrained models)``.
    """
    from scanlab._loader import load_results

    if (x_cross is None) != (y_cross is None):
        raise AnalysisError(
            rule_message(
                "x_cross, y_cross",
                "must be given together",
                (type(x_cross).__name__, type(y_cross).__name__),
                "pass both, or neither to score on x_val, y_val",
            )
        )
    if not callable(input_model):
        raise AnalysisError(
            rule_message(
                "input_model",
                "must be the Talos model function",
                input_model,
                "pass model(x_train, y_train, x_val, y_val, params)",
            )
        )
    log = Path(experiment_log)
    scanlab_round = log.is_dir() or (log.parent / "manifest.json").is_file()
    if scanlab_round:
        frame = load_results(log)
        columns = list(frame.attrs.get("params", []))
        if "status" in frame.columns:
            frame = frame[frame["status"] == "ok"]
        decoders = _decoders(log if log.is_dir() else log.parent)
    else:
        frame, columns, decoders = pd.read_csv(log), [], {}
    metric = resolve_metric(metric, [str(c) for c in frame.columns], "metric")
    asc = is_loss_like(metric) if asc is None else bool(asc)
    candidates = frame.sort_values(metric, ascending=asc, kind="stable").head(n_models).copy()
    if x_cross is None:
        x_cross, y_cross = x_val, y_val
    results, models = [], []
    for _, row in candidates.iterrows():
        if columns:
            params = {k: decoders.get(k, {}).get(str(row[k]), row[k]) for k in columns}
        else:
            params = row.drop(metric).to_dict()
        params = param_resolver(params) if param_resolver else params
        output = input_model(x_train, y_train, x_val, y_val, params)
        model = output[1] if isinstance(output, tuple) and len(output) == 2 else output
        xs, ys = kfold(x_cross, y_cross, folds, True, multi_input)
        values = [score(b, model.predict(a, verbose=0), task) for a, b in zip(xs, ys, strict=True)]
        results.append(float(np.mean(values)))
        models.append(model)
    name = "crossval_mean_mae" if task in ("continuous", "regression") else "crossval_mean_f1score"
    candidates[name] = results
    return candidates, models


def _decoders(round_dir: Path) -> dict[str, dict[str, Any]]:
    """Param name -> {label as written in results.csv: value} from the round's manifest."""
    from scanlab._manifest import decode_params, read_manifest
    from scanlab.space import value_label

    manifest = read_manifest(round_dir) or {}
    if "params" not in manifest:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = decode_params(manifest["params"], source=str(round_dir), folder=round_dir)
    return {
        name: {value_label(v): v for v in values}
        for name, values in params.items()
        if isinstance(values, list)
    }
