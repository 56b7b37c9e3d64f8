"""Talos's example params dicts (``talos.templates.params``), with Keras 3 objects.

Each function returns the same dict as Talos 2.0.10's function of the same name: the same
keys in the same order, the same lists and ``(start, stop, steps)`` ranges, and the
optimizers and activations as Keras 3's classes and functions (``keras.optimizers.Adam``,
``keras.activations.relu``). They pair with the model functions of the same name in
:mod:`scanlab.talos.templates.models`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["breast_cancer", "cervical_cancer", "iris", "titanic"]


def titanic(debug: bool = False) -> dict[str, Any]:
    """The params of Talos's titanic example (a binary task).

    Parameters
    ----------
    debug : bool, default False
        Return Talos's small debug grid (two values for most parameters) instead.

    Returns
    -------
    dict
        Parameter name to a list of choices or a ``(start, stop, steps)`` range.

    Examples
    --------
    >>> p = titanic()
    >>> p['lr'], p['shapes'], [o.__name__ for o in p['optimizer']]
    ((0.5, 5, 10), ['brick', 'triangle', 0.2], ['Adam', 'Adagrad'])
    >>> titanic(debug=True)['hidden_layers']
    [0, 1]
    """
    import keras

    optimizers = [keras.optimizers.Adam, keras.optimizers.Adagrad]
    if debug:
        return {
            "lr": [0.1, 0.2],
            "first_neuron": [4, 8],
            "batch_size": [20, 30],
            "dropout": [0.2, 0.3],
            "optimizer": optimizers,
            "epochs": [50, 100],
            "losses": ["LogCosh", "binary_crossentropy"],
            "shapes": ["brick", "triangle", 0.2],
            "hidden_layers": [0, 1],
            "activation": ["relu", "elu"],
            "last_activation": ["sigmoid"],
        }
    return {
        "lr": (0.5, 5, 10),
        "first_neuron": [4, 8, 16],
        "batch_size": [20, 30, 40],
        "dropout": (0, 0.5, 5),
        "optimizer": optimizers,
        "epochs": [50, 100, 150],
        "losses": ["LogCosh", "binary_crossentropy"],
        "shapes": ["brick", "triangle", 0.2],
        "hidden_layers": [0, 1, 2, 3, 4],
        "activation": ["relu", "elu"],
        "last_activation": ["sigmoid"],
    }


def iris() -> dict[str, Any]:
    """The params of Talos's iris example (three classes, one-hot labels).

    Returns
    -------
    dict
        Parameter name to a list of choices or a ``(start, stop, steps)`` range; the
        activations are Keras functions (``relu``, ``elu``, ``softmax``).

    Examples
    --------
    >>> p = iris()
    >>> p['batch_size'], [f.__name__ for f in p['activation']], p['weight_regulizer']
    ((2, 30, 10), ['relu', 'elu'], [None])
    """
    import keras

    activations = keras.activations
    return {
        "lr": (0.5, 5, 10),
        "first_neuron": [4, 8, 16, 32, 64],
        "hidden_layers": [0, 1, 2, 3, 4],
        "batch_size": (2, 30, 10),
        "epochs": [50, 100, 150],
        "dropout": (0, 0.5, 5),
        "weight_regulizer": [None],
        "emb_output_dims": [None],
        "shapes": ["brick", "triangle", 0.2],
        "optimizer": [keras.optimizers.Adam, keras.optimizers.Adagrad],
        "losses": ["LogCosh", "categorical_crossentropy"],
        "activation": [activations.relu, activations.elu],
        "last_activation": [activations.softmax],
    }


def breast_cancer() -> dict[str, Any]:
    """The params of Talos's breast-cancer example (a binary task).

    Returns
    -------
    dict
        Parameter name to a list of choices or a ``(start, stop, steps)`` range.

    Examples
    --------
    >>> p = breast_cancer()
    >>> [o.__name__ for o in p['optimizer']], p['last_activation'][0].__name__
    (['Adam', 'Adagrad', 'RMSprop'], 'sigmoid')
    """
    import keras

    activations = keras.activations
    return {
        "lr": (0.5, 5, 10),
        "first_neuron": [4, 8, 16, 32, 64],
        "hidden_layers": [0, 1, 2],
        "batch_size": (2, 30, 10),
        "epochs": [50, 100, 150],
        "dropout": (0, 0.5, 5),
        "shapes": ["brick", "triangle", "funnel"],
        "optimizer": [keras.optimizers.Adam, keras.optimizers.Adagrad, keras.optimizers.RMSprop],
        "losses": ["LogCosh", "binary_crossentropy"],
        "activation": [activations.relu, activations.elu],
        "last_activation": [activations.sigmoid],
    }


def cervical_cancer() -> dict[str, Any]:
    """The params of Talos's cervical-cancer example: the breast-cancer params, as in Talos.

    Returns
    -------
    dict
        A new dict equal to :func:`breast_cancer`'s.

    Examples
    --------
    >>> cervical_cancer() == breast_cancer()
    True
    """
    return breast_cancer()
