"""The honest held-out check: retrain a scan's best configurations, score them on test data.

Choosing the best of many runs on validation data biases that validation score upward: the
winner won partly by luck on that data. :func:`evaluate` retrains the ``top`` configurations
of a scan and scores them, with the same metrics, on test data the search never saw; each
row shows the search's validation value, the test value and the gap between them.

A scan's ``preprocess`` (when it has one) is fitted on each refit's training data and
applied to its validation and test data.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._builder import BUILDER, model_contract
from scanlab._heldout import (
    HELDOUT_FILE,
    append_heldout,
    check_heldout_file,
    decode_row,
    experiment_folder,
    heldout_columns,
    metric_base,
    top_rows,
    validation_columns,
)
from scanlab._heldout_data import REFITS, check_test_data, fit_data, preprocessed, score_test
from scanlab._metric_names import resolve_metric
from scanlab.data import prepare_data
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message
from scanlab.results import read_results
from scanlab.scoring import check_scoring
from scanlab.space import ParamSpace
from scanlab.trial import TrialData, run_trial

__all__ = ["evaluate"]


@dataclass(frozen=True)
class _Plan:
    """Everything the refits need, checked before the first one trains."""

    model: Callable
    space: ParamSpace
    picks: list[tuple[Mapping[str, Any], dict[str, Any], dict[str, str]]]  # row, values, labels
    metric: str  # the column ranked on
    validation: dict[str, str]  # base name -> the runs' validation column
    bases: list[str]
    scorers: tuple[str, ...]
    split: TrialData
    cross_validated: bool
    preprocess: Callable | None
    early_stopping: dict[str, Any] | None
    clear_session: bool
    heldout_path: Path | None


def evaluate(
    source: Any,
    x_test: Any,
    y_test: Any,
    *,
    top: int = 5,
    metric: str | None = None,
    refit: str = "train",
    model: Callable | None = None,
    params: Mapping[str, Any] | None = None,
    x: Any = None,
    y: Any = None,
    x_val: Any = None,
    y_val: Any = None,
    scoring: Any = None,
    seed: int | None = None,
    save: bool = True,
) -> pd.DataFrame:
    """Retrain the ``top`` configurations of a scan and score them on held-out test data.

    Every argument is checked before any training. The test data is touched only after a
    refit has trained, to score it; the model function never sees it. A refit trains as the
    scan's run did: a builder with the scan's early stopping, a budgeted search's run to the
    budget of its best row.

    Parameters
    ----------
    source : Scan, DataFrame, str or path
        A finished ``Scan`` (its data, model function, params, metrics, scoring and seed are
        used; a ``scanlab.talos.Scan`` too), or results (a DataFrame, a results CSV, a round
        or experiment folder); then ``model``, ``params``, ``x`` and ``y`` are required.
    x_test, y_test : array-like or list of arrays
        Data the search never saw, with the training data's sample shape.
    top : int, default 5
        How many configurations to refit, best first (one per run).
    metric : str, optional
        The metric to rank on (Talos aliases accepted; ``mean_<m>`` in a cross-validated
        round); default: the metric the scan tracked. Its direction comes from the scan or
        the metric rulebook (losses are minimized).
    refit : {'train', 'train+val'}, default 'train'
        ``'train'``: fit on the scan's training part (a scan that split ``x`` is split again
        with its seed); the model function gets the validation data as ``x_val, y_val``, so
        early stopping and the history see validation data, never test data.
        ``'train+val'``: fit on training and validation data together; the model function
        still gets the validation data as ``x_val``, so its monitoring then sees data it
        trains on. A builder scanned with early stopping then trains, without stopping, for
        the epochs the chosen run's metrics came from (its ``best_epoch`` when early
        stopping restored it, else ``epochs_run``). A cross-validated scan refits all of ``x, y``, handed over as validation
        data too.
    model : callable, optional
        The model function (Talos contract or builder); default: the scan's.
    params : dict, optional
        The params dict the runs were drawn from (their labels are turned back into values
        with it); default: the scan's.
    x, y, x_val, y_val : array-like, optional
        The scan's data; default: the scan's own.
    scoring : str or list of str, optional
        scikit-learn scorer names computed from the test predictions; default: the scan's.
    seed : int, optional
        The seed of the validation split when ``x_val`` is not given; default: the scan's
        (required for results without ``x_val``; their split holds out 30 %, the default).
    save : bool, default True
        Append the rows, with an ``evaluated_at`` time, to ``heldout.csv`` in the
        experiment folder (when the source has one).

    Returns
    -------
    DataFrame
        One row per configuration in rank order: ``rank, run_id, round``, the parameter
        labels, then for each validation metric's base name ``b`` (``accuracy`` for
        ``val_accuracy`` or ``mean_val_accuracy``): ``val_<b>`` (the search's value, the fold
        mean in a cross-validated round), ``test_<b>`` and ``gap_<b>`` = val - test (the
        search was optimistic where it is positive for a higher-is-better metric, negative
        for a loss); then ``refit``, ``status``, ``error``, ``duration_s``. A refit that
        failed has status ``'failed'`` and its error. ``attrs['metric']`` is the base name
        ranked on.

    Raises
    ------
    ScanArgumentError, ScanArgumentTypeError
        ``top`` not a positive int, ``refit`` unknown, test data not like the training
        data, results without ``model``/``params``/``x``/``y``, labels not in ``params``.
    MetricNotFoundError
        ``metric`` is not one of the runs' metrics.
    NoRunsError
        The source has no successful run.
    ResultsFormatError
        ``heldout.csv`` exists with a header that lacks these rows' columns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> runs = pd.DataFrame({'run_id': ['a', 'b'], 'round': 1, 'status': 'ok',
    ...                      'units': [8, 16], 'val_accuracy': [0.8, 0.9]})
    >>> class Trained:  # what a model function returns as its model (a keras.Model)
    ...     def evaluate(self, x, y, verbose=0, return_dict=True):
    ...         return {'accuracy': 0.75, 'loss': 0.5}
    >>> def model(x_train, y_train, x_val, y_val, params):
    ...     return {'loss': [0.4], 'val_loss': [0.45]}, Trained()
    >>> x, y = np.zeros((10, 3)), np.zeros(10)
    >>> table = evaluate(runs, x[:4], y[:4], top=1, model=model, params={'units': [8, 16]},
    ...                  x=x, y=y, seed=0)
    >>> table[['rank', 'run_id', 'units', 'val_accuracy', 'test_accuracy', 'gap_accuracy']]
       rank run_id units  val_accuracy  test_accuracy  gap_accuracy
    0     1      b    16           0.9           0.75          0.15
    >>> table.attrs['metric']
    'accuracy'

    With a finished scan, the data, the model function and the metrics come from the scan:

    >>> scan = scanlab.Scan(x, y, params=params, model=build, experiment_name='bc')  # doctest: +SKIP
    >>> scanlab.evaluate(scan, x_test, y_test, top=5)  # doctest: +SKIP
    """
    plan = _plan(
        source,
        x_test,
        y_test,
        top,
        metric,
        refit,
        model,
        params,
        (x, y, x_val, y_val),
        scoring,
        seed,
        save,
    )
    rows = [
        _refit_one(plan, rank, row, values, labels, refit, x_test, y_test)
        for rank, (row, values, labels) in enumerate(plan.picks, 1)
    ]
    table = pd.DataFrame(rows, columns=heldout_columns(plan.space.names, plan.bases))
    table.attrs["metric"] = metric_base(plan.metric)
    if plan.heldout_path is not None:
        append_heldout(plan.heldout_path, table)
    return table


def _check_choices(top: Any, refit: Any) -> None:
    if isinstance(top, bool) or not isinstance(top, int):
        raise ScanArgumentTypeError(
            rule_message("top", "must be a positive int", top, "use e.g. top=5")
        )
    if top < 1:
        raise ScanArgumentError(
            rule_message("top", "must be a positive int", top, "use top=1 or more")
        )
    if refit not in REFITS:
        raise ScanArgumentError(
            rule_message("refit", f"must be one of {list(REFITS)}", refit, "use refit='train'")
        )


def _plan(
    source: Any,
    x_test: Any,
    y_test: Any,
    top: int,
    metric: str | None,
    refit: str,
    model: Callable | None,
    params: Mapping[str, Any] | None,
    given: tuple[Any, Any, Any, Any],
    scoring: Any,
    seed: int | None,
    save: bool,
) -> _Plan:
    """Check every argument and resolve the scan's settings, before any training."""
    _check_choices(top, refit)
    if isinstance(getattr(getattr(source, "scan", None), "inputs", None), tuple):
        source = source.scan  # scanlab.talos.Scan wraps the scanlab.Scan that ran
    settings: Any = getattr(source, "settings", None)
    is_scan = settings is not None and isinstance(getattr(source, "inputs", None), tuple)
    if is_scan:
        x, y, x_val, y_val, val_split = source.inputs
        if given[0] is not None:
            (x, y, x_val, y_val), val_split = given, 0.3
        model = model if model is not None else settings.model
        space = settings.space if params is None else ParamSpace(params)
        scorers = settings.scoring if scoring is None else check_scoring(scoring)
        seed = source.seed if seed is None else seed
        folder: Path | None = Path(source.experiment_path)
    else:
        x, y, x_val, y_val = given
        val_split = 0.3
        _require(model=model, params=params, x=x, y=y)
        if x_val is None and seed is None:
            raise ScanArgumentError(
                rule_message(
                    "seed",
                    "is needed to split x, y as the scan did when x_val is not given",
                    seed,
                    "pass seed=<the scan's seed> (manifest.json 'seed'), or x_val=, y_val=",
                )
            )
        assert params is not None and model is not None  # _require checked them
        space = ParamSpace(params)
        scorers = check_scoring(scoring)
        folder = None
    results = read_results(source)
    if not is_scan:  # the params are known: every other column of the runs is a metric
        names = [n for n in space.names if n in results.data.columns]
        results = read_results(results, params=names)
    if metric is not None and not isinstance(metric, str):
        raise ScanArgumentTypeError(
            rule_message("metric", "must be a metric name (str)", metric, "e.g. 'val_accuracy'")
        )
    column = results.metric if metric is None else resolve_metric(metric, results.metrics)
    check_test_data(x_test, y_test, x)
    picks = [
        (row, *decode_row(space, row))
        for row in top_rows(results.data, column, results.minimize(column), top).to_dict("records")
    ]
    cross_validated = getattr(settings, "cv", None) is not None and x_val is None
    if cross_validated:
        split = TrialData(x, y, x, y)
    else:
        split = prepare_data(x, y, x_val, y_val, val_split, seed=0 if seed is None else seed)
    validation = validation_columns(results.metrics)
    bases = sorted({*validation, *scorers, metric_base(column)})
    heldout_path = None
    if save:
        folder = folder if is_scan else experiment_folder(results.folder)
        heldout_path = None if folder is None or not folder.is_dir() else folder / HELDOUT_FILE
    if heldout_path is not None:
        check_heldout_file(heldout_path, heldout_columns(space.names, bases))
    return _Plan(
        model=model,
        space=space,
        picks=picks,
        metric=column,
        validation=validation,
        bases=bases,
        scorers=scorers,
        split=split,
        cross_validated=cross_validated,
        preprocess=_callable_or_none(getattr(settings, "preprocess", None)),
        early_stopping=getattr(settings, "early_stopping", None),
        clear_session=bool(getattr(settings, "clear_session", True)),
        heldout_path=heldout_path,
    )


