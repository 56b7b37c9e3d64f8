"""The builder contract: ``build(params) -> compiled keras.Model``, and scanlab calls ``fit``.

Which contract a function follows is read from its signature (:func:`model_contract`): one
positional parameter is a builder, five are Talos's ``model(x_train, y_train, x_val, y_val,
params) -> (history, model)``. For a builder, :func:`fit_builder` builds the model (and loads
into it the weights and optimizer state of the run's previous rung), fits it, and saves its full state when
asked (:func:`save_checkpoint`: written under a temporary name, then renamed, so a kill
mid-write never leaves a corrupt checkpoint).

Fit settings taken from params (the keys :data:`FIT_SETTINGS`): ``epochs`` (needed unless a
budget is given), ``batch_size``, ``shuffle`` and ``class_weight`` (a dict, None, or
``'balanced'``: scikit-learn's balanced weights of the run's training labels); every other key is for
``build`` only. scanlab passes ``validation_data=(x_val, y_val)`` and ``verbose=0``.
The Scan arguments that only a builder takes are checked here too, before any training
(:func:`check_builder_params`, :func:`check_early_stopping`). Keras is imported only inside
the functions that train.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from scanlab._fit_settings import FIT_SETTINGS, fit_settings, whole
from scanlab.callbacks import early_stopping_options
from scanlab.errors import (
    ContractError,
    FailedRunError,
    FatalScanError,
    ScanArgumentError,
    ScanArgumentTypeError,
    rule_message,
)

__all__ = [
    "BUILDER",
    "FIT_SETTINGS",
    "FitOutcome",
    "TALOS",
    "check_builder_params",
    "check_early_stopping",
    "checkpoint_path",
    "fit_builder",
    "model_contract",
    "save_checkpoint",
]

#: The contract names :func:`model_contract` returns.
BUILDER, TALOS = "builder", "talos"


def model_contract(model: Any) -> str:
    """Which contract ``model`` follows, from its signature.

    Parameters
    ----------
    model : callable
        The ``model`` given to Scan.

    Returns
    -------
    str
        :data:`TALOS` when it can be called with five positional arguments (as every Talos
        model function, also one taking ``*args``), :data:`BUILDER` when with one only;
        :data:`TALOS` for a callable without a signature (a builtin: the first run tells).

    Raises
    ------
    ScanArgumentTypeError
        When it is not callable, or takes neither one nor five positional arguments.

    Examples
    --------
    >>> model_contract(lambda params: None), model_contract(lambda a, b, c, d, params: None)
    ('builder', 'talos')
    """
    if not callable(model):
        raise ScanArgumentTypeError(
            f"model must be your model function model(x_train, y_train, x_val, y_val, params) "
            f"-> (history, model), or a builder build(params) -> compiled keras.Model, got "
            f"{type(model).__name__}. Fix: pass the function itself (model=my_model), not its "
            f"name or its result."
        )
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):  # builtins without a signature: the first run tells
        return TALOS
    for contract, arguments in ((TALOS, 5), (BUILDER, 1)):
        try:
            signature.bind(*[None] * arguments)
        except TypeError:
            continue
        return contract
    raise ScanArgumentTypeError(
        f"model{signature} cannot be called as model(x_train, y_train, x_val, y_val, params) "
        f"(Talos's contract: it returns (history, model)) nor as build(params) (the builder "
        f"contract: it returns a compiled keras.Model and scanlab calls fit): it must take five "
        f"positional arguments or one. Fix: define def my_model(x_train, y_train, x_val, "
        f"y_val, params) or def build(params)."
    )


def checkpoint_path(directory: str | os.PathLike, run_id: str, epochs: int) -> Path:
    """Where a run's full state after ``epochs`` epochs is saved (weights and optimizer).

    Parameters
    ----------
    directory : path-like
        The round's checkpoint folder.
    run_id : str
        The run.
    epochs : int
        Epochs the saved state has trained.

    Returns
    -------
    Path
        ``<directory>/<run_id>-e<epochs>.keras``.

    Examples
    --------
    >>> checkpoint_path('ckpt', 'a1b2', 9).as_posix()
    'ckpt/a1b2-e9.keras'
    """
    return Path(directory) / f"{run_id}-e{int(epochs)}.keras"


def save_checkpoint(model: Any, path: str | os.PathLike) -> Path:
    """Save ``model``'s full state (with its optimizer) at ``path``, crash-safely.

    It is written to a hidden temporary file in the same folder (``.<name>.<random>.tmp.keras``,
    never a checkpoint name), flushed to disk, and renamed onto ``path`` (``os.replace``, atomic):
    a kill mid-write leaves at most a temporary file, never a torn checkpoint.

    Parameters
    ----------
    model : keras.Model
        The trained model.
    path : path-like
        The checkpoint (:func:`checkpoint_path`); its folder is created.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp.keras")
    try:
        model.save(temporary)
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    with contextlib.suppress(OSError):  # the rename itself on disk (POSIX)
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


