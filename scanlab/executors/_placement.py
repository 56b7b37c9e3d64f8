"""Where worker processes run: the GPUs this machine shows, and each worker's GPU and share of
CPU threads (environment variables set before a framework starts).

Used by :mod:`scanlab.executors.processes` (one environment per worker slot) and
:mod:`scanlab.executors.dask_cluster` (thread limits inside Dask workers).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence

__all__ = ["THREAD_VARIABLES", "detect_gpus", "worker_environments"]

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
        env = dict.fromkeys(THREAD_VARIABLES, threads)
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
