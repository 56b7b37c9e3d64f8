"""A trial worker process: ``python -m scanlab.executors.worker``.

The driver starts it with pipes on stdin/stdout and speaks in length-prefixed pickle frames.
A scan begins with a setup frame (the cloudpickled model function, possibly wrapped with the
scan's trial options in a :class:`~scanlab.executors._protocol.WithOptions`, and data, what to save,
where to log, how often to recycle), then comes one frame per task, which the worker answers
with ``{"started": run_id}`` as the run begins and its :class:`~scanlab.trial.TrialResult`
when it ends, and a ``None`` frame ends the scan. The worker
then drops the scan's payload and waits for the next scan's setup frame: a warm worker skips
the framework import (seconds) in the next round. It exits when stdin closes, after
``idle_timeout`` seconds without a new scan, after ``max_runs`` runs in its life (recycling
bounds framework memory growth), or, at the start of a scan, when a module it imported from
outside the installed packages has changed on disk (the driver then starts a fresh worker,
so edited code is never run stale).

Anything the user's code prints goes to the worker's stderr (the round's ``workers.log``),
never into the protocol.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import sys
import sysconfig
import time
import traceback

from scanlab.executors._protocol import read_frame, split_options, trial_arguments, write_frame

__all__ = ["SourceWatch", "main"]


class SourceWatch:
    """Modification times of the imported modules that are not installed packages (the
    user's own code), to tell when a warm worker would run stale code."""

    def __init__(self) -> None:
        paths = sysconfig.get_paths()
        self._installed = tuple(
            os.path.realpath(paths[key]) + os.sep
            for key in ("stdlib", "platstdlib", "purelib", "platlib")
        )
        self._seen: set[str] = set()
        self._mtimes: dict[str, float] = {}
        self._last = time.time()  # of the previous call: imports since happened after it

    def record(self) -> None:
        """Note the files of modules imported since the last call. A file modified after
        that call may have changed after its import: it counts as changed already."""
        now = time.time()
        for name in sys.modules.keys() - self._seen:
            self._seen.add(name)
            path = getattr(sys.modules.get(name), "__file__", None)
            if not path or os.path.realpath(path).startswith(self._installed):
                continue
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue
            self._mtimes[path] = mtime if mtime <= self._last else -1.0
        self._last = now

    def changed(self) -> str | None:
        """The first recorded file that changed or vanished since it was recorded."""
        for path, mtime in self._mtimes.items():
            try:
                if os.stat(path).st_mtime != mtime:
                    return path
            except OSError:
                return path
        return None


def _log_to(path: str | None) -> None:
    """Point stdout and stderr (fds 1 and 2, for Python and native code) at ``path``."""
    if path is None:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    sys.stderr.flush()
    os.dup2(fd, 2)
    os.dup2(fd, 1)
    os.close(fd)


def main() -> None:
    """Serve scans until stdin closes, the idle timeout passes or ``max_runs`` is reached."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides when workers stop
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # user prints go to stderr, not into the protocol
    sys.stdout = sys.stderr
    protocol_in = os.fdopen(os.dup(0), "rb", buffering=0)  # unbuffered: select() is exact
    if os.environ.get("SCANLAB_QUIET_FRAMEWORKS") == "1":  # started by a quiet command line
        from scanlab._quiet import quiet_frameworks

        quiet_frameworks()

    import cloudpickle

    from scanlab.executors._hygiene import MemoryHygiene, model_saver
    from scanlab.trial import run_trial

    watch = SourceWatch()
    watch.record()
    runs = scans = 0
    idle_timeout = None
    while True:
        if idle_timeout is not None and not select.select([protocol_in], [], [], idle_timeout)[0]:
            return  # nobody needed this warm worker
        try:
            setup = read_frame(protocol_in)
        except EOFError:
            return
        idle_timeout = setup["idle_timeout"]
        _log_to(setup["log_path"])
        stale = watch.changed() if scans else None  # only a warm worker can be stale
        scans += 1
        if stale is not None:
            write_frame(protocol_out, {"restart": f"{stale} changed since it was imported"})
            return
        try:
            model_fn, data = cloudpickle.loads(setup["payload"])
            model_fn, options = split_options(model_fn)
        except Exception:  # reported to the driver, which stops the scan
            write_frame(protocol_out, {"setup_error": traceback.format_exc()})
            return
        watch.record()  # the modules that unpickling the model function imported
        write_frame(protocol_out, {"ready": os.getpid()})
        hygiene = MemoryHygiene(**setup["hygiene"])
        max_runs = setup["max_runs"]
        while True:
            try:
                task = read_frame(protocol_in)
            except EOFError:
                return
            if task is None:  # end of this scan
                break
            # Say the run starts: a worker that dies before this frame never ran the task
            # (e.g. it died cleaning up after the previous run), so the driver hands it on.
            write_frame(protocol_out, {"started": task.run_id})
            result = run_trial(
                model_fn,
                data,
                task.params,
                save_model=model_saver(setup["models_dir"], task.run_id),
                **trial_arguments(task, options),
            )
            write_frame(protocol_out, result)  # answer first, clean up while the driver logs
            hygiene.after_run()
            runs += 1
            if max_runs is not None and runs >= max_runs:
                return
        watch.record()  # what the runs imported; files edited meanwhile count as changed
        del model_fn, data, setup
        gc.collect()


if __name__ == "__main__":
    main()
