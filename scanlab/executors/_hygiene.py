"""Memory hygiene between runs in one process, and saving a run's model: what the in-process
executor and every worker process (scanlab's own and Dask's) do around each run.

Nothing here imports a deep-learning framework: Keras and TensorFlow are looked up in
``sys.modules``, so they are only touched when the user's model function loaded them.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["MemoryHygiene", "model_saver"]


class MemoryHygiene:
    """Keeps memory flat across runs in one process, cheaply.

    Measured on TensorFlow 2.21 / Keras 3.15 (see README, "Memory"): the growth of about
    5-6 MiB per run of a small Dense model comes from TensorFlow's gradient registry, which
    keeps every ``CustomGradient-*`` function traced by a run (and, through it, the run's
    graphs) for the life of the process; ``keras.backend.clear_session()`` does not touch it
    and costs about a third of a short run when it also runs the garbage collector over the
    half-million objects TensorFlow creates at import. So after each run, with
    ``clear_session=True``, this:

    * drops the registry entries added since the scan started (TensorFlow backend only,
      through a private attribute; skipped silently if TensorFlow changes it);
    * clears the Keras session without its built-in full collection (this also empties
      TensorFlow's eager kernel cache), keeping the user's dtype policy, floatx and image
      data format;
    * after the first run, collects once and moves every surviving object (the frameworks'
      import-time objects) to the permanent generation (``gc.freeze``), so that Python's
      automatic collections stay cheap.

    Parameters
    ----------
    clear_session : bool
        Free framework state after each run (Talos's ``clear_session``).
    """

    def __init__(self, clear_session: bool = True) -> None:
        self.clear_session = clear_session
        self._baseline = set(_custom_gradients())

    def after_run(self) -> None:
        """Call after each run."""
        global _FROZEN
        if not self.clear_session:
            return
        registry = _custom_gradients()
        for name in [n for n in registry if n not in self._baseline]:
            del registry[name]
        keras = sys.modules.get("keras")  # a model function that never used Keras needs nothing
        if keras is not None:
            _clear_keras_session(keras)
        if not _FROZEN:
            gc.collect()
            gc.freeze()
            _FROZEN = True


_FROZEN = False


def _clear_keras_session(keras: Any) -> None:
    """``clear_session`` without its full collection, keeping the user's global settings
    (dtype policy, floatx, image data format), which it would otherwise reset."""
    config = keras.config
    settings = (config.dtype_policy(), config.floatx(), config.image_data_format())
    keras.backend.clear_session(free_memory=False)
    policy, floatx, data_format = settings
    config.set_floatx(floatx)
    config.set_image_data_format(data_format)
    config.set_dtype_policy(policy)


_TF_OPS = "tensorflow.python.framework.ops"  # loaded by ``import tensorflow`` itself


def _custom_gradients() -> dict:
    """TensorFlow's registry of traced custom gradients (empty if TensorFlow is not in use)."""
    ops = sys.modules.get(_TF_OPS)  # never imported here: only if the Keras backend did
    if ops is None:
        return {}
    try:
        registry = ops._gradient_registry._registry
    except AttributeError:
        return {}
    return _CustomGradientView(registry)


class _CustomGradientView(dict):
    """The ``CustomGradient-*`` entries of TensorFlow's gradient registry, deletable."""

    def __init__(self, registry: dict) -> None:
        super().__init__(
            (k, v)
            for k, v in registry.items()
            if isinstance(k, str) and k.startswith("CustomGradient-")
        )
        self._registry = registry

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._registry.pop(key, None)


def model_saver(models_dir: str | Path | None, run_id: str) -> Callable[[Any], None] | None:
    """A function that saves a run's model as ``<models_dir>/<run_id>.keras`` (or None)."""
    if models_dir is None:
        return None
    path = Path(models_dir) / f"{run_id}.keras"

    def save(model: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)

    return save
