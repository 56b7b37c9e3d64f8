"""SIGKILL a scan subprocess mid-run, resume it, and compare with an uninterrupted scan."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from _fakes import subprocess_env

from scanlab import load_results

SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    from _fakes import FakeHistory
    from scanlab import Scan

    def slow_model(x_train, y_train, x_val, y_val, params):
        time.sleep(float(sys.argv[2]))
        loss = [params["a"] / 10 + params["b"] / 100 + 1 / e for e in range(1, 4)]
        return FakeHistory({"loss": loss, "val_loss": [v + 0.1 for v in loss]}), None

    x, y = np.zeros((20, 2)), np.zeros(20)
    Scan(x, y, params={"a": list(range(10)), "b": list(range(10))}, model=slow_model,
         experiment_name="killed", results_dir=sys.argv[1], round_limit=30, seed=11,
         disable_progress_bar=True, clear_session=False)
""")


def _scan(tmp_path: Path, results: Path, delay: float) -> subprocess.Popen:
    script = tmp_path / "scan_script.py"
    script.write_text(SCRIPT)
    return subprocess.Popen(
        [sys.executable, str(script), str(results), str(delay)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_sigkill_mid_scan_then_resume_gives_the_uninterrupted_run_set(tmp_path):
    reference = _scan(tmp_path, tmp_path / "reference", 0.0)
    assert reference.wait(timeout=120) == 0, reference.stderr.read().decode()
    expected = load_results(tmp_path / "reference" / "killed")

    victim = _scan(tmp_path, tmp_path / "resumed", 0.05)
    csv = tmp_path / "resumed" / "killed" / "round-001" / "results.csv"
    deadline = time.time() + 120
    while time.time() < deadline:
        if csv.exists() and csv.read_text().count("\n") >= 8:  # header + 7 runs
            break
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    partial = load_results(tmp_path / "resumed" / "killed")
    assert 7 <= len(partial) < 30

    resumed = _scan(tmp_path, tmp_path / "resumed", 0.0)
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read().decode()
    final = load_results(tmp_path / "resumed" / "killed")
    assert final["run_id"].is_unique
    assert sorted(final["run_id"]) == sorted(expected["run_id"])
    assert (final["status"] == "ok").all()
    assert final["val_loss"].notna().all()