class FitOutcome(NamedTuple):
    """What :func:`fit_builder` trained.

    Parameters
    ----------
    history : History
        The return value of ``fit`` (this call's epochs only).
    model : keras.Model
        The trained model.
    stopped_epoch : int or None
        The epoch (1-based, counted from the run's start) after which early stopping stopped
        training; None when it did not stop.
    restored_epoch : int or None
        1-based position in ``history`` of the epoch whose weights early stopping restored
        (``restore_best_weights``); None when the weights are the last epoch's.
    """

    history: Any
    model: Any
    stopped_epoch: int | None
    restored_epoch: int | None


def fit_builder(
    build: Callable[[dict[str, Any]], Any],
    data: Any,
    params: dict[str, Any],
    *,
    early_stopping: dict[str, Any] | None = None,
    budget: int | None = None,
    initial_epoch: int = 0,
    resume_from: str | os.PathLike | None = None,
) -> FitOutcome:
    """Build (or load) one run's model and fit it.

    Parameters
    ----------
    build : callable
        ``build(params) -> compiled keras.Model``.
    data : TrialData
        Training and validation arrays.
    params : dict
        The permutation (a fresh copy goes to ``build``).
    early_stopping : dict, optional
        Keyword arguments of :func:`scanlab.callbacks.early_stopper` except ``epochs`` (the
        epochs this fit reaches).
    budget : int, optional
        Epochs to reach (instead of ``params['epochs']``).
    initial_epoch : int
        Epochs already trained (``fit``'s ``initial_epoch``).
    resume_from : path-like, optional
        A checkpoint of the run's previous rung (:func:`save_checkpoint`): its weights,
        optimizer state and iterations are loaded into the model ``build(params)`` makes.

    Returns
    -------
    FitOutcome
    """
    epochs = whole(budget if budget is not None else params.get("epochs"))
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ContractError(
            rule_message(
                "params['epochs']",
                "must be an int >= 1 for a builder (scanlab calls fit with it)",
                epochs,
                "add 'epochs': [20] (or the choices you want) to params",
            )
        )
    if initial_epoch and resume_from is None:
        raise ContractError(
            rule_message(
                "initial_epoch",
                "needs the checkpoint of the run's previous epochs (resume_from): a fresh "
                "model would train fewer epochs than its budget",
                initial_epoch,
                "pass resume_from=<checkpoint>, or initial_epoch=0 to train from scratch",
            )
        )
    if resume_from is not None and not os.path.isfile(resume_from):
        raise FailedRunError(
            f"the checkpoint {os.fspath(resume_from)!r} this run continues from is missing "
            f"(it holds the run's state after {initial_epoch} epochs); the run cannot "
            f"continue without training those epochs again. Fix: restore the file, or start "
            f"a new round (resume=False)."
        )
    import keras

    model = build(dict(params))
    if not isinstance(model, keras.Model) or not getattr(model, "compiled", False):
        what = (
            "an uncompiled keras.Model"
            if isinstance(model, keras.Model)
            else f"a {type(model).__name__}"
        )
        raise ContractError(
            f"the builder must return a compiled keras.Model (builder contract: "
            f"build(params) -> model; scanlab calls fit), got {what}. Fix: end it with "
            f"model.compile(optimizer=..., loss=..., metrics=[...]); return model."
        )
    if resume_from is not None:
        model = _restore_state(keras, model, resume_from)
    callbacks = []
    stopper = None
    if early_stopping is not None:
        from scanlab.callbacks import early_stopper

        stopper = early_stopper(epochs, **early_stopping)
        callbacks = [_monitor_check(keras, stopper), stopper]
    history = model.fit(
        data.x_train,
        data.y_train,
        validation_data=(data.x_val, data.y_val),
        epochs=epochs,
        initial_epoch=initial_epoch,
        verbose=0,
        callbacks=callbacks,
        **fit_settings(params, data.y_train),
    )
    stopped = restored = None
    if stopper is not None:
        stopped = stopper.stopped_epoch + 1 if stopper.stopped_epoch > 0 else None
        if stopper.restore_best_weights and stopper.best_weights is not None:
            restored = stopper.best_epoch - initial_epoch + 1
    return FitOutcome(history, model, stopped, restored)