def _require(**arguments: Any) -> None:
    missing = [name for name, value in arguments.items() if value is None]
    if missing:
        raise ScanArgumentError(
            rule_message(
                "source",
                "from results (not a Scan) needs model=, params=, x= and y=",
                f"missing {', '.join(missing)}",
                "pass the model function, the params dict and the training data the scan "
                "used (and x_val=, y_val= if it had them), or pass the Scan itself",
            )
        )


def _callable_or_none(value: Any) -> Callable | None:
    return value if callable(value) else None


def _refit_one(
    plan: _Plan,
    rank: int,
    row: Mapping[str, Any],
    values: dict[str, Any],
    labels: dict[str, str],
    refit: str,
    x_test: Any,
    y_test: Any,
) -> dict[str, Any]:
    """Train one configuration and score it on the test data: its row of the table."""
    start = time.perf_counter()
    status, error, scores = "failed", None, {}
    history_bases = [b for b in plan.bases if b not in plan.scorers]
    builder = model_contract(plan.model) == BUILDER
    budget: Any = row.get("budget")
    early_stopping = plan.early_stopping if builder else None
    if early_stopping is not None and refit == "train+val" and not _is_number(budget):
        # the validation part is trained on now: stopping on it would stop late, so train
        # as long as the chosen run's metrics come from, without stopping
        trained = "best_epoch" if row.get("metrics_from") == "best_epoch" else "epochs_run"
        if _is_number(row.get(trained)):
            budget, early_stopping = int(row[trained]), None
    try:
        unprocessed = fit_data(plan.split, refit, plan.cross_validated)
        data = preprocessed(plan.preprocess, unprocessed, values)
        models: list[Any] = []
        result = run_trial(
            plan.model,
            data,
            values,
            models.append,
            early_stopping=early_stopping,
            budget=int(budget) if _is_number(budget) else None,
        )
        if result.status == "ok":
            held_out = unprocessed._replace(x_val=x_test, y_val=y_test)  # touched after training
            held_out = preprocessed(plan.preprocess, held_out, values)
            scores = score_test(
                models[-1], held_out.x_val, held_out.y_val, history_bases, plan.scorers
            )
            status = "ok"
        else:
            error = result.error
        del models
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if plan.clear_session and "keras" in sys.modules:
            sys.modules["keras"].backend.clear_session()
    out: dict[str, Any] = {"rank": rank, "run_id": row.get("run_id"), "round": row.get("round")}
    out.update(labels)
    for base in plan.bases:
        column = plan.validation.get(base)
        validation = float(row[column]) if column and _is_number(row.get(column)) else math.nan
        test = scores.get(base, math.nan)
        out.update(
            {f"val_{base}": validation, f"test_{base}": test, f"gap_{base}": validation - test}
        )
    out.update(
        refit=refit, status=status, error=error, duration_s=round(time.perf_counter() - start, 4)
    )
    return out


def _is_number(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
