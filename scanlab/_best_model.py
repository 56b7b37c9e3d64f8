"""``Scan.best_model()``: load the saved model of a round's best run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._metric_names import is_loss_like, resolve_metric
from scanlab.errors import ScanArgumentError

__all__ = ["load_best_model"]


def load_best_model(
    round_path: Path,
    rows: pd.DataFrame,
    metric: str | None,
    minimize: bool | None,
    save_models: bool,
) -> Any:
    """The saved model of the best successful run of a round.

    Parameters
    ----------
    round_path : Path
        The round folder (its ``models/<run_id>.keras``).
    rows : DataFrame
        The round's rows.
    metric : str or None
        The metric to rank by (Talos aliases accepted).
    minimize : bool or None
        Whether lower is better; default from the metric's name.
    save_models : bool
        Whether the round saved its models.

    Returns
    -------
    keras.Model
        Loaded with ``keras.saving.load_model`` (its safe mode: no code is deserialized).

    Raises
    ------
    ScanArgumentError
        Without ``save_models=True``, without a successful run, or without a saved model.

    Examples
    --------
    >>> load_best_model(Path('.'), pd.DataFrame(), 'val_loss', None, save_models=False)
    Traceback (most recent call last):
    ...
    scanlab.errors.ScanArgumentError: best_model() needs the models on disk: run the Scan with save_models=True.
    """
    if not save_models:
        raise ScanArgumentError(
            "best_model() needs the models on disk: run the Scan with save_models=True."
        )
    ok = rows[rows["status"] == "ok"]
    if "rung" in ok:  # a budgeted round: each run's model is its highest rung's
        ok = ok.sort_values("rung").drop_duplicates("run_id", keep="last")
    if ok.empty:
        raise ScanArgumentError("best_model(): this round has no successful run.")
    metric = resolve_metric(metric or "", ok.columns, "metric")
    minimize = is_loss_like(metric) if minimize is None else minimize
    ranked = ok.sort_values(metric, ascending=minimize, na_position="last")
    for run_id in ranked["run_id"]:
        path = Path(round_path) / "models" / f"{run_id}.keras"
        if path.exists():
            import keras

            return keras.saving.load_model(path)
    raise ScanArgumentError(f"best_model(): no saved model under {Path(round_path) / 'models'}.")
