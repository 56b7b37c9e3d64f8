"""Where workers run: GPU detection and each worker's GPU and thread share
(``scanlab/executors/_placement.py``)."""

from __future__ import annotations

import subprocess

from scanlab.executors import _placement
from scanlab.executors._placement import detect_gpus, worker_environments


def test_one_worker_per_gpu_by_default_and_k_per_gpu_share_with_memory_growth():
    envs = worker_environments(2, ["0", "1"], 1, cpu_count=16)
    assert [e["CUDA_VISIBLE_DEVICES"] for e in envs] == ["0", "1"]
    assert all("TF_FORCE_GPU_ALLOW_GROWTH" not in e for e in envs)
    envs = worker_environments(6, ["0", "1"], 3, cpu_count=12)
    assert [e["CUDA_VISIBLE_DEVICES"] for e in envs] == ["0", "0", "0", "1", "1", "1"]
    assert all(e["TF_FORCE_GPU_ALLOW_GROWTH"] == "true" for e in envs)
    assert all(e["TF_NUM_INTRAOP_THREADS"] == "2" for e in envs)


def test_cpu_workers_split_the_cores_and_see_no_gpu():
    envs = worker_environments(2, [], 1, cpu_count=2)
    assert all(e["OMP_NUM_THREADS"] == "1" and e["TF_NUM_INTEROP_THREADS"] == "1" for e in envs)
    assert all(e["CUDA_VISIBLE_DEVICES"] == "-1" for e in envs)


def test_detect_gpus_reads_cuda_visible_devices():
    assert detect_gpus({"CUDA_VISIBLE_DEVICES": "0,2"}) == ["0", "2"]
    assert detect_gpus({"CUDA_VISIBLE_DEVICES": "-1"}) == []
    assert detect_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []


def test_detect_gpus_asks_nvidia_smi_when_cuda_visible_devices_is_unset(monkeypatch):
    listing = "GPU 0: NVIDIA H200 (UUID: GPU-a)\nGPU 1: NVIDIA H200 (UUID: GPU-b)\n"
    monkeypatch.setattr(
        _placement.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=listing, stderr=""),
    )
    assert detect_gpus({}) == ["0", "1"]


def test_detect_gpus_without_nvidia_smi_finds_none(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError("nvidia-smi")

    monkeypatch.setattr(_placement.subprocess, "run", missing)
    assert detect_gpus({}) == []
