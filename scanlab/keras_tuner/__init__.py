"""KerasTuner's API on scanlab: a ``build(hp)`` written for KerasTuner runs unchanged.

Side by side (only the import changes)::

    import keras_tuner as kt                          import scanlab.keras_tuner as kt

    def build(hp):                                    def build(hp):          # the same code
        units = hp.Int('units', 32, 256, step=32)         ...
        lr = hp.Choice('lr', [1e-2, 1e-3])
        ...; model.compile(...); return model

    tuner = kt.RandomSearch(build,                    tuner = kt.RandomSearch(build,
        objective='val_accuracy', max_trials=10,          objective='val_accuracy', max_trials=10,
        directory='runs', project_name='mnist')           directory='runs', project_name='mnist',
                                                          workers=2)      # any Scan argument
    tuner.search(x, y, epochs=5,                      tuner.search(x, y, epochs=5,
                 validation_data=(xv, yv))                         validation_data=(xv, yv))
    best = tuner.get_best_hyperparameters()[0]        best = tuner.get_best_hyperparameters()[0]
    model = tuner.get_best_models()[0]                model = tuner.get_best_models()[0]
                                                      tuner.scan, tuner.results   # Scan, rows

What differs, on purpose:

- **Continuous ranges become grids** (a scanlab params dict is finite): ``Int`` without
  ``step`` takes every integer; ``Float`` without ``step`` takes ``float_points`` points
  (default 10, a tuner's keyword argument) from ``min_value`` to ``max_value`` inclusive,
  geometric for ``sampling='log'``. With ``step`` the values are KerasTuner's (``'log'``: the
  step multiplies). The space is discovered when the tuner is made, by calling ``build(hp)``
  with the defaults and then with each other value of each parameter it meets, so
  parameters under ``conditional_scope`` or a plain ``if hp.Boolean(...)`` are found; a
  permutation in which a parameter is inactive keeps its default only (Scan's
  ``boolean_limit``), so inactive values do not multiply the grid.
- **Callbacks**: scanlab calls ``fit``. ``EarlyStopping`` becomes Scan's ``early_stopping``
  (not under Hyperband, which stops runs itself: a warning says so); any other callback is
  not used, with a warning naming it.
- **overwrite=True** starts a new round of the experiment (Scan's ``resume=False``); no file
  is deleted. Without it, running ``search`` again resumes: trained runs are not trained again.
- Results live in ``directory/project_name/round-NNN`` as scanlab rows (``results.csv``), read
  with :class:`scanlab.Analyze`; best models are the files the scan saved (``save_models``).
"""

from __future__ import annotations

from scanlab.keras_tuner._discover import Conditions, HyperBuilder, discover
from scanlab.keras_tuner._hyperparameters import HyperParameters
from scanlab.keras_tuner._tuner_options import Objective
from scanlab.keras_tuner._tuners import GridSearch, Hyperband, RandomSearch, Tuner

__all__ = [
    "Conditions",
    "GridSearch",
    "HyperBuilder",
    "HyperParameters",
    "Hyperband",
    "Objective",
    "RandomSearch",
    "Tuner",
    "discover",
]
