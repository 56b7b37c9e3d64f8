"""A trial worker process: ``python -m scanlab.worker``.

The driver starts it with pipes on stdin/stdout and speaks in length-prefixed pickle frames:
first a setup frame (the cloudpickled model function and data, what to save, how often to
recycle), then one frame per task; the worker answers each task with its
:class:`~scanlab.trial.TrialResult`. Anything the user's code prints goes to the worker's
stderr (the round's ``workers.log``), never into the protocol. The worker exits after
``max_runs`` tasks (recycling bounds framework memory growth) or when stdin closes.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import traceback
from typing import IO, Any

_HEADER = struct.Struct("!Q")


def write_frame(stream: IO[bytes], obj: Any) -> None:
    """Send one object as a length-prefixed pickle frame."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """Read one frame; raises EOFError when the other side has gone."""
    header = _read_exactly(stream, _HEADER.size)
    return pickle.loads(_read_exactly(stream, _HEADER.unpack(header)[0]))


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other process closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def main() -> None:
    """Serve tasks until stdin closes or ``max_runs`` is reached."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides when workers stop
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # user prints go to stderr, not into the protocol
    sys.stdout = sys.stderr
    protocol_in = os.fdopen(os.dup(0), "rb")

    import cloudpickle

    from scanlab.executors import MemoryHygiene, model_saver
    from scanlab.trial import run_trial

    setup = read_frame(protocol_in)
    try:
        model_fn, data = cloudpickle.loads(setup["payload"])
    except Exception:  # noqa: BLE001 - reported to the driver, which stops the scan
        write_frame(protocol_out, {"setup_error": traceback.format_exc()})
        return
    write_frame(protocol_out, {"ready": os.getpid()})
    hygiene = MemoryHygiene(**setup["hygiene"])
    max_runs = setup["max_runs"]
    runs = 0
    while max_runs is None or runs < max_runs:
        try:
            task = read_frame(protocol_in)
        except EOFError:
            return
        result = run_trial(model_fn, data, task.params,
                           save_model=model_saver(setup["models_dir"], task.run_id))
        write_frame(protocol_out, result)  # answer first, clean up while the driver logs
        hygiene.after_run()
        runs += 1


if __name__ == "__main__":
    main()
