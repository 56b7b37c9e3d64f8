"""``talos.Scan`` on scanlab's engine: Talos 2.0.10's arguments, attributes and methods.

The scan itself is a :class:`scanlab.Scan` (crash-safe log, resume, rounds, parallel
workers), kept as ``scan.scan``. This class translates Talos's arguments
(:mod:`scanlab.talos._arguments`, :mod:`scanlab.talos._params`) and presents the outcome the
way Talos does (:mod:`scanlab.talos._layout`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from scanlab._metric_names import resolve_metric
from scanlab.data import n_samples, prepare_data
from scanlab.errors import ScanArgumentError, rule_message
from scanlab.scan import Scan as ScanlabScan
from scanlab.talos._arguments import (
    check_multi_input,
    check_options,
    talos_reduction_method,
)
from scanlab.talos._layout import SavedModels, learning_entropy, talos_frame
from scanlab.talos._params import TalosBooleanLimit, TalosModelFunction, translate_params

__all__ = ["Scan", "talos_val_split"]


class Scan:
    """Talos's ``Scan``: train a sample of a params dict's permutations, log every run.

    Takes every argument of Talos 2.0.10's ``Scan`` with Talos's meaning, plus scanlab's
    keyword options (``results_dir``, ``workers``, ``executor``, ``metric``, ``resume``,
    ``max_consecutive_failures``, ``workers_per_gpu``, ``max_runs_per_worker``,
    ``trial_timeout``); see :class:`scanlab.Scan` for what each one does. Where they differ
    on purpose:

    * results go to ``results/<experiment_name>/round-NNN/`` (``results_dir=`` moves them),
      one row per run appended as it finishes, and the same call again resumes;
    * a run that raises is recorded as failed and the scan goes on (Talos stops); ``data``
      holds the successful runs, ``runs`` every row;
    * models are kept on disk (``models/<run_id>.keras``), not in memory: ``saved_models``
      and ``saved_weights`` load them when read;
    * ``minimize_loss=False`` (Talos's default) lets the metric's name decide the direction,
      so ``reduction_metric='val_loss'`` is minimized rather than maximized.

    Parameters
    ----------
    x, y, params, model, experiment_name, x_val, y_val, val_split
        As in Talos (and :class:`scanlab.Scan`). A parameter named like a results column
        (``loss``, ``acc``) is stored as ``param__<name>``, as Talos does; the model function
        still receives it as ``params['loss']``.
    multi_input : bool
        Talos's flag for a list of input arrays; scanlab splits lists either way.
    random_method : str
        Talos's names: ``uniform_mersenne``, ``uniform_crypto``, ``sobol``, ``halton``,
        ``latin_matrix``, ``latin_sudoku``, ``latin_improved``, ``korobov_matrix``.
    seed, performance_target, fraction_limit, round_limit, time_limit, boolean_limit
        As in Talos.
    reduction_method : str, optional
        ``correlation``, ``spearman``, ``kendall``, ``pearson``, or ``trees`` / ``forrest``
        (a random forest's importance: scanlab's ``importance``).
    reduction_interval, reduction_window, reduction_threshold, reduction_metric
        As in Talos (``reduction_metric`` is the metric the scan tracks; Talos's ``val_acc``
        also finds Keras's ``val_accuracy``).
    minimize_loss : bool
        True: lower values of the tracked metric are better.
    disable_progress_bar, print_params, clear_session
        As in Talos.
    save_weights, save_models : bool
        Keep each run's trained model (on disk); needed by ``best_model``, ``Predict``,
        ``Evaluate`` and ``Deploy``. Talos's default ``save_weights=True`` keeps them.
    **options
        scanlab's keyword options; Talos 2.0.10's ``experiment_dir`` (= ``results_dir``)
        and ``objective`` (= ``metric`` and its direction).

    Attributes
    ----------
    data : DataFrame
        The successful runs, Talos's layout: ``start, end, duration, round_epochs``, the
        history's final values, then the parameters (in the params dict's order).
    runs : DataFrame
        Every row scanlab wrote for this round, failed runs included.
    details : Series
        What was run (Talos's keys and scanlab's).
    round_history : list of dict
        Per row of ``data``, the per-epoch history.
    round_times, learning_entropy : DataFrame
        Per row of ``data``: start, end, duration; the KL divergence of each metric's
        validation curve from its training curve.
    saved_models, saved_weights : sequence
        Per row of ``data``: the model as JSON, its weights (read from disk when indexed).
    x, y, x_train, y_train, x_val, y_val
        The data given and the train/validation split the runs used.
    scan : scanlab.Scan
        The scan that ran.

    Examples
    --------
    >>> import scanlab.talos as talos                                       # doctest: +SKIP
    >>> scan = talos.Scan(x, y, params=p, model=iris_model, experiment_name='iris',
    ...                   fraction_limit=0.1, seed=1)                        # doctest: +SKIP
    >>> talos.Analyze(scan).best_params('val_acc', ['acc', 'loss', 'val_loss'])  # doctest: +SKIP
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        params: dict,
        model: Callable,
        experiment_name: str,
        x_val: Any = None,
        y_val: Any = None,
        val_split: float = 0.3,
        multi_input: bool = False,
        random_method: str = "uniform_mersenne",
        seed: int | None = None,
        performance_target: Any = None,
        fraction_limit: float | None = None,
        round_limit: int | None = None,
        time_limit: Any = None,
        boolean_limit: Callable[[dict], bool] | None = None,
        reduction_method: str | None = None,
        reduction_interval: int = 50,
        reduction_window: int = 20,
        reduction_threshold: float = 0.2,
        reduction_metric: str | None = "val_acc",
        minimize_loss: bool = False,
        disable_progress_bar: bool = False,
        print_params: bool = False,
        clear_session: bool = True,
        save_weights: bool = True,
        save_models: bool = False,
        **options: Any,
    ) -> None:
        options, objective_minimize = check_options(options)
        check_multi_input(multi_input, x, x_val)
        if fraction_limit is not None and round_limit is not None:
            warnings.warn(
                f"fraction_limit={fraction_limit!r} and round_limit={round_limit!r} were both "
                f"given: as in Talos, fraction_limit decides and round_limit is ignored "
                f"(scanlab.Scan would take the smaller). Fix: pass one of them.",
                UserWarning,
                stacklevel=2,
            )
            round_limit = None
        split = talos_val_split(x, val_split) if x_val is None else val_split
        core_params, renames = translate_params(params)
        order = [renames.get(name, name) for name in core_params]
        # scanlab hands params over sorted by name; Talos in the dict's order, and a model
        # function may depend on it (e.g. list(params.values()))
        wrap = bool(renames) or order != sorted(order)
        if wrap and callable(model):
            model = TalosModelFunction(model, renames, order)
        limit = boolean_limit
        if renames and callable(boolean_limit):
            limit = TalosBooleanLimit(boolean_limit, renames)
        # Talos's minimize_loss=False is its default: let the metric's name decide instead
        minimize = objective_minimize if objective_minimize is not None else minimize_loss or None
        self.scan = ScanlabScan(
            x,
            y,
            params=core_params,
            model=model,
            experiment_name=experiment_name,
            x_val=x_val,
            y_val=y_val,
            val_split=split,
            random_method=random_method,
            seed=seed,
            performance_target=performance_target,
            fraction_limit=fraction_limit,
            round_limit=round_limit,
            time_limit=time_limit,
            boolean_limit=limit,
            reduction_method=talos_reduction_method(reduction_method),
            reduction_interval=reduction_interval,
            reduction_window=reduction_window,
            reduction_threshold=reduction_threshold,
            # Talos's default metric is val_acc: scanlab's default rule finds it (or Keras's
            # val_accuracy) first, and picks a sensible metric when the model logs neither.
            reduction_metric=None if reduction_metric == "val_acc" else reduction_metric,
            minimize_loss=minimize,
            disable_progress_bar=disable_progress_bar,
            print_params=print_params,
            clear_session=clear_session,
            save_models=bool(save_weights or save_models),
            **options,
        )
        self.x, self.y = x, y
        self.params = params
        self.model = model.model if isinstance(model, TalosModelFunction) else model
        self.experiment_name = experiment_name
        self.multi_input = multi_input
        self.random_method = random_method
        self.seed = self.scan.seed
        self.val_split = val_split
        self.custom_val_split = x_val is not None
        self.fraction_limit, self.round_limit = fraction_limit, round_limit
        self.time_limit, self.boolean_limit = time_limit, boolean_limit
        self.performance_target = performance_target
        self.reduction_method, self.reduction_metric = reduction_method, reduction_metric
        self.reduction_interval, self.reduction_window = reduction_interval, reduction_window
        self.reduction_threshold, self.minimize_loss = reduction_threshold, minimize_loss
        self.disable_progress_bar, self.print_params = disable_progress_bar, print_params
        self.clear_session = clear_session
        self.save_weights, self.save_models = save_weights, save_models
        self.round_path: Path = self.scan.round_path
        self.runs: pd.DataFrame = self.scan.data
        self._run_ids, self.data = talos_frame(self.scan.data, self.scan.space, order, renames)
        data = prepare_data(x, y, x_val, y_val, split, seed=self.seed or 0)
        self.x_train, self.y_train, self.x_val, self.y_val = data
        histories = self.scan.round_history
        self.round_history = [histories.get(run_id, {}) for run_id in self._run_ids]
        self.round_times = self.data[["start", "end", "duration"]].copy()
        self.learning_entropy = learning_entropy(self.round_history)
        paths = [self._model_path(run_id) for run_id in self._run_ids]
        self.saved_models = SavedModels(paths, "json")
        self.saved_weights = SavedModels(paths, "weights")
        self.details = self._details(x, y)

    # ---- Talos's methods --------------------------------------------------------------------

    def best_model(
        self,
        metric: str | None = "val_acc",
        asc: bool = False,
        saved: bool = False,
        custom_objects: dict | None = None,
    ) -> Any:
        """The trained model of the best run.

        Parameters
        ----------
        metric : str
            Column of ``data`` to rank by (Talos's ``val_acc`` also finds ``val_accuracy``;
            None: the metric the scan tracked).
        asc : bool
            True when lower is better (e.g. ``val_loss``).
        saved : bool
            Accepted for Talos; models are always read from disk here.
        custom_objects : dict, optional
            Passed to ``keras.saving.load_model`` for custom layers or metrics.

        Returns
        -------
        keras.Model
        """
        return self.load_model(self.best_index(metric, asc), custom_objects)

    def best_index(self, metric: str | None = "val_acc", asc: bool = False) -> int:
        """The row of ``data`` with the best ``metric`` (first one on ties, as in Talos).

        Parameters
        ----------
        metric : str, optional
            Column of ``data``; None: the metric the scan tracked.
        asc : bool
            True when lower is better.

        Returns
        -------
        int
        """
        if self.data.empty:
            raise ScanArgumentError(
                f"best_model(): the scan {self.experiment_name!r} has no finished run (it "
                f"stopped: {self.scan.stop_reason}, e.g. a time_limit already past). Fix: run "
                f"the same call again with a later time_limit, or without it."
            )
        name = metric if metric is not None else (self.scan.tracked_metric or "val_acc")
        name = resolve_metric(name, self.data.columns, "metric")
        values = pd.to_numeric(self.data[name], errors="coerce").dropna()
        if values.empty:
            raise ScanArgumentError(
                rule_message("metric", "needs a column with numbers", name, "pick another metric")
            )
        return int(values.sort_values(ascending=asc, kind="stable").index[0])

    def load_model(self, index: int, custom_objects: dict | None = None) -> Any:
        """The trained model of row ``index`` of ``data``, read from the round folder.

        Parameters
        ----------
        index : int
            A row of ``data``.
        custom_objects : dict, optional
            Passed to ``keras.saving.load_model``.

        Returns
        -------
        keras.Model
        """
        if not (self.save_weights or self.save_models):
            raise ScanArgumentError(
                "the models of this scan were not kept: it ran with save_weights=False and "
                "save_models=False. Fix: run the Scan with save_weights=True (Talos's "
                "default) to use best_model, Predict, Evaluate or Deploy."
            )
        return self.saved_models.load(index, custom_objects)

    def evaluate_models(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        """Score the best models on new data, as Talos's ``Scan.evaluate_models`` does.

        See :func:`scanlab.talos._evaluate.evaluate_models` for the arguments.

        Returns
        -------
        DataFrame
            ``data`` with the evaluation columns added.
        """
        from scanlab.talos._evaluate import evaluate_models

        return evaluate_models(self, *args, **kwargs)

    # ---- internals --------------------------------------------------------------------------

    def _model_path(self, run_id: str) -> Path | None:
        path = self.round_path / "models" / f"{run_id}.keras"
        return path if path.exists() else None

    def _details(self, x: Any, y: Any) -> pd.Series:
        details = self.scan.details.copy()
        finished = pd.to_datetime(self.runs["end"], errors="coerce", utc=True).max()
        details["random_method"] = self.random_method  # as given (scanlab's name is in .scan)
        details["experiment_id"] = self.round_path.name
        details["run_dir"] = str(self.round_path)
        details["status"] = "complete" if self.scan.stop_reason == "completed" else "stopped"
        details["stop_reason"] = self.scan.stop_reason
        details["reduction_method"] = self.reduction_method
        details["reduction_metric"] = self.reduction_metric
        details["reduction_interval"] = self.reduction_interval
        details["reduction_window"] = self.reduction_window
        details["reduction_threshold"] = self.reduction_threshold
        details["minimize_loss"] = self.minimize_loss
        details["x_shape"] = getattr(x, "shape", "multi-input")
        details["y_shape"] = getattr(y, "shape", "multi-output")
        details["rounds"] = len(self.data)
        details["complete_time"] = None if pd.isna(finished) else finished.isoformat()
        return details

    def __repr__(self) -> str:
        return f"talos.Scan({self.experiment_name!r}, {len(self.data)} runs in {self.round_path})"


def talos_val_split(x: Any, val_split: Any) -> Any:
    """The share scanlab holds out so that the split has Talos's sizes.

    Talos keeps ``int(n * (1 - val_split))`` samples for training; scanlab holds out
    ``round(n * val_split)``. For 178 samples and 0.3 that is 124 against 125 training
    samples; this returns the share that gives Talos's count.

    Parameters
    ----------
    x : array-like or list of arrays
        The inputs.
    val_split : float
        Talos's ``val_split``.

    Returns
    -------
    float
        ``val_split`` as scanlab reads it (unchanged when it is not a usable fraction:
        scanlab's check then names the problem).

    Examples
    --------
    >>> import numpy as np
    >>> n = 178
    >>> round(n * talos_val_split(np.zeros((n, 2)), 0.3)), n - int(n * 0.7)
    (54, 54)
    """
    if isinstance(val_split, bool) or not isinstance(val_split, (int, float)):
        return val_split
    if not 0 < val_split < 1:
        return val_split
    try:
        n = n_samples(x, "x")
    except ScanArgumentError:
        return val_split
    held_out = n - int(n * (1 - val_split))
    return held_out / n if 0 < held_out < n else val_split
