"""What KerasTuner's tuner arguments mean for a Scan: the objective (:class:`Objective`),
the ``fit`` callbacks (:func:`early_stopping_from`) and ``max_trials`` counted in trained runs
(:func:`round_limit_for`)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from scanlab._metric_names import is_loss_like
from scanlab.errors import ScanArgumentError, rule_message
from scanlab.keras_tuner._discover import Conditions

__all__ = [
    "Objective",
    "as_objective",
    "check_scan_kwargs",
    "early_stopping_from",
    "round_limit_for",
]

#: Scan arguments a tuner sets from its own (KerasTuner's) arguments.
TUNER_SETS = (
    "x", "y", "params", "model", "experiment_name", "x_val", "y_val", "random_method", "seed",
    "round_limit", "metric", "minimize_loss", "results_dir", "resume", "search",
    "max_consecutive_failures", "disable_progress_bar", "val_split",
)  # fmt: skip


@dataclass(frozen=True)
class Objective:
    """The metric to optimize and its direction, as in KerasTuner.

    Parameters
    ----------
    name : str
        A metric the model logs (``'val_accuracy'``).
    direction : str
        ``'min'`` or ``'max'``.

    Examples
    --------
    >>> Objective('val_accuracy', 'max')
    Objective(name='val_accuracy', direction='max')
    """

    name: str
    direction: str

    def __post_init__(self) -> None:
        if self.direction not in ("min", "max"):
            raise ScanArgumentError(
                rule_message(
                    "Objective direction", "must be 'min' or 'max'", self.direction, "pass one"
                )
            )


def as_objective(objective: Any) -> Objective:
    """KerasTuner's ``objective`` argument as an :class:`Objective`.

    Parameters
    ----------
    objective : str, Objective or None
        None means ``'val_loss'``; a loss-like name is minimized (``loss``, ``error``,
        ``mae``, ``mse``, ``hinge``, ...: :func:`scanlab._metric_names.is_loss_like`, as
        KerasTuner infers them from Keras's metrics), any other maximized.

    Returns
    -------
    Objective

    Examples
    --------
    >>> as_objective('val_mae').direction, as_objective('val_auc').direction
    ('min', 'max')
    """
    if objective is None:
        return Objective("val_loss", "min")
    if isinstance(objective, Objective):
        return objective
    if isinstance(objective, str) and objective:
        return Objective(objective, "min" if is_loss_like(objective) else "max")
    raise ScanArgumentError(
        rule_message(
            "objective",
            "must be a metric name or a scanlab.keras_tuner.Objective (one objective: several "
            "are not supported)",
            objective,
            "pass e.g. objective='val_accuracy' or Objective('val_auc', 'max')",
        )
    )


def early_stopping_from(callbacks: list, budgeted: bool) -> dict[str, Any] | None:
    """Scan's ``early_stopping`` from ``fit`` callbacks; warnings for what is not used.

    Parameters
    ----------
    callbacks : list
        ``search``'s callbacks.
    budgeted : bool
        Under Hyperband (which refuses early stopping).

    Returns
    -------
    dict or None
        ``{'monitor', 'mode': [min_delta, patience], 'restore_best_weights'}`` from a
        ``keras.callbacks.EarlyStopping``; None without one (or under Hyperband).
    """
    import keras

    found = None
    for callback in callbacks:
        if isinstance(callback, keras.callbacks.EarlyStopping):
            if budgeted:
                warnings.warn(
                    "EarlyStopping is not used under Hyperband: its rungs compare runs at "
                    "the same epochs and it already stops the hopeless runs early.",
                    UserWarning,
                    stacklevel=4,
                )
                continue
            found = {
                "monitor": callback.monitor,
                "mode": [abs(callback.min_delta), max(1, int(callback.patience))],
                "restore_best_weights": bool(callback.restore_best_weights),
            }
        else:
            warnings.warn(
                f"callback {type(callback).__name__} is not used: scanlab calls fit itself "
                "(EarlyStopping is mapped to Scan's early_stopping; use Scan's own "
                "arguments for checkpoints and logs).",
                UserWarning,
                stacklevel=4,
            )
    return found


def round_limit_for(
    params: dict[str, list], limit: Conditions, method: str, seed: int | None, trials: int | None
) -> int | None:
    """Scan's ``round_limit`` (permutations drawn) that trains ``trials`` runs although the
    conditions skip some draws: the sampler's sequence is replayed (uniform and grid are
    prefix-stable). Without a seed (Scan draws it) the draws are ``trials``.

    Parameters
    ----------
    params : dict
        The Scan's params dict.
    limit : Conditions
        Its ``boolean_limit``.
    method : str
        ``'uniform'`` or ``'grid'``.
    seed : int or None
        The Scan's seed.
    trials : int or None
        KerasTuner's ``max_trials`` (None: all).

    Returns
    -------
    int or None
    """
    if trials is None or (seed is None and method != "grid"):
        return trials
    from scanlab.sampling import sample_indices
    from scanlab.space import ParamSpace

    space = ParamSpace(params)
    kept = drawn = 0
    for index in sample_indices(space.shape, method, seed or 0):
        drawn += 1
        kept += bool(limit(space.decode(index)[0]))
        if kept >= trials:
            break
    return drawn


def check_scan_kwargs(scan_kwargs: dict[str, Any]) -> None:
    """The extra keyword arguments of a tuner are Scan arguments it does not set itself.

    Parameters
    ----------
    scan_kwargs : dict

    Raises
    ------
    ScanArgumentError
        For a name Scan does not take (KerasTuner's ``executions_per_trial``,
        ``hyperparameters``, ...) or one the tuner sets.

    Examples
    --------
    >>> check_scan_kwargs({'workers': 2, 'scoring': 'f1_macro'})
    """
    import inspect

    from scanlab.scan import Scan

    allowed = set(inspect.signature(Scan).parameters) - set(TUNER_SETS)
    for name in scan_kwargs:
        if name not in allowed:
            raise ScanArgumentError(
                rule_message(
                    "tuner argument",
                    "must be a KerasTuner argument scanlab supports or a scanlab.Scan "
                    "argument the tuner does not set itself (one of "
                    f"{', '.join(sorted(allowed))})",
                    name,
                    "drop it; the tuner's own arguments (objective, max_trials, seed, "
                    "directory, project_name, overwrite) and search()'s set the rest",
                )
            )
