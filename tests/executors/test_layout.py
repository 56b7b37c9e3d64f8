"""The package's shape (``scanlab/executors/__init__.py``): its public names are a decision,
the implementation modules never import the package facade, and importing the executors or
starting a worker loads neither TensorFlow nor Dask. (Import cycles and ``import tensorflow``
anywhere in scanlab are checked for the whole package by ``tests/test_package.py``.)"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import scanlab.executors

PACKAGE_DIR = Path(scanlab.executors.__file__).parent


def test_public_names_are_the_decided_list():
    assert scanlab.executors.__all__ == [
        "DaskExecutor",
        "Executor",
        "InProcessExecutor",
        "MemoryHygiene",
        "ProcessExecutor",
        "THREAD_VARIABLES",
        "Task",
        "WORKER_IDLE_TIMEOUT",
        "dask_client_type",
        "describe_exit",
        "detect_gpus",
        "model_saver",
        "shutdown_workers",
        "worker_environments",
    ]
    for name in scanlab.executors.__all__:
        assert getattr(scanlab.executors, name) is not None


def imported_modules(path: Path) -> set[str]:
    """The absolute modules a file imports (``from a.b import c`` -> ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            found.add(node.module)
    return found


def test_modules_import_their_siblings_never_the_package_facade():
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        if path.name == "__init__.py":
            continue
        imports = imported_modules(path)
        assert "scanlab.executors" not in imports, f"{path.name} imports the facade"
        assert "scanlab" not in imports, f"{path.name} imports the package root"


def test_the_worker_needs_only_the_protocol_the_hygiene_and_one_trial():
    scanlab_imports = {
        m for m in imported_modules(PACKAGE_DIR / "worker.py") if m.startswith("scanlab")
    }
    assert scanlab_imports == {
        "scanlab.executors._protocol",
        "scanlab.executors._hygiene",
        "scanlab.trial",
        "scanlab._quiet",  # stdlib only: keeps framework start-up notes out when asked
    }


def test_importing_the_executors_and_the_worker_loads_no_framework_and_no_dask():
    code = (
        "import sys, scanlab.executors, scanlab.executors.worker; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'distributed', 'dask') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE_DIR.parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
