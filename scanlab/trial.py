"""One run: call the user's model function on one permutation and read what it returned.

Two contracts (:func:`scanlab._builder.model_contract` tells them apart by signature):

- Talos's: ``model(x_train, y_train, x_val, y_val, params) -> (history, model)``, where
  ``history`` is a Keras ``History`` or anything with a ``.history`` dict of per-epoch lists
  (a plain dict works too). With a budget the function gets ``params['epochs'] = budget`` and
  trains from scratch: a run promoted from 9 to 27 epochs trains 9 + 27 = 36 epochs, not 27.
- The builder: ``build(params) -> compiled keras.Model``; scanlab calls ``fit``
  (:func:`scanlab._builder.fit_builder`), so it can continue a run from the saved state of
  its previous rung and inject early stopping.

Nothing here imports a deep-learning framework.
"""

from __future__ import annotations

import math
import signal
import threading
import time
import traceback as tb
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from typing import Any, NamedTuple

from scanlab._builder import BUILDER, fit_builder, model_contract, save_checkpoint
from scanlab._history_contract import checked_history, read_history
from scanlab.errors import FailedRunError, FatalScanError, ScanArgumentError
from scanlab.scoring import score_model

__all__ = ["Task", "TrialData", "TrialResult", "read_history", "run_trial"]


class Task(NamedTuple):
    """One permutation to run: its grid index, run id, values and labels; for budgeted
    search also its rung, its budget (epochs to reach) and the epochs already trained.

    Parameters
    ----------
    index : int
        The permutation's grid index.
    run_id : str
        Its run id.
    params, labels : dict
        Its values and their labels.
    rung : int, optional
        Budgeted search: the rung (0 = first) this task trains.
    budget : int, optional
        Budgeted search: the epochs the run has trained at the end of this task.
    initial_epoch : int
        Budgeted search: the epochs trained before this task (continuation starts there).
    fold : int, optional
        Cross-validation (``Scan(cv=...)``): the fold this task trains; None: the whole run.
    """

    index: int  # type: ignore[assignment]  # the field shadows tuple.index on purpose
    run_id: str
    params: dict[str, Any]
    labels: dict[str, str]
    rung: int | None = None
    budget: int | None = None
    initial_epoch: int = 0
    fold: int | None = None


class TrialData(NamedTuple):
    """The arrays handed to every run.

    Parameters
    ----------
    x_train, y_train : array-like
        Training data.
    x_val, y_val : array-like
        Validation data.
    """

    x_train: Any
    y_train: Any
    x_val: Any
    y_val: Any


@dataclass
class TrialResult:
    """What one run produced, ready to be logged by the driver.

    ``raised`` tells an exception (which counts toward the consecutive-failure stop) from a
    run that finished with a non-finite loss or raised :class:`~scanlab.errors.FailedRunError`
    (recorded as failed, but not a sign that every run will fail). ``fatal`` is set when the
    model function raised :class:`~scanlab.errors.FatalScanError`: the scan stops after
    recording the run.

    Parameters
    ----------
    status : str
        ``'ok'`` or ``'failed'``.
    start, end : str
        UTC start and end times, ISO 8601 with milliseconds.
    duration_s : float
        Seconds the run took.
    history : dict, optional
        Per-epoch values by history key (empty when the run failed before returning).
    error : str, optional
        ``'ExceptionType: message'`` of a failed run.
    traceback : str, optional
        The traceback of an exception.
    raised : bool, default False
        Whether the model function raised (other than ``FailedRunError``).
    fatal : bool, default False
        Whether it raised ``FatalScanError``.
    stopped_epoch : int, optional
        The epoch (1-based, from the run's start) after which early stopping stopped it.
    metrics_epoch : int, optional
        1-based position in ``history`` of the epoch whose values :attr:`metrics` holds
        (early stopping restored that epoch's weights); None: the last epoch.
    scores : dict
        ``Scan(scoring=...)``: ``val_<name>`` computed from the validation predictions.
    score_details : dict, optional
        Their per-class details and confusion matrix (:func:`scanlab.scoring.score_predictions`).
    folds : list of dict, optional
        Cross-validation: each fold's ``history``, ``scores`` and outcome (the sidecar keeps
        them); the result itself combines the folds (:mod:`scanlab._folded`).
    preprocess : dict, optional
        ``Scan(preprocess=...)``: ``{'cached': bool, 'seconds': float}`` of this run's data.
    """

    status: str
    start: str
    end: str
    duration_s: float
    history: dict[str, list[float]] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    raised: bool = False
    fatal: bool = False
    stopped_epoch: int | None = None
    metrics_epoch: int | None = None
    scores: dict[str, float] = field(default_factory=dict)
    score_details: dict[str, Any] | None = None
    folds: list[dict[str, Any]] | None = None
    preprocess: dict[str, Any] | None = None

    @property
    def metrics(self) -> dict[str, float]:
        """Value of every history key at the last epoch, or at :attr:`metrics_epoch`; then
        the :attr:`scores` (computed from predictions, they win over a same-named key)."""
        if self.metrics_epoch is None:
            values = {key: v[-1] for key, v in self.history.items() if v}
        else:
            at = self.metrics_epoch - 1
            values = {key: v[at] for key, v in self.history.items() if len(v) > at}
        return {**values, **self.scores}

    @property
    def metrics_from(self) -> str | None:
        """``'best_epoch'`` when :attr:`metrics` are a restored epoch's, ``'last_epoch'``
        otherwise; None without history."""
        if not any(self.history.values()):
            return None
        return "last_epoch" if self.metrics_epoch is None else "best_epoch"

    @property
    def epochs_run(self) -> int | None:
        """Number of epochs in the history (None when the run failed before returning)."""
        lengths = [len(v) for v in self.history.values()]
        return max(lengths) if lengths else None


