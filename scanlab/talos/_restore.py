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

The members are read by :mod:`scanlab.talos._archive_members`; Talos's two formats by
:mod:`scanlab.talos._legacy_archive`.

Models load with Keras's ``safe_mode=True``; a Talos archive that asks to import modules to
rebuild custom layers is refused unless you pass those layers in ``custom_objects``.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scanlab._metric_names import is_loss_like, resolve_metric
from scanlab.errors import AnalysisError, ResultsFormatError, rule_message
from scanlab.talos._archive_members import ArchiveMembers
from scanlab.talos._evaluate import kfold, score
from scanlab.talos._legacy_archive import read_talos1, read_talos2
from scanlab.talos._predict import refuse_model_factory

__all__ = ["Restore", "recover_best_model"]

_SCANLAB_FORMAT = "scanlab.talos.deploy"


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
            members = ArchiveMembers(archive, self.path)
            self.unreadable = members.unreadable
            if "manifest.json" in members.names:
                self.manifest = members.read_json("manifest.json")
                if "talos_archive_version" in self.manifest:
                    found = read_talos2(members, self.manifest, self.custom_objects)
                    for attr, value in found.items():
                        setattr(self, attr, value)
                else:
                    self._scanlab(members, trust)
            else:
                for attr, value in read_talos1(members, self.custom_objects).items():
                    setattr(self, attr, value)
        self.data = self.results
        if self.unreadable:
            warnings.warn(
                f"Restore({self.path!r}): not restored: "
                + "; ".join(f".{attr} ({why})" for attr, why in self.unreadable.items())
                + ". Everything else is restored.",
                UserWarning,
                stacklevel=2,
            )

    def _scanlab(self, members: ArchiveMembers, trust: Any) -> None:
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
            members.check_sha(name, digest)
        self.model = members.load_keras(manifest.get("model", "model.keras"), self.custom_objects)
        encoded = members.read_json("params.json")
        self.params = (
            None
            if encoded is None
            else decode_params(encoded, trust, source=f"{self.path!r} params.json")
        )
        self.results = members.read_csv("results.csv")
        self.details = pd.Series(members.read_json("details.json"), dtype=object)
        if "history.json" in members.names:
            self.round_history = members.read_json("history.json")
        for attr in ("x", "y"):
            parts = [
                members.read_npy(name, attr) if name.endswith(".npy") else members.read_csv(name)
                for name in manifest.get(attr, [])
            ]
            value = parts[0] if len(parts) == 1 else (parts or None)
            setattr(self, attr, value)

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
