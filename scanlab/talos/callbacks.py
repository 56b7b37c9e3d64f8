"""``talos.callbacks`` on scanlab: ``ExperimentLog``, ``TrainingPlot`` and ``PowerDraw``.

Each returns a ``keras.callbacks.Callback`` for ``model.fit(callbacks=[...])``; the Keras
class is made when the first one is built, so importing this module imports no framework.
``backend='generic'`` (or ``'torch'``) gives a plain object with the same ``on_*`` methods, for
a hand-written loop to call.

- :class:`ExperimentLog` appends one CSV row per epoch to ``<log_dir>/epochs-<id>.log``
  (default ``log_dir``: the folder ``experiment_name`` in the working directory, where Talos
  writes outside its own runner; pass ``log_dir=scan.round_path`` or any folder). Columns:
  ``id, epoch``, the epoch's logs in Keras's order, ``params`` (JSON, sorted keys, objects as
  ``str``); the header is written at epoch 1.
- :class:`TrainingPlot` redraws the chosen metrics after every epoch: live under Jupyter (one
  figure updated in place), and on a headless machine drawn with Agg on ``.figure`` (save it
  with ``.figure.savefig(path)``).
- :class:`PowerDraw` reads the GPU's power draw (watts, ``nvidia-smi``, or any ``provider()``)
  at the start and end of each epoch, for :func:`scanlab.talos.utils.power_draw_append`. It
  needs a GPU with ``nvidia-smi`` or a ``provider``, and says so when built, before training.
"""

from __future__ import annotations

import csv
import functools
import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scanlab.errors import MetricNotFoundError, ScanArgumentError, rule_message

__all__ = ["ExperimentLog", "PowerDraw", "TrainingPlot"]

_KERAS = ("keras", "tensorflow", "tf", "tf.keras")
_PLAIN = ("generic", "torch", "pytorch")


def _base(backend: str) -> type:
    if backend in _PLAIN:
        return object
    if backend in _KERAS:
        import keras

        return keras.callbacks.Callback
    raise ScanArgumentError(
        rule_message(
            "backend",
            f"must be one of {list(_KERAS + _PLAIN)}",
            backend,
            "leave backend='keras' for model.fit, or 'generic' for a hand-written loop",
        )
    )


class _Plain:
    """Base of the callbacks for a hand-written loop: what ``keras.callbacks.Callback``
    offers that these callbacks use."""

    def __init__(self) -> None:
        self.model: Any = None