def run_trial(
    model_fn: Callable,
    data: TrialData,
    params: dict[str, Any],
    save_model: Callable[[Any], None] | None = None,
    *,
    early_stopping: dict[str, Any] | None = None,
    budget: int | None = None,
    initial_epoch: int = 0,
    resume_from: str | PathLike | None = None,
    checkpoint_to: str | PathLike | None = None,
    scoring: tuple[str, ...] = (),
    fold: int | None = None,
) -> TrialResult:
    """Train one permutation and return its result; never raises for a failed run.

    Parameters
    ----------
    model_fn : callable
        The user's model function (Talos contract) or builder (builder contract).
    data : TrialData
        Training and validation arrays.
    params : dict
        The permutation (a fresh copy is passed, so the model function may modify it).
    save_model : callable, optional
        Called with the trained model (e.g. to write a ``.keras`` file).
    early_stopping : dict, optional
        Builder only: keyword arguments of :func:`scanlab.callbacks.early_stopper` except
        ``epochs``; its patience is a share of the epochs the run reaches.
    budget : int, optional
        Budgeted search: the epochs the run has trained at the end of this task. A builder's
        model is fitted with ``epochs=budget, initial_epoch=initial_epoch``; a Talos model
        function gets ``params['epochs'] = budget`` and trains from scratch.
    initial_epoch : int
        Builder: epochs already trained (the state in ``resume_from``).
    resume_from : path-like, optional
        Builder: the full saved state (``.keras`` with the optimizer) to continue from
        instead of building the model. A Talos model function cannot continue: unused.
    checkpoint_to : path-like, optional
        Builder: save the full state there after this task (temporary file, then rename).
        Unused for a Talos model function.
    scoring : tuple of str
        scikit-learn scorer names: the trained model predicts the validation data once and
        :func:`scanlab.scoring.score_model` scores it (``val_<name>``).
    fold : int, optional
        Cross-validation: the fold to train. ``data`` may be a
        :class:`scanlab._fold_data.ScanData` (folds, preprocessing): its ``for_run(fold,
        params)`` gives the arrays; a preprocessing that raises fails the run.

    Returns
    -------
    TrialResult
        ``'ok'``, or ``'failed'`` when the model function raised, broke the contract or
        ended with a non-finite loss (``NonFiniteLoss`` error). Its history holds this
        task's epochs only.

    Raises
    ------
    ScanArgumentError
        When ``early_stopping`` is given with a Talos model function (Scan refuses it first).
    """
    builder = model_contract(model_fn) == BUILDER
    if early_stopping is not None and not builder:
        raise ScanArgumentError(
            "early_stopping needs the builder contract build(params) -> compiled model; a "
            "Talos model function calls fit itself: add callbacks=[scanlab.callbacks."
            "early_stopper(params['epochs'])] to its fit."
        )
    if budget is not None and not builder:
        params = {**params, "epochs": budget}
    start_wall = datetime.now(UTC)
    start = time.perf_counter()
    history: dict[str, list[float]] = {}
    stopped = restored = None
    scores: tuple[dict[str, float], dict[str, Any] | None] = ({}, None)
    ctrl_c = _WatchCtrlC()
    prepared: dict[str, Any] | None = None
    with ctrl_c:
        try:
            source: Any = data
            if hasattr(source, "for_run"):  # folds, preprocessing (scanlab._fold_data.ScanData)
                data = source.for_run(fold, params)
                prepared = source.last
            if builder:
                fitted = fit_builder(
                    model_fn,
                    data,
                    dict(params),
                    early_stopping=early_stopping,
                    budget=budget,
                    initial_epoch=initial_epoch,
                    resume_from=resume_from,
                )
                returned: Any = (fitted.history, fitted.model)
                stopped, restored = fitted.stopped_epoch, fitted.restored_epoch
                del fitted
            else:
                returned = model_fn(
                    data.x_train, data.y_train, data.x_val, data.y_val, dict(params)
                )
            history = checked_history(returned)
            scores = score_model(returned[1], data, scoring) if scoring else ({}, None)
            if builder and checkpoint_to is not None:
                save_checkpoint(returned[1], checkpoint_to)
            if save_model is not None:
                save_model(returned[1])
            del returned
        except KeyboardInterrupt as exc:
            if ctrl_c.pressed or not ctrl_c.active:  # the user's Ctrl-C (or can't tell): stop
                raise
            return _failed(start_wall, start, history, exc, "the model function raised it itself")
        except SystemExit as exc:
            return _failed(
                start_wall, start, history, exc, f"the model function called sys.exit({exc.code!r})"
            )
        except Exception as exc:
            result = _failed(start_wall, start, history, exc)
            result.raised = not isinstance(exc, FailedRunError)
            result.fatal = isinstance(exc, FatalScanError)
            return result
        except BaseException as exc:  # GeneratorExit, a custom BaseException: one failed run
            return _failed(start_wall, start, history, exc, "a BaseException, not an Exception")
    non_finite = [k for k, v in history.items() if "loss" in k and v and not math.isfinite(v[-1])]
    if non_finite:
        key = non_finite[0]
        epoch = next(i for i, v in enumerate(history[key], 1) if not math.isfinite(v))
        return _finish(
            start_wall,
            start,
            history,
            "failed",
            f"NonFiniteLoss: {key} became {history[key][epoch - 1]} at epoch {epoch}",
            None,
            raised=False,
        )
    result = _finish(start_wall, start, history, "ok", None, None, raised=False)
    result.stopped_epoch, result.metrics_epoch = stopped, restored
    result.scores, result.score_details = scores
    result.preprocess = prepared
    return result