def _restore_state(keras: Any, model: Any, checkpoint: str | os.PathLike) -> Any:
    """The built model with the checkpoint's weights and optimizer state (iterations too).

    Only arrays are read into the model ``build(params)`` made (custom layers need no
    registration, nothing from the file is deserialized as code); a model that does not know
    its input shape yet is loaded whole instead (``safe_mode=True``).
    """
    if not model.built:
        return keras.saving.load_model(checkpoint, compile=True, safe_mode=True)
    model.optimizer.build(model.trainable_variables)
    model.load_weights(checkpoint)
    return model


def _monitor_check(keras: Any, stopper: Any) -> Any:
    """A callback that stops the scan after the first epoch when the stopper's monitor is not
    logged (Keras's EarlyStopping would only warn, and never stop); Talos's names (``acc``,
    ``val_acc``) find Keras's (``accuracy``, ``val_accuracy``) as everywhere else."""
    from scanlab._metric_names import resolve_metric
    from scanlab.errors import MetricNotFoundError

    monitor = stopper.monitor

    def check(epoch: int, logs: dict | None) -> None:
        if logs is None or stopper.monitor in logs:
            return
        try:
            stopper.monitor = resolve_metric(monitor, list(logs))
        except MetricNotFoundError:
            raise FatalScanError(
                rule_message(
                    "early_stopping monitor",
                    f"must be a key the model logs ({', '.join(sorted(logs))})",
                    monitor,
                    "pass early_stopping={'monitor': <one of those keys>}, or compile the "
                    "model with the metric",
                )
            ) from None

    return keras.callbacks.LambdaCallback(on_epoch_end=check)


def check_builder_params(
    space: Any,
    contract: str,
    *,
    needs_epochs: bool = True,
    model: Any = None,
    preprocess: Any = None,
) -> None:
    """A builder's params give ``epochs`` (scanlab calls fit with it; not under a budget,
    whose rungs set the epochs), and each ``class_weight`` value is a dict, None or
    ``'balanced'``. A builder with a ``check_params(values, preprocess)`` method (such as
    :func:`scanlab.text_models.text_classifier`'s) checks every value of the grid too."""
    checker = getattr(model, "check_params", None)
    if contract == BUILDER and callable(checker):
        checker(space.values, preprocess)
    names = space.names
    if contract == BUILDER and needs_epochs and "epochs" not in names:
        raise ScanArgumentError(
            rule_message(
                "params",
                "must have an 'epochs' key with the builder contract build(params) (scanlab "
                "calls fit(epochs=params['epochs'], batch_size=params['batch_size'], ...))",
                sorted(names),
                "add e.g. 'epochs': [20] (and 'batch_size': [32]) to params",
            )
        )
    if contract == BUILDER and "class_weight" in names:
        for value in space.values["class_weight"]:
            if not (value is None or value == "balanced" or isinstance(value, dict)):
                raise ScanArgumentError(
                    rule_message(
                        "params['class_weight']",
                        "each value must be a dict {class: weight}, None or 'balanced'",
                        value,
                        "use e.g. 'class_weight': [None, 'balanced']",
                    )
                )


def check_early_stopping(early_stopping: Any, contract: str) -> dict[str, Any] | None:
    """``early_stopping`` (:func:`scanlab.callbacks.early_stopping_options`), only with a
    builder; returns the early_stopper keyword arguments (None: off)."""
    options = early_stopping_options(early_stopping)
    if options is not None and contract != BUILDER:
        raise ScanArgumentError(
            rule_message(
                "early_stopping",
                "needs the builder contract build(params) -> compiled keras.Model (scanlab "
                "calls fit and adds the callback); a Talos model function model(x_train, "
                "y_train, x_val, y_val, params) calls fit itself",
                early_stopping,
                "add callbacks=[scanlab.callbacks.early_stopper(params['epochs'])] to the fit "
                "in your model function and drop early_stopping, or switch to a builder",
            )
        )
    # as the manifest will hold it (JSON: a tuple becomes a list), so rounds compare equal
    return None if options is None else json.loads(json.dumps(options))
