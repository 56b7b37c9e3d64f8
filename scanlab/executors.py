"""Executors run trials and hand results back to the driver, which alone writes the log.

:class:`InProcessExecutor` runs one trial at a time in this process and keeps memory in
check between runs (see :class:`MemoryHygiene`).
"""

from __future__ import annotations

import atexit
import gc
import io
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from scanlab.errors import ScanArgumentError, WorkerStartError
from scanlab.trial import TrialData, TrialResult, run_trial


class Task(NamedTuple):
    """One permutation to run."""

    index: int
    run_id: str
    params: dict[str, Any]
    labels: dict[str, str]


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


def _custom_gradients() -> dict:
    """TensorFlow's registry of traced custom gradients (empty if TensorFlow is not in use)."""
    if "tensorflow" not in sys.modules:
        return {}
    try:
        from tensorflow.python.framework import ops

        registry = ops._gradient_registry._registry
    except (ImportError, AttributeError):
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


class InProcessExecutor:
    """Runs trials one after another in the calling process.

    Parameters
    ----------
    model_fn : callable
        The user's model function.
    data : TrialData
        Training and validation arrays.
    hygiene : MemoryHygiene
        What to free between runs.
    models_dir : Path, optional
        Save each successful run's model there as ``<run_id>.keras``.
    """

    def __init__(
        self,
        model_fn: Callable,
        data: TrialData,
        hygiene: MemoryHygiene,
        models_dir: Path | None = None,
    ) -> None:
        self.model_fn = model_fn
        self.data = data
        self.hygiene = hygiene
        self.models_dir = models_dir

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks`` lazily, yielding each with its result as it finishes."""
        for task in tasks:
            result = run_trial(
                self.model_fn,
                self.data,
                task.params,
                save_model=model_saver(self.models_dir, task.run_id),
            )
            self.hygiene.after_run()
            yield task, result

    def close(self) -> None:
        """Nothing to release for in-process runs."""


# -- worker processes ------------------------------------------------------------------------

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
)


def detect_gpus(environ: Mapping[str, str] | None = None) -> list[str]:
    """GPU ids visible to this process, without importing a framework.

    ``CUDA_VISIBLE_DEVICES`` wins when set; otherwise ``nvidia-smi -L`` is asked.
    """
    environ = os.environ if environ is None else environ
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        ids = [v.strip() for v in visible.split(",") if v.strip()]
        return [] if ids in ([], ["-1"]) else ids
    try:
        listing = subprocess.run(
            ["nvidia-smi", "-L"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [str(i) for i, line in enumerate(listing.splitlines()) if line.startswith("GPU ")]


def worker_environments(
    workers: int, gpus: Sequence[str], workers_per_gpu: int = 1, cpu_count: int | None = None
) -> list[dict[str, str]]:
    """Environment variables for each worker slot: its GPU and its share of CPU threads.

    Slot ``i`` is pinned to ``gpus[i // workers_per_gpu]`` (wrapping around); when a GPU is
    shared, memory growth is switched on so that small models fit side by side. Without
    GPUs the workers see no GPU and split the cores between them.

    Examples
    --------
    >>> [e["CUDA_VISIBLE_DEVICES"] for e in worker_environments(4, ["0", "1"], 2, 8)]
    ['0', '0', '1', '1']
    """
    cpu_count = cpu_count or os.cpu_count() or 1
    threads = str(max(1, cpu_count // max(1, workers)))
    shared = workers > len(gpus) if gpus else False
    environments = []
    for slot in range(workers):
        env = {name: threads for name in THREAD_VARIABLES}
        env["TF_NUM_INTEROP_THREADS"] = "1" if workers > 1 else threads
        if gpus:
            env["CUDA_VISIBLE_DEVICES"] = gpus[(slot // max(1, workers_per_gpu)) % len(gpus)]
            if shared or workers_per_gpu > 1:
                env["TF_FORCE_GPU_ALLOW_GROWTH"] = "true"
                env["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
        else:
            env["CUDA_VISIBLE_DEVICES"] = (
                "-1" if workers > 1 else os.environ.get("CUDA_VISIBLE_DEVICES", "")
            )
        environments.append(env)
    return environments


def describe_exit(returncode: int | None) -> str:
    """Why a worker process ended, in words.

    Examples
    --------
    >>> describe_exit(-9)
    'was killed by SIGKILL (out of memory, or killed by hand)'
    """
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        cause = {
            "SIGKILL": " (out of memory, or killed by hand)",
            "SIGSEGV": " (a segmentation fault in native code)",
            "SIGABRT": " (an abort in native code)",
        }.get(name, "")
        return f"was killed by {name}{cause}"
    return f"exited with code {returncode}"


WORKER_IDLE_TIMEOUT = 300.0
"""Seconds a warm CPU worker waits for the next scan before it exits (0: never keep one)."""

_IDLE_WORKERS: list[_Worker] = []  # warm workers of the last process scan, for the next one


def shutdown_workers() -> int:
    """Stop the warm worker processes kept for the next scan now; returns how many.

    A scan with ``workers=N`` keeps its (CPU) workers for :data:`WORKER_IDLE_TIMEOUT`
    seconds so that the next scan in the same session skips the framework import; they
    also exit by themselves after that time, or when this process ends.
    """
    stopped = len(_IDLE_WORKERS)
    _drop_idle_workers(lambda worker: True)
    return stopped


def _drop_idle_workers(condition: Callable[[_Worker], bool]) -> None:
    """Stop (and reap) the parked workers for which ``condition`` holds."""
    for worker in [w for w in _IDLE_WORKERS if condition(w)]:
        _IDLE_WORKERS.remove(worker)
        worker.stop()


atexit.register(shutdown_workers)


class _Worker:
    """One worker process and the task it is running."""

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        self.env = env
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scanlab.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            close_fds=True,
        )
        self.slot = -1
        self.task: Task | None = None
        self.started = 0.0
        self.runs = 0
        self.scans = 0
        self.keep_until = 0.0  # while parked: claim it only before this (monotonic) time
        self.acknowledged = False  # set once the worker has loaded this scan's payload

    def begin(self, slot: int, setup: bytes) -> None:
        """Start a scan on this worker: send the setup frame without blocking (it can be
        large: it carries the data)."""
        self.slot, self.acknowledged, self.task = slot, False, None
        self.scans += 1
        threading.Thread(target=self._write, args=(setup,), daemon=True).start()

    def _write(self, frame: bytes) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(frame)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the worker died; the driver sees it on the stdout pipe

    @property
    def ready(self) -> bool:
        return self.acknowledged and self.task is None and self.proc.poll() is None

    def send(self, task: Task | None) -> bool:
        """Hand the worker a task (None ends the scan); False if it has gone."""
        from scanlab.worker import write_frame

        if task is not None:  # before writing: an interrupted write leaves it busy, not ready
            self.task, self.started = task, time.monotonic()
        try:
            assert self.proc.stdin is not None
            write_frame(self.proc.stdin, task)
        except (BrokenPipeError, OSError):
            return False  # a task stays assigned: the driver reports the run as died
        return True

    def stop(self) -> None:
        """End the process now."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


def _claim_idle_worker(env: dict[str, str]) -> _Worker | None:
    """A warm worker started with exactly ``env``, or None."""
    for worker in _IDLE_WORKERS:
        if worker.env == env:
            _IDLE_WORKERS.remove(worker)
            return worker
    return None


class ProcessExecutor:
    """Runs trials in worker processes on this machine; only the driver writes the log.

    Workers are fresh Python processes (``python -m scanlab.worker``) that receive the model
    function and data once per scan, serialized with cloudpickle (so functions defined in a
    notebook cell work). A worker that dies mid-run (crash, ``os._exit``, killed for memory)
    turns that run into a failed row and is replaced; ``trial_timeout`` kills a run that
    hangs; ``max_runs_per_worker`` recycles workers to bound framework memory growth. CPU
    workers stay warm after the scan for the next one in this session (see
    :func:`shutdown_workers`); GPU workers exit, releasing their device memory.

    Parameters
    ----------
    model_fn : callable
        The user's model function.
    data : TrialData
        Training and validation arrays.
    workers : int
        Number of worker processes.
    hygiene : dict
        Keyword arguments of :class:`MemoryHygiene` used inside each worker.
    log_path : Path
        File that receives the workers' stderr (and anything the model function prints).
    models_dir : Path, optional
        Save each successful run's model there.
    gpus : sequence of str
        GPU ids to pin workers to (see :func:`worker_environments`).
    workers_per_gpu : int
        Workers sharing each GPU.
    max_runs_per_worker : int, optional
        Replace a worker after this many runs.
    trial_timeout : float, optional
        Seconds after which a run is stopped and recorded as failed.
    """

    def __init__(
        self,
        model_fn: Callable,
        data: TrialData,
        workers: int,
        hygiene: dict,
        log_path: Path,
        models_dir: Path | None = None,
        gpus: Sequence[str] = (),
        workers_per_gpu: int = 1,
        max_runs_per_worker: int | None = None,
        trial_timeout: float | None = None,
    ) -> None:
        import cloudpickle

        from scanlab.worker import write_frame

        self.workers = workers
        self.trial_timeout = trial_timeout
        self.max_runs_per_worker = max_runs_per_worker
        # GPU workers would hold device memory while idle: only CPU workers are kept warm.
        self._idle_timeout = 0.0 if gpus else WORKER_IDLE_TIMEOUT
        buffer = io.BytesIO()
        write_frame(
            buffer,
            {
                "payload": cloudpickle.dumps((model_fn, data)),
                "hygiene": hygiene,
                "max_runs": max_runs_per_worker,
                "models_dir": str(models_dir) if models_dir else None,
                "log_path": str(Path(log_path).resolve()),
                "idle_timeout": self._idle_timeout,
            },
        )
        self._setup = buffer.getvalue()
        base = dict(os.environ)
        base["PYTHONPATH"] = os.pathsep.join(
            [p for p in sys.path if p and os.path.isdir(p)] + [base.get("PYTHONPATH", "")]
        )
        self._environments = [
            base | env for env in worker_environments(workers, list(gpus), workers_per_gpu)
        ]
        # Free parked workers of a different setup first; reap those that exited or are about
        # to time out.
        now = time.monotonic()
        _drop_idle_workers(
            lambda w: (
                w.env not in self._environments or w.proc.poll() is not None or now >= w.keep_until
            )
        )
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in close()
        self._slots: list[_Worker | None] = [None] * workers

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Run ``tasks`` on the workers, yielding each with its result as it finishes."""
        pending = iter(tasks)
        exhausted = False
        selector = selectors.DefaultSelector()
        try:
            while True:
                if not exhausted:
                    exhausted = self._hand_out(pending, selector)
                busy = [w for w in self._slots if w is not None and w.task is not None]
                if exhausted and not busy:
                    return
                for worker, outcome in self._wait(selector, busy):
                    yield outcome
                    if worker is not None:
                        self._after_result(worker, selector)
        finally:
            selector.close()
            self.close()

    def _hand_out(self, pending: Iterator[Task], selector: selectors.BaseSelector) -> bool:
        """Give a task to every idle worker (starting workers as needed); True when done."""
        for slot in range(self.workers):
            worker = self._slots[slot]
            if worker is None:
                env = self._environments[slot]
                worker = _claim_idle_worker(env) or _Worker(env, self._log)
                worker.begin(slot, self._setup)
                self._slots[slot] = worker
                selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
            if not worker.ready:
                continue
            task = next(pending, None)
            if task is None:
                return True
            worker.send(task)  # if the worker has gone, the run is reported as died
        return False

    def _wait(
        self, selector: selectors.BaseSelector, busy: list[_Worker]
    ) -> Iterator[tuple[_Worker | None, tuple[Task, TrialResult]]]:
        from scanlab.worker import read_frame

        timeout = 1.0
        if self.trial_timeout is not None and busy:
            oldest = min(w.started for w in busy)
            timeout = min(timeout, max(0.0, oldest + self.trial_timeout - time.monotonic()))
        for key, _ in selector.select(timeout):
            worker: _Worker = key.data
            if not worker.acknowledged:
                self._acknowledge(worker, selector)
                continue
            if worker.task is None:  # only EOF can arrive from an idle worker
                self._retire(worker, selector)
                continue
            task = worker.task
            try:
                result = read_frame(worker.proc.stdout)
            except (EOFError, OSError):
                worker.proc.wait()
                result = _failed(
                    f"WorkerDied: the worker process "
                    f"{describe_exit(worker.proc.returncode)} during this run; "
                    f"its output is in {self._log.name}",
                    worker.started,
                )
                self._retire(worker, selector)
                yield None, (task, result)
                continue
            worker.task = None
            worker.runs += 1
            yield worker, (task, result)
        if self.trial_timeout is not None:
            now = time.monotonic()
            for worker in busy:
                if worker.task is not None and now - worker.started > self.trial_timeout:
                    task = worker.task
                    self._retire(worker, selector)
                    yield (
                        None,
                        (
                            task,
                            _failed(
                                f"TrialTimeout: the run took longer than trial_timeout="
                                f"{self.trial_timeout:g} s and was stopped",
                                worker.started,
                                raised=False,
                            ),
                        ),
                    )

    def _acknowledge(self, worker: _Worker, selector: selectors.BaseSelector) -> None:
        """Read a worker's answer to the setup frame: ready, restart (replace it with a fresh
        worker) or why it could not load the payload."""
        from scanlab.worker import read_frame

        try:
            hello = read_frame(worker.proc.stdout)
        except (EOFError, OSError):
            worker.proc.wait()
            hello = {
                "setup_error": f"the worker process {describe_exit(worker.proc.returncode)}"
                f" while starting; its output is in {self._log.name}"
            }
            if worker.scans > 1:  # a warm worker that went away: start a fresh one
                hello = {"restart": hello["setup_error"]}
        if not isinstance(hello, dict):  # out of step with the protocol: replace it
            hello = {"restart": f"unexpected first frame {type(hello).__name__}"}
        if "restart" in hello:  # e.g. the user's code changed since the worker imported it
            self._retire(worker, selector)
            return
        if "setup_error" in hello:
            self._retire(worker, selector)
            raise WorkerStartError(
                f"a worker process could not load the model function and data:\n"
                f"{hello['setup_error']}\nEverything the model function uses must be "
                f"importable in a fresh Python process or defined in the notebook/script itself."
            )
        worker.acknowledged = True

    def _after_result(self, worker: _Worker, selector: selectors.BaseSelector) -> None:
        if self.max_runs_per_worker and worker.runs >= self.max_runs_per_worker:
            self._retire(worker, selector)  # it exits by itself: recycled

    def _retire(self, worker: _Worker, selector: selectors.BaseSelector) -> None:
        try:
            selector.unregister(worker.proc.stdout)
        except (KeyError, ValueError):
            pass
        worker.task = None
        worker.stop()
        self._slots[worker.slot] = None

    def close(self) -> None:
        """Keep idle CPU workers warm for the next scan, stop the others (unfinished runs
        are not recorded) and close the log."""
        for worker in self._slots:
            if worker is None:
                continue
            if self._idle_timeout > 0 and worker.ready and worker.send(None):
                # claimable until shortly before the worker's own idle timeout ends it
                margin = min(10.0, self._idle_timeout / 10)
                worker.keep_until = time.monotonic() + self._idle_timeout - margin
                _IDLE_WORKERS.append(worker)
            else:
                worker.stop()
        self._slots = [None] * self.workers
        if not self._log.closed:
            self._log.close()


def _failed(error: str, started: float, raised: bool = True) -> TrialResult:
    end = datetime.now(UTC)
    duration = time.monotonic() - started
    return TrialResult(
        status="failed",
        start=(end - timedelta(seconds=duration)).isoformat(timespec="milliseconds"),
        end=end.isoformat(timespec="milliseconds"),
        duration_s=round(duration, 4),
        error=error,
        raised=raised,
    )


# -- Dask --------------------------------------------------------------------------------------

_DASK_PAYLOADS: dict[str, tuple[Callable, TrialData, MemoryHygiene]] = {}


def _dask_trial(
    token: str,
    payload: bytes,
    params: dict,
    run_id: str,
    models_dir: str | None,
    hygiene: dict,
    threads: int,
) -> TrialResult:
    """Run one trial inside a Dask worker (the payload is unpickled once per process)."""
    if token not in _DASK_PAYLOADS:
        import cloudpickle

        if "tensorflow" not in sys.modules:  # thread limits only work before TF starts
            for name in THREAD_VARIABLES:
                os.environ.setdefault(name, str(threads))
            os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
        _DASK_PAYLOADS.clear()
        _DASK_PAYLOADS[token] = (*cloudpickle.loads(payload), MemoryHygiene(**hygiene))
    model_fn, data, process_hygiene = _DASK_PAYLOADS[token]
    result = run_trial(model_fn, data, params, save_model=model_saver(models_dir, run_id))
    process_hygiene.after_run()
    return result


class DaskExecutor:
    """Runs trials on a Dask cluster through a ``dask.distributed.Client``.

    The model function and data are scattered to every worker once; the driver keeps two
    runs per worker in flight and writes every result itself. A worker that dies is
    replaced by Dask's nanny; a run whose worker died too often (``KilledWorker``) or that
    raised inside Dask is recorded as failed.

    Parameters
    ----------
    client : dask.distributed.Client
        A connected client.
    model_fn, data, hygiene, models_dir
        As for :class:`ProcessExecutor`.
    """

    def __init__(
        self,
        client: Any,
        model_fn: Callable,
        data: TrialData,
        hygiene: dict,
        models_dir: Path | None = None,
    ) -> None:
        import uuid

        import cloudpickle

        self.client = client
        info = client.scheduler_info()["workers"]
        if not info:
            raise ScanArgumentError(
                "executor: the Dask client has no workers. Start some (`dask worker "
                "<scheduler-address>`) or use LocalCluster(n_workers=2) before scanning."
            )
        self.workers = len(info)
        per_host: dict[str, int] = {}
        for worker in info.values():
            per_host[worker.get("host", "")] = per_host.get(worker.get("host", ""), 0) + 1
        self._threads = max(1, (os.cpu_count() or 1) // max(per_host.values()))
        self._token = uuid.uuid4().hex
        self._payload = client.scatter(cloudpickle.dumps((model_fn, data)), broadcast=True)
        self._hygiene = hygiene
        self._models_dir = str(models_dir) if models_dir else None

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TrialResult]]:
        """Submit ``tasks`` (two per worker in flight), yielding results as they finish."""
        from distributed import as_completed

        pending = iter(tasks)
        in_flight: dict[Any, tuple[Task, float]] = {}
        finished = as_completed()
        try:
            for _ in range(2 * self.workers):
                if not self._submit(pending, in_flight, finished):
                    break
            for future in finished:
                task, started = in_flight.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker is a failed run
                    result = _failed(f"{type(exc).__name__}: {exc}", started)
                yield task, result
                self._submit(pending, in_flight, finished)
        finally:
            for future in in_flight:
                future.cancel()

    def _submit(self, pending: Iterator[Task], in_flight: dict, finished: Any) -> bool:
        task = next(pending, None)
        if task is None:
            return False
        future = self.client.submit(
            _dask_trial,
            self._token,
            self._payload,
            task.params,
            task.run_id,
            self._models_dir,
            self._hygiene,
            self._threads,
            pure=False,
            key=f"scanlab-trial-{task.run_id}-{self._token[:8]}",
        )
        in_flight[future] = (task, time.monotonic())
        finished.add(future)
        return True

    def close(self) -> None:
        """Forget the scattered payload (the client stays open: it is the user's)."""
        try:
            self.client.cancel(self._payload)
        except Exception:  # noqa: BLE001 - the client may already be closed
            pass


def dask_client_type() -> type:
    """``distributed.Client``, or a clear error naming the extra to install."""
    try:
        from distributed import Client
    except ImportError:
        raise ImportError(
            "executor=<dask client> needs Dask: pip install 'scanlab[dask]' "
            "(or pip install 'dask[distributed]')."
        ) from None
    return Client