class _WatchCtrlC:
    """Tells a Ctrl-C the user pressed (SIGINT) from a KeyboardInterrupt the model function
    raised itself. Active only in the main thread with Python's default SIGINT handler."""

    def __init__(self) -> None:
        self.pressed = False
        self.active = False  # True when a Ctrl-C can be told from a model's own interrupt
        self._previous: Any = None

    def __enter__(self) -> _WatchCtrlC:
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._pressed)
            self.active = True
        return self

    def _pressed(self, signum: int, frame: Any) -> None:
        self.pressed = True
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _failed(
    start_wall: datetime, start: float, history: dict, exc: BaseException, what: str = ""
) -> TrialResult:
    """A failed result for ``exc``: its type and message (even if ``str(exc)`` raises)."""
    try:
        message = str(exc)
    except Exception as str_error:
        message = f"<str() of the exception raised {type(str_error).__name__}>"
    if what:
        message = f"{message} ({what})" if message else f"({what})"
    try:
        trace = tb.format_exc()
    except Exception:
        trace = f"{type(exc).__name__}: {message}"
    return _finish(
        start_wall, start, history, "failed", f"{type(exc).__name__}: {message}", trace, True
    )


def _finish(
    start_wall: datetime,
    start: float,
    history: dict,
    status: str,
    error: str | None,
    traceback: str | None,
    raised: bool,
) -> TrialResult:
    return TrialResult(
        status=status,
        start=start_wall.isoformat(timespec="milliseconds"),
        end=datetime.now(UTC).isoformat(timespec="milliseconds"),
        duration_s=round(time.perf_counter() - start, 4),
        history=history,
        error=error,
        traceback=traceback,
        raised=raised,
    )
