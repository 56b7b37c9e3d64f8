"""``install_as_talos()``: make ``import talos`` and ``from talos... import ...`` lines
resolve to :mod:`scanlab.talos` (the convention of ``pymysql.install_as_MySQLdb()``).

Talos's module paths (2.0.10's and the 1.x ones scripts still use, such as
``talos.model.normalizers``) are mapped onto the scanlab modules that hold the same names.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any

from scanlab.errors import TalosAlreadyInstalledError

__all__ = ["ALIASES", "install_as_talos"]

#: Talos module paths whose names live elsewhere in scanlab.talos.
ALIASES = {
    "talos.model": "scanlab.talos.utils",
    "talos.model.normalizers": "scanlab.talos.utils",
    "talos.model.layers": "scanlab.talos.utils",
    "talos.model.hidden_layers": "scanlab.talos.utils",
    "talos.model.early_stopper": "scanlab.talos.utils",
    "talos.metrics": "scanlab.talos.utils.metrics",
    "talos.metrics.keras_metrics": "scanlab.talos.utils.metrics",
    "talos.scan": "scanlab.talos",
    "talos.scan.Scan": "scanlab.talos._scan",
    "talos.commands": "scanlab.talos",
    "talos.commands.analyze": "scanlab.talos._analyze",
    "talos.commands.reporting": "scanlab.talos._analyze",
    "talos.commands.predict": "scanlab.talos._predict",
    "talos.commands.evaluate": "scanlab.talos._evaluate",
    "talos.commands.deploy": "scanlab.talos._deploy",
    "talos.commands.restore": "scanlab.talos._restore",
    "talos.utils.recover_best_model": "scanlab.talos._restore",
}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """The target module is already executed."""


class _TalosFinder(importlib.abc.MetaPathFinder):
    """Finds ``talos.<x>`` as ``scanlab.talos.<x>`` (or its alias)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith("talos."):
            return None
        mapped = ALIASES.get(fullname)
        if mapped is None:
            candidate = "scanlab." + fullname
            try:
                found = importlib.util.find_spec(candidate)
            except ModuleNotFoundError:
                found = None
            if found is None:
                return None
            mapped = candidate
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(mapped))


def install_as_talos() -> None:
    """Register :mod:`scanlab.talos` as the module ``talos``.

    After this call, ``import talos``, ``from talos import Scan, Evaluate`` and
    ``from talos.utils import lr_normalizer`` give scanlab's versions, so a Talos script runs
    unchanged. Calling it again does nothing.

    Raises
    ------
    TalosAlreadyInstalledError
        When the real Talos is imported or importable: one name cannot mean two packages.
        Use ``import scanlab.talos as talos`` instead, or uninstall Talos
        (``pip uninstall talos``).

    Examples
    --------
    >>> import scanlab.talos
    >>> scanlab.talos.install_as_talos()                                    # doctest: +SKIP
    >>> import talos                                                        # doctest: +SKIP
    >>> talos.Scan is scanlab.talos.Scan                                    # doctest: +SKIP
    True
    """
    ours = sys.modules["scanlab.talos"]
    current = sys.modules.get("talos")
    if current is ours:
        return
    real = current is not None
    if not real:
        try:
            spec = importlib.util.find_spec("talos")
        except (ImportError, ValueError):
            spec = None
        # a folder named talos without __init__.py (a namespace package) is not Talos
        real = spec is not None and spec.origin not in (None, "namespace")
    if real:
        where = getattr(current, "__file__", None) or importlib.util.find_spec("talos")
        raise TalosAlreadyInstalledError(
            f"install_as_talos(): the real Talos is installed ({where}), so 'talos' cannot "
            f"also name scanlab.talos. Fix: write `import scanlab.talos as talos` in the "
            f"script, or uninstall Talos (pip uninstall talos) or use another virtualenv."
        )
    sys.modules["talos"] = ours
    if not any(isinstance(f, _TalosFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _TalosFinder())
