"""``AutoModel``: Talos's generated model function for :class:`AutoParams`'s space.

``AutoModel(task, experiment_name).model`` is a Talos model function
``(x_train, y_train, x_val, y_val, params) -> (history, model)`` that builds the network
Talos 2.0.10's ``AutoModel`` builds from one permutation (``network``, ``first_neuron``,
``dropout``, ``hidden_layers``, ``shapes``, ``activation``, ``kernel_initializer``,
``last_activation``, ``optimizer``, ``lr``, ``losses``, ``batch_size``, ``epochs``), on
Keras 3.

Talos also attaches an ``ExperimentLog`` callback that writes each epoch to a CSV in the
experiment folder; scanlab already writes every run's per-epoch history to the round's
``history.jsonl`` (read it with ``scanlab.read_histories``), so no second log is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from scanlab.errors import ParamsError, ScanArgumentTypeError, rule_message
from scanlab.talos.autom8.autoparams import check_backend, normalize_task

__all__ = ["AutoModel", "NETWORKS", "output_layer"]

NETWORKS = ("dense", "simplernn", "lstm", "bidirectional_lstm", "conv1d")


def output_layer(task: str, last_activation: Any, y_train: Any, y_val: Any) -> tuple[Any, int]:
    """The output layer's activation and width for a task, as Talos picks them.

    Parameters
    ----------
    task : str
        ``'binary'`` (1 unit), ``'multi_class'`` (one unit per distinct label in
        ``y_train`` and ``y_val``), ``'multi_label'`` (``y_train.shape[1]`` units) or
        ``'continuous'`` (1 unit, no activation).
    last_activation : str or callable
        The activation for the classification tasks.
    y_train, y_val : array-like
        The labels.

    Returns
    -------
    activation, units

    Examples
    --------
    >>> output_layer('multi_class', 'softmax', [0, 1, 2, 1], [2, 0])
    ('softmax', 3)
    >>> output_layer('continuous', 'sigmoid', [0.5], [1.5])
    (None, 1)
    """
    task = normalize_task(task)
    if task == "binary":
        return last_activation, 1
    if task == "multi_class":
        labels = np.hstack((np.asarray(y_train).ravel(), np.asarray(y_val).ravel()))
        return last_activation, len(np.unique(labels))
    if task == "multi_label":
        return last_activation, int(np.asarray(y_train).shape[1])
    return None, 1


class AutoModel:
    """Talos's automatic model function for a task.

    Parameters
    ----------
    task : str
        ``'binary'``, ``'multi_class'``, ``'multi_label'`` or ``'continuous'`` (aliases
        ``'multiclass'``, ``'multilabel'``, ``'regression'``). The classification tasks log
        ``f1score`` and ``acc``, ``'continuous'`` logs ``mae`` and ``acc``. Talos also takes
        ``task=None`` with a ``metric`` list, and then fails in every run, since the output
        layer depends on the task; here ``None`` is refused at once.
    experiment_name : str
        The experiment, as given to ``Scan``.
    metric : list, optional
        More metrics to log, after the task's own (Talos ignores them when a task is given).
    backend : str, default 'tensorflow'
        Talos's backend switch; only the Keras names are accepted (scanlab scans Keras 3
        models).

    Attributes
    ----------
    model : callable
        The model function to pass to ``Scan``.
    task, experiment_name, metric, backend

    Examples
    --------
    >>> auto = AutoModel('multiclass', 'iris')
    >>> auto.task, callable(auto.model)
    ('multi_class', True)
    """

    def __init__(
        self,
        task: str | None,
        experiment_name: str,
        metric: list[Any] | None = None,
        backend: str = "tensorflow",
    ) -> None:
        check_backend(backend)
        self.backend = backend
        self.task = normalize_task(task)
        self.experiment_name = experiment_name
        if metric is not None and not isinstance(metric, list):
            raise ScanArgumentTypeError(
                rule_message(
                    "metric",
                    "must be a list of metrics or None",
                    metric,
                    "pass e.g. metric=['mse'], or leave it None for the task's metrics",
                )
            )
        self.metric = metric
        self.model: Callable[..., tuple[Any, Any]] = self._create_input_model

    def _metrics(self) -> list[Any]:
        """Fresh metric objects for one model (a stateful metric is never shared)."""
        from scanlab.talos.utils import metrics

        first = metrics.mae if self.task == "continuous" else metrics.f1score
        return [first, "acc", *(self.metric or [])]

    def _create_input_model(
        self, x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: dict[str, Any]
    ) -> tuple[Any, Any]:
        import keras

        from scanlab.talos.utils import hidden_layers, lr_normalizer

        network = params["network"]
        if network not in NETWORKS:
            raise ParamsError(
                rule_message(
                    "params['network']",
                    f"must be one of {list(NETWORKS)}",
                    network,
                    "use AutoParams().networks() or one of those names",
                )
            )
        x_train, x_val = np.asarray(x_train), np.asarray(x_val)
        features = x_train.shape[1]
        if network != "dense":  # the recurrent and convolutional layers read a sequence
            x_train = x_train.reshape(len(x_train), features, 1)
            x_val = x_val.reshape(len(x_val), features, 1)
        initializer = params["kernel_initializer"]
        units = params["first_neuron"]
        layers = keras.layers
        first: list[Any] = {
            "dense": lambda: [
                layers.Dense(units, activation="relu", kernel_initializer=initializer)
            ],
            "simplernn": lambda: [layers.SimpleRNN(units)],
            "lstm": lambda: [layers.LSTM(units)],
            "bidirectional_lstm": lambda: [layers.Bidirectional(layers.LSTM(units))],
            "conv1d": lambda: [layers.Conv1D(units, features), layers.Flatten()],
        }[network]()
        model = keras.Sequential([keras.Input(shape=x_train.shape[1:]), *first])
        model.add(layers.Dropout(params["dropout"]))
        hidden_layers(model, params, 1)
        activation, last_neuron = output_layer(self.task, params["last_activation"], y_train, y_val)
        model.add(layers.Dense(last_neuron, activation=activation, kernel_initializer=initializer))
        optimizer = params["optimizer"]
        model.compile(
            optimizer=optimizer(learning_rate=lr_normalizer(params["lr"], optimizer)),
            loss=params["losses"],
            metrics=self._metrics(),
        )
        history = model.fit(
            x_train,
            y_train,
            batch_size=params["batch_size"],
            epochs=params["epochs"],
            verbose=0,
            validation_data=(x_val, y_val),
        )
        return history, model