@functools.cache
def _classes(backend: str) -> dict[str, type]:
    base = _base(backend)
    parent: type = _Plain if base is object else base

    class EpochLog(parent):
        """One CSV row per epoch (see :class:`ExperimentLog`)."""

        def __init__(self, folder: Path, params: Any, trial: str) -> None:
            super().__init__()
            self.name = str(folder / f"epochs-{trial}.log")
            self.run_params = params
            self.counter = 1
            self.hash = trial
            self.final_out: list[dict[str, Any]] = []
            self.keys: list[str] | None = None

        def on_train_begin(self, logs: Any = None) -> None:
            self.final_out, self.keys = [], None

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            logs = dict(logs or {})
            if self.keys is None:
                self.keys = list(logs)
            self.final_out.append({"id": self.hash, "epoch": epoch + 1, **logs})
            params = json.dumps(self.run_params, default=str, sort_keys=True)
            with open(self.name, "a", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                if epoch == 0:
                    writer.writerow(["id", "epoch", *self.keys, "params"])
                values = [logs.get(key) for key in self.keys]
                writer.writerow([self.hash, epoch + 1, *values, params])

        def on_train_end(self, logs: Any = None) -> str:
            return self.name

    class PlotCallback(parent):
        """Redraws the chosen metrics each epoch (see :class:`TrainingPlot`)."""

        def __init__(self, metrics: list[str] | None) -> None:
            super().__init__()
            self.metrics = metrics
            self.history: dict[str, list[float]] = {}
            self.figure: Any = None
            self.axes: Any = None
            self._handle: Any = None

        def on_train_begin(self, logs: Any = None) -> None:
            from matplotlib.figure import Figure

            self.history = {}
            self.figure = Figure(figsize=(8, 4))
            self.axes = self.figure.subplots()
            self._handle = None

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            logs = dict(logs or {})
            wanted = list(logs) if self.metrics is None else self.metrics
            missing = [name for name in wanted if name not in logs]
            if missing:
                raise MetricNotFoundError(
                    rule_message(
                        "TrainingPlot(metrics=...)",
                        "must name keys of the epoch's logs",
                        missing,
                        f"choose from {sorted(logs)}",
                    )
                )
            if self.figure is None:  # a hand-written loop that skipped on_train_begin
                self.on_train_begin()
            for name in wanted:
                self.history.setdefault(name, []).append(float(logs[name]))
            self.axes.clear()
            for name, values in self.history.items():
                self.axes.plot(range(1, len(values) + 1), values, label=name)
            self.axes.set_xlabel("Epoch")
            self.axes.legend()
            self._show()

        def _show(self) -> None:
            shell = _jupyter_shell()
            if shell is None:
                from matplotlib.backends.backend_agg import FigureCanvasAgg

                FigureCanvasAgg(self.figure).draw()
                return
            from IPython.display import display

            if self._handle is None:
                self._handle = display(self.figure, display_id=True)
            else:
                self._handle.update(self.figure)

    class PowerCallback(parent):
        """Power readings at each epoch's start and end (see :class:`PowerDraw`)."""

        def __init__(self, measure: Callable[[], float]) -> None:
            super().__init__()
            self.measure = measure
            self.log: dict[str, list[float]] = {"epoch_begin": [], "epoch_end": [], "seconds": []}
            self.epoch_start_time = 0.0

        def on_train_begin(self, logs: Any = None) -> None:
            self.log = {"epoch_begin": [], "epoch_end": [], "seconds": []}

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.epoch_start_time = time.monotonic()
            self.log["epoch_begin"].append(self.measure())

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.log["epoch_end"].append(self.measure())
            self.log["seconds"].append(time.monotonic() - self.epoch_start_time)

    return {"EpochLog": EpochLog, "PlotCallback": PlotCallback, "PowerCallback": PowerCallback}


def _jupyter_shell() -> Any:
    """The running Jupyter kernel's shell, or None (a terminal, a script, a test)."""
    if "IPython" not in sys.modules:
        return None
    shell = sys.modules["IPython"].get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


class ExperimentLog:
    """A callback writing one CSV row per epoch (Talos's ``ExperimentLog``).

    Parameters
    ----------
    experiment_name : str
        The experiment; the default folder of the log.
    params : dict
        The run's params, written (as JSON) on every row.
    backend : str
        ``'keras'`` (a Keras callback) or ``'generic'`` (a plain object).
    log_dir : str or Path, optional
        Where to write (created if needed); default ``experiment_name`` in the working
        directory, as Talos outside its runner.

    Returns
    -------
    callback
        With ``.name`` (the log's path), ``.final_out`` (the rows as dicts), ``.hash`` (the id).

    Examples
    --------
    >>> log = ExperimentLog('demo', {'lr': 0.1}, backend='generic', log_dir='logs')
    >>> log.on_train_begin(); log.on_epoch_end(0, {'loss': 0.5})
    >>> print(open(log.name).read().replace(log.hash, 'ID'))  # doctest: +NORMALIZE_WHITESPACE
    id,epoch,loss,params
    ID,1,0.5,"{""lr"": 0.1}"
    """

    def __new__(
        cls,
        experiment_name: str,
        params: Any,
        backend: str = "keras",
        *,
        log_dir: str | Path | None = None,
    ) -> Any:
        if not isinstance(experiment_name, str) or not experiment_name:
            raise ScanArgumentError(
                rule_message(
                    "experiment_name", "must be a non-empty str", experiment_name, "pass 'my_exp'"
                )
            )
        folder = Path(experiment_name if log_dir is None else log_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return _classes(backend)["EpochLog"](folder, params, uuid.uuid4().hex)


class TrainingPlot:
    """A callback plotting metrics after every epoch (live in Jupyter; Agg when headless).

    Parameters
    ----------
    metrics : list of str, optional
        History keys to plot (e.g. ``['loss', 'val_loss']``); default: every key of the logs.
        A key the logs do not have is a clear error at the end of the first epoch.
    backend : str
        ``'keras'`` (a Keras callback) or ``'generic'`` (a plain object).

    Returns
    -------
    callback
        With ``.figure`` (a matplotlib Figure) and ``.history`` (the plotted values).

    Examples
    --------
    >>> plot = TrainingPlot(metrics=['loss'], backend='generic')
    >>> plot.on_train_begin(); plot.on_epoch_end(0, {'loss': 0.7, 'acc': 0.5})
    >>> plot.history
    {'loss': [0.7]}
    """

    def __new__(cls, metrics: Sequence[str] | None = None, backend: str = "keras") -> Any:
        if isinstance(metrics, str):
            metrics = [metrics]
        if metrics is not None and (
            not metrics or not all(isinstance(name, str) for name in metrics)
        ):
            raise ScanArgumentError(
                rule_message(
                    "metrics",
                    "must be None or a non-empty list of history keys",
                    metrics,
                    "pass e.g. metrics=['loss', 'val_loss']",
                )
            )
        return _classes(backend)["PlotCallback"](None if metrics is None else list(metrics))


def _nvidia_smi_reader(device: int) -> Callable[[], float]:
    def measure() -> float:
        done = subprocess.run(
            [
                "nvidia-smi",
                "-i",
                str(device),
                "--query-gpu=power.draw",
                "--format=csv,noheader,nounits",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return float(done.stdout.strip())

    return measure


class PowerDraw:
    """A callback reading power draw (watts) at the start and end of every epoch.

    Parameters
    ----------
    device : int
        The GPU index for ``nvidia-smi``.
    backend : str
        ``'keras'`` (a Keras callback) or ``'generic'`` (a plain object).
    provider : callable, optional
        ``provider() -> watts``, read instead of ``nvidia-smi`` (any meter, e.g. a CPU's RAPL).

    Returns
    -------
    callback
        With ``.log = {'epoch_begin': [...], 'epoch_end': [...], 'seconds': [...]}``.

    Examples
    --------
    >>> power = PowerDraw(provider=lambda: 42.0, backend='generic')
    >>> power.on_epoch_begin(0); power.on_epoch_end(0)
    >>> power.log['epoch_begin'], power.log['epoch_end']
    ([42.0], [42.0])
    """

    def __new__(
        cls, device: int = 0, backend: str = "keras", provider: Callable[[], float] | None = None
    ) -> Any:
        if provider is not None:
            if not callable(provider):
                raise ScanArgumentError(
                    rule_message(
                        "provider",
                        "must be a callable returning watts",
                        provider,
                        "pass a function",
                    )
                )
            measure: Callable[[], float] = lambda: float(provider())  # noqa: E731
        else:
            if shutil.which("nvidia-smi") is None:
                raise ScanArgumentError(
                    rule_message(
                        "PowerDraw",
                        "reads the GPU's power draw with nvidia-smi, which this machine does not "
                        "have",
                        "no nvidia-smi",
                        "run on a machine with an NVIDIA GPU, or pass provider=<function "
                        "returning watts>",
                    )
                )
            measure = _nvidia_smi_reader(device)
            try:
                measure()
            except (OSError, ValueError, subprocess.SubprocessError) as exc:
                raise ScanArgumentError(
                    rule_message(
                        "device",
                        "must be a GPU whose power draw nvidia-smi reports",
                        device,
                        f"pick a GPU that `nvidia-smi -L` lists, or pass provider= ({exc})",
                    )
                ) from exc
        return _classes(backend)["PowerCallback"](measure)
