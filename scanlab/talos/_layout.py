"""scanlab's rows shown the way Talos shows a scan: its ``data`` columns, its learning
entropy, and its ``saved_models`` / ``saved_weights`` (read from disk, not held in memory)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scanlab._schema import RESERVED_COLUMNS
from scanlab.space import ParamSpace

__all__ = ["SavedModels", "TALOS_HEAD", "learning_entropy", "talos_frame"]

#: Talos's first columns: when the run started and ended, its seconds, its epochs.
TALOS_HEAD = ("start", "end", "duration", "round_epochs")

_PLAIN = (str, int, float, bool, type(None))


def talos_frame(
    runs: pd.DataFrame,
    space: ParamSpace,
    order: Sequence[str],
    renames: Mapping[str, str],
) -> tuple[list[str], pd.DataFrame]:
    """The successful runs in Talos's layout, and their run ids.

    Parameters
    ----------
    runs : DataFrame
        scanlab's rows of a round (``scan.data``).
    space : ParamSpace
        The round's grid (to give parameters their values back, e.g. optimizer classes).
    order : sequence of str
        The parameters in the user's params dict order (the user's names).
    renames : mapping
        Stored column -> the user's name, for parameters stored as ``param__<name>``.

    Returns
    -------
    run_ids : list of str
        The run id of each row.
    data : DataFrame
        One row per successful run in run order, indexed 0..n-1: ``start, end, duration,
        round_epochs``, the history's final values (sorted), then the parameters.

    Examples
    --------
    >>> space = ParamSpace({'lr': [0.1, 0.01]})
    >>> runs = pd.DataFrame({'run_id': ['a', 'b'], 'round': 1, 'status': ['ok', 'failed'],
    ...     'lr': [0.1, 0.01], 'val_acc': [0.9, None], 'epochs_run': [3, 0],
    ...     'best_epoch': 3, 'best_value': 0.9, 'start': 's', 'end': 'e',
    ...     'duration_s': [1.5, 0.1], 'error': ''})
    >>> talos_frame(runs, space, ['lr'], {})[1].columns.tolist()
    ['start', 'end', 'duration', 'round_epochs', 'val_acc', 'lr']
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    params = [c for c in (_stored_name(n, renames) for n in order) if c in ok.columns]
    metrics = sorted(c for c in ok.columns if c not in RESERVED_COLUMNS and c not in space.names)
    data = pd.DataFrame(
        {
            "start": ok["start"],
            "end": ok["end"],
            "duration": pd.to_numeric(ok["duration_s"], errors="coerce"),
            "round_epochs": pd.to_numeric(ok["epochs_run"], errors="coerce"),
        }
    )
    data = pd.concat([data, ok[metrics]], axis=1)
    for column in params:
        data[column] = _values(ok[column], space, column)
    return ok["run_id"].astype(str).tolist(), data.reset_index(drop=True)


def _stored_name(name: str, renames: Mapping[str, str]) -> str:
    return next((stored for stored, user in renames.items() if user == name), name)


def _values(column: pd.Series, space: ParamSpace, name: str) -> pd.Series:
    """The parameter's values as given in the params dict (a class, not its label)."""
    values = space.values.get(name, [])
    if all(isinstance(v, _PLAIN) and v is not None for v in values):
        return column
    by_label = dict(zip(space.value_labels[name], values, strict=True))
    has_none = any(v is None for v in values)

    def value(label: Any) -> Any:
        if has_none and (label is None or (isinstance(label, float) and math.isnan(label))):
            return None  # a None choice is written as an empty cell
        return by_label.get(str(label), label)

    return column.astype(object).map(value)


def learning_entropy(histories: Sequence[Mapping[str, Sequence[float]]]) -> pd.DataFrame:
    """Talos's ``learning_entropy``: per run, per training metric, how the validation curve
    departs from the training curve.

    For each history key ``m`` (not ``val_*``): the KL divergence ``entropy(val_m, m)`` of
    the two per-epoch curves (``scipy.stats.entropy``, each scaled to sum to 1) when
    ``val_m`` is usable, else the Shannon entropy of ``m``'s curve; NaN when the curve is
    empty, has a negative or non-finite value, or sums to 0.

    Parameters
    ----------
    histories : sequence of mapping
        One ``{key: [value per epoch]}`` per run.

    Returns
    -------
    DataFrame
        One row per run, one column per training metric.

    Examples
    --------
    >>> learning_entropy([{'loss': [2.0, 1.0], 'val_loss': [2.0, 1.0]}]).round(4)
       loss
    0   0.0
    """
    from scipy.stats import entropy

    rows = []
    for history in histories:
        row: dict[str, float] = {}
        for key, series in history.items():
            if key.startswith("val_"):
                continue
            values = np.asarray(series, dtype=float)
            twin = np.asarray(history.get("val_" + key, []), dtype=float)
            if not _usable(values):
                row[key] = math.nan
            elif len(twin) == len(values) and _usable(twin):
                row[key] = float(entropy(twin, values))
            else:
                row[key] = float(entropy(values))
        rows.append(row)
    return pd.DataFrame(rows)


def _usable(values: np.ndarray) -> bool:
    return bool(
        values.size and np.isfinite(values).all() and (values >= 0).all() and values.sum() > 0
    )


class SavedModels(Sequence):
    """Talos's ``saved_models`` (JSON) or ``saved_weights`` (lists of arrays), one per run,
    read from the run's ``.keras`` file when indexed (None where no model was saved).

    Parameters
    ----------
    paths : sequence of Path or None
        Each run's saved model.
    kind : {'json', 'weights'}
        What indexing returns.

    Examples
    --------
    >>> len(SavedModels([None, None], 'json')), SavedModels([None], 'weights')[0] is None
    (2, True)
    """

    def __init__(self, paths: Sequence[Path | None], kind: str) -> None:
        self.paths = list(paths)
        self.kind = kind

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self.paths[index] is None:
            return None
        model = self.load(index)
        return model.to_json() if self.kind == "json" else model.get_weights()

    def load(self, index: int, custom_objects: dict | None = None) -> Any:
        """The model of run ``index``, loaded with Keras's safe mode on.

        Parameters
        ----------
        index : int
            The run's row in the scan's ``data``.
        custom_objects : dict, optional
            Custom layers, losses or metrics the model uses.

        Returns
        -------
        keras.Model
            Compiled when its loss and metrics can be rebuilt, else uncompiled (it still
            predicts).
        """
        import keras

        from scanlab.errors import ScanArgumentError

        path = self.paths[index]
        if path is None:
            raise ScanArgumentError(
                f"run {index} has no saved model (it was not kept, or its file is gone). "
                f"Fix: run the Scan with save_weights=True, or pick another run."
            )
        try:
            return keras.saving.load_model(path, custom_objects=custom_objects, safe_mode=True)
        except (TypeError, ValueError):
            # e.g. a custom metric that is not registered: the weights still load
            return keras.saving.load_model(
                path, custom_objects=custom_objects, compile=False, safe_mode=True
            )
