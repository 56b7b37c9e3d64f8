"""install_as_talos(): `import talos` and Talos's module paths resolve to scanlab.talos."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from _fakes import subprocess_env


def _run(code: str, first_on_path: str = "") -> subprocess.CompletedProcess:
    env = subprocess_env()
    if first_on_path:
        env["PYTHONPATH"] = first_on_path + os.pathsep + env["PYTHONPATH"]
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_talos_import_lines_run_unchanged_after_install():
    code = """
import scanlab.talos
scanlab.talos.install_as_talos()
scanlab.talos.install_as_talos()          # a second call does nothing
import talos
from talos import Scan, Analyze, Reporting
from talos.utils import lr_normalizer
from talos.model.normalizers import lr_normalizer as old_path
import talos.utils.gpu_utils
from talos.commands.analyze import Analyze as A2
assert talos is scanlab.talos and Scan is scanlab.talos.Scan
assert old_path is lr_normalizer and A2 is Analyze and Reporting is Analyze
print('ok')
"""
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_install_is_refused_where_the_real_talos_is_importable(tmp_path):
    (tmp_path / "talos").mkdir()
    (tmp_path / "talos" / "__init__.py").write_text("")
    done = _run(
        "import scanlab.talos; scanlab.talos.install_as_talos()",
        first_on_path=str(tmp_path),
    )
    assert done.returncode == 1
    assert (
        "TalosAlreadyInstalledError: install_as_talos(): the real Talos is installed" in done.stderr
    )
    assert "import scanlab.talos as talos" in done.stderr


def test_a_folder_named_talos_is_not_the_real_talos(tmp_path):
    (tmp_path / "talos").mkdir()  # no __init__.py: a namespace package, e.g. tests/talos
    done = _run(
        "import scanlab.talos as t; t.install_as_talos(); import talos; print(talos.Scan)",
        first_on_path=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr


def test_unknown_talos_modules_still_fail_as_imports_do():
    done = _run("import scanlab.talos as t; t.install_as_talos(); import talos.sensors")
    assert "ModuleNotFoundError: No module named 'talos.sensors'" in done.stderr


@pytest.mark.parametrize(
    "name",
    ["Predict", "Evaluate", "Deploy", "Restore", "utils", "templates", "autom8", "callbacks"],
)
def test_the_public_names_resolve(name):
    import scanlab.talos

    assert getattr(scanlab.talos, name) is not None
