"""KerasTuner's tuners (``RandomSearch``, ``GridSearch``, ``Hyperband``) as scanlab Scans.

A tuner discovers ``build(hp)``'s space when made (:func:`~scanlab.keras_tuner._discover.discover`,
so bad input fails before any training); :meth:`Tuner.search` runs one :class:`scanlab.Scan`
with the builder contract and keeps it as ``tuner.scan`` (its rows: ``tuner.results``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from scanlab.errors import ScanArgumentError, rule_message
from scanlab.keras_tuner._discover import HyperBuilder, as_hypermodel, discover
from scanlab.keras_tuner._grids import FLOAT_POINTS
from scanlab.keras_tuner._hyperparameters import HyperParameters
from scanlab.keras_tuner._tuner_options import (
    as_objective,
    check_scan_kwargs,
    early_stopping_from,
    round_limit_for,
)

__all__ = ["GridSearch", "Hyperband", "RandomSearch", "Tuner"]


class Tuner:
    """What the tuners share; see :class:`RandomSearch` for the arguments."""

    random_method = "uniform"

    def __init__(
        self,
        hypermodel: Any,
        objective: Any = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        directory: str | Path | None = None,
        project_name: str | None = None,
        overwrite: bool = False,
        max_consecutive_failed_trials: int | None = 3,
        *,
        float_points: int = FLOAT_POINTS,
        **scan_kwargs: Any,
    ) -> None:
        hypermodel = as_hypermodel(hypermodel)  # a function gets .build, as in KerasTuner
        check_scan_kwargs(scan_kwargs)
        self.hypermodel = hypermodel
        self.objective = as_objective(objective)
        self.max_trials = max_trials
        self.seed = seed
        self.directory = Path(directory) if directory is not None else Path("results")
        self.project_name = project_name or "untitled_project"
        self.overwrite = overwrite
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.float_points = float_points
        self.scan_kwargs = scan_kwargs
        self.params, self.conditions = discover(
            hypermodel, float_points=float_points, require_model=True
        )
        self.scan: Any = None

    # ---- what the subclasses set ---------------------------------------------------------

    def _search_argument(self) -> Any:
        return None

    # ---- KerasTuner's methods ------------------------------------------------------------

    def search_space_summary(self) -> None:
        """Print the discovered space: each parameter, its values, default and conditions."""
        print("Search space summary")
        print(f"Default search space size: {len(self.params)}")
        for name, spec in self.conditions.specs.items():
            print(f"{name} ({spec.kind})")
            conditions = [{"parent": p, "values": list(v)} for p, v in spec.conditions]
            print({"default": spec.default, "conditions": conditions, "values": list(spec.grid)})

    def search(
        self,
        x: Any,
        y: Any,
        epochs: int | None = None,
        validation_data: Any = None,
        validation_split: float | None = None,
        batch_size: int | None = None,
        callbacks: list | None = None,
        class_weight: dict | None = None,
        verbose: int | bool = 1,
    ) -> Any:
        """Run the search: one :class:`scanlab.Scan` (resumed when run again).

        Parameters
        ----------
        x, y : array-like
            Training data.
        epochs : int, optional
            Epochs of each trial (default 1, as ``fit``); a Hyperband search sets its own.
        validation_data : tuple, optional
            ``(x_val, y_val)``.
        validation_split : float, optional
            Share of ``x, y`` held out when no ``validation_data`` (default 0.3, Scan's).
        batch_size : int, optional
            ``fit``'s batch size (default 32). A hyperparameter named ``batch_size`` (or
            ``epochs``) is tuned instead: scanlab passes it to ``fit``.
        callbacks : list, optional
            A ``keras.callbacks.EarlyStopping`` becomes Scan's ``early_stopping``
            (``monitor``, ``[min_delta, patience]``, ``restore_best_weights``; the direction
            follows the monitor's name, as everywhere in scanlab; not under
            Hyperband, which stops runs itself: a warning says so); any other callback is
            not used (scanlab calls ``fit``), with a warning naming it.
        class_weight : dict, optional
            ``fit``'s class weights.
        verbose : int or bool
            0: no progress bar.

        Returns
        -------
        scanlab.Scan
        """
        search = self._search_argument()
        kwargs = dict(self.scan_kwargs)
        early_stopping = early_stopping_from(callbacks or [], search is not None)
        if early_stopping is not None:
            kwargs["early_stopping"] = early_stopping
        params: dict[str, list] = dict(self.params)  # an hp named batch_size/epochs is tuned
        params.setdefault("batch_size", [batch_size or 32])
        if search is None:
            params.setdefault("epochs", [1 if epochs is None else epochs])
        if class_weight is not None:
            params["class_weight"] = [class_weight]
        x_val, y_val = (None, None) if validation_data is None else tuple(validation_data)[:2]
        if validation_split is not None:
            kwargs["val_split"] = validation_split
        if search is not None:
            kwargs["search"] = search
        kwargs.setdefault("save_models", "cv" not in kwargs)
        limit = self.conditions.with_limit(kwargs.pop("boolean_limit", None))
        from scanlab.scan import Scan

        self.scan = Scan(
            x,
            y,
            params=params,
            model=HyperBuilder(self.hypermodel, self.float_points),
            experiment_name=self.project_name,
            x_val=x_val,
            y_val=y_val,
            random_method=self.random_method,
            seed=self.seed,
            round_limit=self.max_trials
            if search is not None
            else round_limit_for(params, limit, self.random_method, self.seed, self.max_trials),
            boolean_limit=limit,
            metric=self.objective.name,
            minimize_loss=self.objective.direction == "min",
            disable_progress_bar=not verbose,
            results_dir=self.directory,
            resume=not self.overwrite,
            max_consecutive_failures=self.max_consecutive_failed_trials,
            **kwargs,
        )
        return self.scan

    @property
    def results(self) -> pd.DataFrame:
        """The scan's rows (``scan.data``)."""
        return self._finished().data

    def get_best_hyperparameters(self, num_trials: int = 1) -> list[HyperParameters]:
        """The best runs' hyperparameters, best first.

        Under Hyperband each run is ranked by its highest rung (runs that reached more epochs
        compete on the same footing as in :meth:`scanlab.Scan.best_model`).

        Parameters
        ----------
        num_trials : int

        Returns
        -------
        list of HyperParameters
            Each with ``.values``: the run's active parameters.
        """
        return [self._hyperparameters(row) for _, row in self._ranked().head(num_trials).iterrows()]

    def get_best_models(self, num_models: int = 1) -> list[Any]:
        """The best runs' trained models, loaded from the files this scan saved.

        Parameters
        ----------
        num_models : int

        Returns
        -------
        list of keras.Model
            Loaded with ``keras.models.load_model(..., safe_mode=True)``.

        Raises
        ------
        ScanArgumentError
            When a best run has no model saved in this round (``save_models=False``, ``cv=``,
            or a run reused from an earlier round).
        """
        import keras

        scan = self._finished()
        models = []
        for run_id in self._ranked().head(num_models)["run_id"]:
            path = Path(scan.round_path) / "models" / f"{run_id}.keras"
            if not path.is_file():
                raise ScanArgumentError(
                    rule_message(
                        "get_best_models",
                        "needs each best run's model saved by this round "
                        f"({path} is missing: save_models was off, cv was used, or the run was "
                        "reused from an earlier round)",
                        run_id,
                        "rebuild it with tuner.hypermodel.build(tuner.get_best_hyperparameters()[0]) "
                        "and fit it, or search again with overwrite=True",
                    )
                )
            models.append(keras.models.load_model(path, safe_mode=True))
        return models

    def results_summary(self, num_trials: int = 10) -> None:
        """Print the best runs as KerasTuner does: the objective, then each run's values and
        score.

        Parameters
        ----------
        num_trials : int
        """
        ranked = self._ranked().head(num_trials)
        print("Results summary")
        print(f"Results in {self._finished().round_path}")
        print(f"Showing {len(ranked)} best trials")
        print(f'Objective(name="{self.objective.name}", direction="{self.objective.direction}")')
        for _, row in ranked.iterrows():
            print(f"\nTrial {row['run_id']} summary\nHyperparameters:")
            for name, value in self._hyperparameters(row).values.items():
                print(f"{name}: {value}")
            print(f"Score: {row[self._metric_column()]}")

    # ---- internals -----------------------------------------------------------------------

    def _finished(self) -> Any:
        if self.scan is None:
            raise ScanArgumentError(
                rule_message(
                    "tuner", "has no results before search()", None, "call tuner.search(x, y)"
                )
            )
        return self.scan

    def _metric_column(self) -> str:
        from scanlab._metric_names import resolve_metric

        data = self._finished().data
        return resolve_metric(self._finished().tracked_metric or self.objective.name, data.columns)

    def _ranked(self) -> pd.DataFrame:
        data = self._finished().data
        ok = data[data["status"] == "ok"]
        if "rung" in ok:
            ok = ok.sort_values("rung").drop_duplicates("run_id", keep="last")
        if ok.empty:
            raise ScanArgumentError(
                rule_message(
                    "tuner", "has no successful trial", 0, "look at tuner.results['error']"
                )
            )
        metric = self._metric_column()
        return ok.sort_values(metric, ascending=self.objective.direction == "min", kind="stable")

    def _hyperparameters(self, row: pd.Series) -> HyperParameters:
        values = self.conditions.active_values({name: _plain(row[name]) for name in self.params})
        hp = HyperParameters._assigning(values, float_points=self.float_points)
        hp._specs = dict(self.conditions.specs)
        hp._values = values
        return hp


