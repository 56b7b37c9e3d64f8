"""Talos's example model functions (``talos.templates.models``), on Keras 3.

Each follows the Talos contract ``model(x_train, y_train, x_val, y_val, params) ->
(history, model)`` and builds the same network as Talos 2.0.10's function of the same name
(the same layers, widths, activations, loss, optimizer and learning rate, the same history
keys), written for Keras 3: the input shape comes from a ``keras.Input`` rather than the
``input_dim`` argument Keras 3 deprecates. They pair with the params of the same name in
:mod:`scanlab.talos.templates.params`.

One difference on purpose: Talos's ``breast_cancer`` and ``cervical_cancer`` stop early on
``val_f1score`` with ``mode='auto'``, which Keras 3 refuses before the first epoch
("isn't able to automatically determine whether that metric should be maximized"); here
the callback watches ``val_f1score`` with ``mode='max'``, so the models train.
"""

from __future__ import annotations

from typing import Any

__all__ = ["breast_cancer", "cervical_cancer", "iris", "titanic"]


def _compiled_optimizer(params: dict[str, Any]) -> Any:
    """``params['optimizer']`` (a class) built with the normalized ``params['lr']``."""
    from scanlab.talos.utils import lr_normalizer

    optimizer = params["optimizer"]
    return optimizer(learning_rate=lr_normalizer(params["lr"], optimizer))


def _dense_start(x_train: Any, params: dict[str, Any]) -> Any:
    """Sequential model: input, ``Dense(first_neuron, relu)``, ``Dropout(dropout)``."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dropout(params["dropout"]),
        ]
    )


def breast_cancer(
    x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: dict[str, Any]
) -> tuple[Any, Any]:
    """Talos's breast-cancer model: a dense binary classifier with F1, recall, precision, MCC.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array-like
        2-D features and 0/1 labels.
    params : dict
        One run's params (see :func:`scanlab.talos.templates.params.breast_cancer`): uses
        ``first_neuron``, ``dropout``, ``hidden_layers``, ``shapes``, ``activation``,
        ``last_activation``, ``optimizer``, ``lr``, ``losses``, ``batch_size``, ``epochs``.

    Returns
    -------
    history : keras.callbacks.History
        Keys ``acc``, ``f1score``, ``recall``, ``precision``, ``matthews``, ``loss`` and their
        ``val_`` twins.
    model : keras.Sequential
        The trained model; training stops early when ``val_f1score`` has not improved for
        ``int(epochs / 10)`` epochs (Talos's ``'moderate'`` preset).
    """
    import keras

    from scanlab.talos.utils import hidden_layers, metrics
    from scanlab.talos.utils._early_stopping import early_stopping_settings

    model = _dense_start(x_train, params)
    hidden_layers(model, params, 1)
    model.add(keras.layers.Dense(1, activation=params["last_activation"]))
    model.compile(
        optimizer=_compiled_optimizer(params),
        loss=params["losses"],
        metrics=["acc", metrics.f1score, metrics.recall, metrics.precision, metrics.matthews],
    )
    min_delta, patience = early_stopping_settings(params["epochs"], "moderate", None, None)
    stop = keras.callbacks.EarlyStopping(
        monitor="val_f1score", min_delta=min_delta, patience=patience, verbose=0, mode="max"
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=params["batch_size"],
        epochs=params["epochs"],
        verbose=0,
        validation_data=(x_val, y_val),
        callbacks=[stop],
    )
    return history, model


def cervical_cancer(
    x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: dict[str, Any]
) -> tuple[Any, Any]:
    """Talos's cervical-cancer model: the same network as :func:`breast_cancer`.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array-like
        2-D features and 0/1 labels.
    params : dict
        One run's params, as for :func:`breast_cancer`.

    Returns
    -------
    history, model
        As :func:`breast_cancer` returns them.
    """
    return breast_cancer(x_train, y_train, x_val, y_val, params)


def titanic(
    x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: dict[str, Any]
) -> tuple[Any, Any]:
    """Talos's titanic model: one dense layer and a one-unit output, data cast to float32.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array-like
        2-D features and 0/1 labels (NumPy arrays: they are cast with ``astype``).
    params : dict
        One run's params (see :func:`scanlab.talos.templates.params.titanic`): uses
        ``first_neuron``, ``dropout``, ``last_activation``, ``optimizer`` (a class, built
        with the normalized ``lr``, or an optimizer object used as it is), ``losses``,
        ``batch_size``, ``epochs``.

    Returns
    -------
    history : keras.callbacks.History
        Keys ``acc``, ``loss``, ``val_acc``, ``val_loss``.
    model : keras.Sequential
    """
    import keras

    model = _dense_start(x_train, params)
    model.add(keras.layers.Dense(1, activation=params["last_activation"]))
    optimizer = params["optimizer"]
    if isinstance(optimizer, type):
        optimizer = _compiled_optimizer(params)
    model.compile(optimizer=optimizer, loss=params["losses"], metrics=["acc"])
    history = model.fit(
        x=x_train.astype("float32"),
        y=y_train.astype("float32"),
        batch_size=params["batch_size"],
        epochs=params["epochs"],
        verbose=0,
        validation_data=(x_val.astype("float32"), y_val.astype("float32")),
    )
    return history, model


def iris(
    x_train: Any, y_train: Any, x_val: Any, y_val: Any, params: dict[str, Any]
) -> tuple[Any, Any]:
    """Talos's iris model: dense layers narrowing toward the feature count, softmax output.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array-like
        2-D features and one-hot labels (the output has ``y_train.shape[1]`` units).
    params : dict
        One run's params (see :func:`scanlab.talos.templates.params.iris`): uses
        ``first_neuron``, ``dropout``, ``hidden_layers``, ``shapes``, ``activation``,
        ``last_activation``, ``optimizer``, ``lr``, ``losses``, ``batch_size``, ``epochs``.

    Returns
    -------
    history : keras.callbacks.History
        Keys ``acc``, ``loss``, ``val_acc``, ``val_loss``.
    model : keras.Sequential
        The trained model; as in Talos, training stops once ``val_loss`` has not improved
        by at least 1 for one epoch (``early_stopper(epochs, mode=[1, 1])``).
    """
    import keras

    from scanlab.talos.utils import early_stopper, hidden_layers

    model = _dense_start(x_train, params)
    hidden_layers(model, params, x_train.shape[1])
    model.add(keras.layers.Dense(y_train.shape[1], activation=params["last_activation"]))
    model.compile(optimizer=_compiled_optimizer(params), loss=params["losses"], metrics=["acc"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=params["batch_size"],
        epochs=params["epochs"],
        verbose=0,
        validation_data=(x_val, y_val),
        callbacks=[early_stopper(params["epochs"], mode=[1, 1])],
    )
    return history, model
