"""Every Talos user script in compat/talos/scripts/ behaves under scanlab.talos as under Talos.

One subprocess runs all scripts under scanlab (TensorFlow is imported once) and compares them
with the recorded Talos 2.0.10 reference (compat/talos/reference/scripts.json); each script is
then one test case. Refresh the reference with
``python compat/talos/compare.py --talos-python PATH --record``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPARE = ROOT / "compat" / "talos" / "compare.py"
REFERENCE = ROOT / "compat" / "talos" / "reference" / "scripts.json"
SCRIPTS = sorted(p.stem for p in (ROOT / "compat" / "talos" / "scripts").glob("*.py"))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = tmp_path_factory.mktemp("compat") / "verdicts.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(COMPARE), "--report", str(report)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert report.exists(), (
        f"compare.py wrote no report:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return {"table": done.stdout, **json.loads(report.read_text())}


def test_every_script_has_a_reference() -> None:
    recorded = json.loads(REFERENCE.read_text())
    assert recorded["implementation"] == "talos 2.0.10"
    assert sorted(recorded["scripts"]) == SCRIPTS
    assert len(SCRIPTS) >= 15


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_matches_talos(verdicts: dict[str, Any], name: str) -> None:
    verdict = verdicts[name]
    detail = "\n".join(verdict["failures"]) + "\n" + (verdict["traceback"] or "")
    assert verdict["verdict"] == "PASS", detail