def _plain(value: Any) -> Any:
    """A NumPy scalar read from a DataFrame as the Python value the grid holds."""
    return value.item() if hasattr(value, "item") else value


class RandomSearch(Tuner):
    """KerasTuner's ``RandomSearch``: ``max_trials`` permutations drawn uniformly.

    Parameters
    ----------
    hypermodel : callable or HyperModel
        ``build(hp) -> compiled keras.Model``, or an object with ``.build(hp)``.
    objective : str or Objective, optional
        Default ``'val_loss'`` (minimized).
    max_trials : int
        Runs trained. Only with a ``seed``: without one (Scan draws it when the round
        starts) ``max_trials`` permutations are drawn and those in which an inactive
        parameter is off its default are skipped, so fewer runs train when ``build``
        has conditional parameters. Pass a seed to get ``max_trials`` runs.
    seed : int, optional
        The sample's and split's seed.
    directory, project_name : optional
        Results go to ``directory/project_name`` (default ``results/untitled_project``).
    overwrite : bool
        True starts a new round (Scan's ``resume=False``); nothing on disk is deleted.
    max_consecutive_failed_trials : int
        Scan's ``max_consecutive_failures``.
    float_points : int
        Points of a Float range without step (keyword only).
    **scan_kwargs
        Passed to :class:`scanlab.Scan` (``workers``, ``scoring``, ``cv``, ``preprocess``,
        ``boolean_limit``, ...).
    """

    random_method = "uniform"


