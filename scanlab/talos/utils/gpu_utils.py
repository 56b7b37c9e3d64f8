"""GPU settings of ``talos.utils.gpu_utils``: memory sharing, several GPUs, CPU only.

scanlab imports no framework itself: these functions configure the framework that Keras
runs on (``keras.config.backend()``). For TensorFlow that is the ``tensorflow`` module Keras
has already loaded; its GPU settings must be made before the first model is built, and a
call made too late is a clear error. They also set the environment variables that worker
processes inherit (``TF_FORCE_GPU_ALLOW_GROWTH``, ``XLA_PYTHON_CLIENT_*``,
``CUDA_VISIBLE_DEVICES``); note that ``Scan(workers=...)`` gives each worker its own GPU
already (``workers_per_gpu=`` shares one).

On a machine without a GPU, :func:`parallel_gpu_jobs` returns ``[]`` (nothing to set),
:func:`multi_gpu` returns the model unchanged and :func:`force_cpu` only hides GPUs.
"""

from __future__ import annotations

import numbers
import os
import subprocess
import sys
from typing import Any

from scanlab.errors import ScanArgumentError, rule_message

__all__ = ["force_cpu", "multi_gpu", "parallel_gpu_jobs"]

_BACKENDS = ("tensorflow", "tf", "torch", "pytorch", "jax")


def _backend(backend: str | None) -> str:
    """``'tensorflow'``, ``'torch'`` or ``'jax'`` (None: the one Keras runs on)."""
    if backend is None:
        import keras

        backend = keras.config.backend()
    if backend not in _BACKENDS:
        raise ScanArgumentError(
            rule_message(
                "backend",
                f"must be None (Keras's backend) or one of {list(_BACKENDS)}",
                backend,
                "leave backend=None",
            )
        )
    return {"tf": "tensorflow", "pytorch": "torch"}.get(backend, backend)


def _tensorflow() -> Any:
    """The TensorFlow module Keras runs on (Keras imports it; scanlab does not)."""
    import keras

    if keras.config.backend() != "tensorflow" or "tensorflow" not in sys.modules:
        raise ScanArgumentError(
            rule_message(
                "backend",
                "is 'tensorflow' but Keras does not run on TensorFlow",
                keras.config.backend(),
                "pass backend=None to configure Keras's own backend",
            )
        )
    return sys.modules["tensorflow"]


def _too_late(what: str, exc: Exception) -> ScanArgumentError:
    return ScanArgumentError(
        f"{what} must run before TensorFlow starts using the GPUs (before the first model is "
        f"built), but they are started already ({exc}). Fix: call it at the top of the script "
        f"or notebook, right after the imports."
    )


