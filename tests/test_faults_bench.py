"""bench/faults.py --quick: the fault-injection suite runs in CI and must print PASS.

It attacks real scans in subprocesses (SIGKILL, SIGINT/SIGTERM, worker kills, a full disk,
concurrent scans, damaged files, misbehaving model functions) and checks that no run was
lost, duplicated or corrupted and that every error was clear. About 1.5 minutes on 2 cores.
"""

from __future__ import annotations

import subprocess
import sys

from _fakes import REPO_ROOT, subprocess_env


def test_fault_injection_suite_passes():
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "faults.py"), "--quick"],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO_ROOT,
    )
    table = "\n".join(line for line in done.stdout.splitlines() if line.startswith("|"))
    assert done.returncode == 0 and done.stdout.rstrip().endswith("PASS"), (
        f"{table}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )
