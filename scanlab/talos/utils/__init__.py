"""``talos.utils`` on scanlab: the helpers a Talos model function calls.

==========================  ==============================================================
``lr_normalizer``           Talos's learning-rate scale, for every Keras 3 optimizer
``hidden_layers``           Dense + Dropout layers from params (Sequential or functional)
``early_stopper``           ``keras.callbacks.EarlyStopping`` from Talos's presets
``metrics``                 f1score, precision, recall, matthews, mae, rmse, ... (Keras 3)
``rescale_meanzero``        standardize numeric columns
``val_split``               seeded train/validation split
``generator``               endless batches for ``model.fit``
``SequenceGenerator``       a ``keras.utils.PyDataset`` of batches
``gpu_utils``               ``parallel_gpu_jobs``, ``multi_gpu``, ``force_cpu``
``TorchHistory``            a History for hand-written loops
``power_draw_append``       PowerDraw readings into the history
``recover_best_model``      retrain and cross-validate the best runs (``scanlab.talos``)
==========================  ==============================================================

Importing this package imports no deep-learning framework; Keras is imported when a helper
that needs it is called.

Examples
--------
>>> from scanlab.talos import utils
>>> utils.lr_normalizer(5, 'Adam')
0.005
"""

from __future__ import annotations

from typing import Any

from scanlab.talos.utils import gpu_utils, metrics
from scanlab.talos.utils._data import SequenceGenerator, generator, rescale_meanzero, val_split
from scanlab.talos.utils._early_stopping import early_stopper
from scanlab.talos.utils._history import TorchHistory, power_draw_append
from scanlab.talos.utils._layers import hidden_layers
from scanlab.talos.utils._normalizers import lr_normalizer

__all__ = [
    "SequenceGenerator",
    "TorchHistory",
    "early_stopper",
    "generator",
    "gpu_utils",
    "hidden_layers",
    "lr_normalizer",
    "metrics",
    "power_draw_append",
    "recover_best_model",
    "rescale_meanzero",
    "val_split",
]


def recover_best_model(*args: Any, **kwargs: Any) -> Any:
    """Retrain the best runs and cross-validate them (Talos's ``recover_best_model``).

    Imported from :mod:`scanlab.talos._restore` when called; see its documentation there.

    Parameters
    ----------
    *args, **kwargs
        As for ``scanlab.talos._restore.recover_best_model``.

    Returns
    -------
    object
        What ``scanlab.talos._restore.recover_best_model`` returns.
    """
    from scanlab.talos._restore import recover_best_model as recover

    return recover(*args, **kwargs)