def parallel_gpu_jobs(
    allow_growth: bool | float = True, fraction: float = 0.5, backend: str | None = None
) -> list[str]:
    """Let several jobs share each GPU: cap each process's memory, or let it grow.

    Parameters
    ----------
    allow_growth : bool or float
        True: memory grows as needed (used when ``fraction`` is 1). A number is taken as
        ``fraction`` (Talos's shorthand ``parallel_gpu_jobs(0.5)``).
    fraction : float
        Share of each GPU's memory this process may use, in (0, 1].
    backend : str, optional
        ``'tensorflow'``, ``'torch'`` or ``'jax'``; default: the one Keras runs on.

    Returns
    -------
    list of str
        The GPUs configured (``[]`` when there is none).

    Examples
    --------
    >>> parallel_gpu_jobs(0.5, backend='jax')  # doctest: +SKIP
    []
    """
    if isinstance(allow_growth, numbers.Real) and not isinstance(allow_growth, bool):
        fraction, allow_growth = float(allow_growth), False
    if (
        isinstance(fraction, bool)
        or not isinstance(fraction, numbers.Real)
        or not 0 < fraction <= 1
    ):
        raise ScanArgumentError(
            rule_message("fraction", "must lie in (0, 1]", fraction, "use e.g. fraction=0.5")
        )
    name = _backend(backend)
    if allow_growth:
        os.environ["TF_FORCE_GPU_ALLOW_GROWTH"] = "true"
        os.environ["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
    if fraction < 1:
        os.environ["XLA_PYTHON_CLIENT_MEM_FRACTION"] = f"{fraction:.2f}"
    if name == "torch":
        import torch

        if not torch.cuda.is_available():
            return []
        names = []
        for index in range(torch.cuda.device_count()):
            torch.cuda.set_per_process_memory_fraction(fraction, index)
            names.append(f"cuda:{index}")
        return names
    if name == "jax":
        import keras

        return list(keras.distribution.list_devices("gpu"))
    tf = _tensorflow()
    devices = tf.config.list_physical_devices("GPU")
    try:
        for index, device in enumerate(devices):
            if fraction < 1:
                limit = _gpu_memory_mib(index) * fraction
                config = tf.config.LogicalDeviceConfiguration(memory_limit=limit)
                tf.config.set_logical_device_configuration(device, [config])
            elif allow_growth:
                tf.config.experimental.set_memory_growth(device, True)
    except RuntimeError as exc:
        raise _too_late("parallel_gpu_jobs", exc) from exc
    return [device.name for device in devices]


def _gpu_memory_mib(index: int) -> float:
    """Total memory of GPU ``index`` in MiB, from ``nvidia-smi``."""
    done = subprocess.run(
        [
            "nvidia-smi",
            "-i",
            str(index),
            "--query-gpu=memory.total",
            "--format=csv,noheader,nounits",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return float(done.stdout.strip())


def multi_gpu(
    model: Any,
    gpus: int | list[int] | None = None,
    cpu_merge: bool = True,
    cpu_relocation: bool = False,
) -> Any:
    """Copy ``model`` onto several GPUs (data parallel), or return it unchanged with fewer
    than two.

    Parameters
    ----------
    model : keras.Model
        The model (built, not compiled: compile the returned one).
    gpus : int or list, optional
        How many GPUs to use (the first ``gpus``); default: all.
    cpu_merge, cpu_relocation : bool
        Accepted for Talos's signature; TensorFlow's MirroredStrategy decides both.

    Returns
    -------
    keras.Model
        ``model`` itself (fewer than two GPUs), or its copy made inside a
        ``MirroredStrategy`` scope with the same weights (TensorFlow).

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> multi_gpu(model) is model  # no GPU, or one
    True
    """
    import keras

    count = len(keras.distribution.list_devices("gpu"))
    if isinstance(gpus, int):
        count = min(count, gpus)
    elif isinstance(gpus, list):
        count = min(count, len(gpus))
    if count < 2:
        return model
    if keras.config.backend() != "tensorflow":
        raise ScanArgumentError(
            rule_message(
                "multi_gpu",
                "copies a model onto several GPUs on the TensorFlow backend only",
                keras.config.backend(),
                "on JAX use keras.distribution.set_distribution(keras.distribution."
                "DataParallel()); or scan on every GPU at once with Scan(workers=None), one "
                "run per GPU",
            )
        )
    tf = _tensorflow()
    devices = tf.config.list_logical_devices("GPU")[:count]
    strategy = tf.distribute.MirroredStrategy(devices=[device.name for device in devices])
    with strategy.scope():
        copy = keras.models.clone_model(model)
        copy.set_weights(model.get_weights())
    return copy


def force_cpu(backend: str | None = None) -> str:
    """Hide every GPU: this process (and the workers it starts) trains on the CPU.

    Parameters
    ----------
    backend : str, optional
        ``'tensorflow'``, ``'torch'`` or ``'jax'``; default: the one Keras runs on.

    Returns
    -------
    str
        ``'cpu'``.

    Examples
    --------
    >>> force_cpu()  # doctest: +SKIP
    'cpu'
    """
    name = _backend(backend)
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    if name == "tensorflow":
        tf = _tensorflow()
        try:
            tf.config.set_visible_devices([], "GPU")
        except RuntimeError as exc:
            raise _too_late("force_cpu", exc) from exc
    return "cpu"