class GridSearch(Tuner):
    """KerasTuner's ``GridSearch``: the permutations in order (``max_trials=None``: all);
    arguments as :class:`RandomSearch`."""

    random_method = "grid"

    def __init__(
        self, hypermodel: Any, objective: Any = None, max_trials: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(hypermodel, objective, max_trials, **kwargs)


class Hyperband(Tuner):
    """KerasTuner's ``Hyperband`` as ``Scan(search=scanlab.Hyperband(max_epochs, factor,
    iterations=hyperband_iterations))``; runs continue from their checkpoints between rungs.

    The schedule is :class:`scanlab.Hyperband`'s, which is not KerasTuner's to the model:
    when ``max_epochs`` is a power of ``factor`` the brackets and their first rungs agree,
    but KerasTuner promotes ``ceil`` of each rung's share where scanlab keeps ``floor``
    (``max_epochs=9``: scanlab trains 69 epochs in all, KerasTuner 75), and for other ``max_epochs`` it also
    rounds epochs and models up (``max_epochs=100``: its largest bracket starts 98 models
    at 2 epochs, scanlab's 81 at 1). Print ``tuner.budget.plan(tuner.params)`` to see it.

    Parameters
    ----------
    hypermodel, objective, seed, directory, project_name, overwrite : optional
        As :class:`RandomSearch`.
    max_epochs : int
        Epochs of the longest runs.
    factor : int
        Reduction factor between rungs.
    hyperband_iterations : int
        Times the whole set of brackets is run.
    **kwargs
        As :class:`RandomSearch`.
    """

    def __init__(
        self,
        hypermodel: Any,
        objective: Any = None,
        max_epochs: int = 100,
        factor: int = 3,
        hyperband_iterations: int = 1,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        from scanlab.budget import Hyperband as HyperbandSearch

        if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
            raise ScanArgumentError(
                rule_message("max_epochs", "must be an int >= 1", max_epochs, "pass e.g. 27")
            )
        self.budget = HyperbandSearch(max_epochs, factor, iterations=hyperband_iterations)
        kwargs.setdefault("max_trials", None)
        super().__init__(hypermodel, objective, seed=seed, **kwargs)

    def _search_argument(self) -> Any:
        return self.budget
