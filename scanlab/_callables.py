"""A callable recorded in a manifest turned back into an object, safely.

A results folder is shared data: a manifest may only name classes and functions of the
deep-learning frameworks (imported only from installed copies), of modules the user already
imported (not the standard library), or of modules the user trusts by name
(``Experiment(path).params(n, trust=[...])``). Anything else comes back as its recorded label,
with one warning saying how to opt in; nothing is ever imported from the results folder or
the working directory.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import sysconfig
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "CallableResolver",
    "NEVER_TRUSTED",
    "TRUSTED_MODULES",
    "decode_value",
    "decode_with",
]


#: Modules whose classes and functions a manifest may name without the user's consent, and
#: which may be imported to resolve them: the deep-learning frameworks (and submodules).
TRUSTED_MODULES: tuple[str, ...] = ("keras", "tensorflow", "torch", "jax")

#: Modules a manifest can never resolve a callable from, whatever ``trust`` says.
NEVER_TRUSTED: frozenset[str] = frozenset(
    {
        "builtins", "os", "posix", "nt", "sys", "subprocess", "shutil", "importlib", "runpy",
        "pickle", "marshal", "shelve", "ctypes", "code", "codeop", "pty", "socket", "signal",
        "multiprocessing", "webbrowser", "tempfile", "io", "pathlib", "_io", "_posixsubprocess",
    }
)  # fmt: skip


def _within(module: str, names: Iterable[str]) -> bool:
    """Whether ``module`` is one of ``names`` or a submodule of one."""
    return any(module == n or module.startswith(n + ".") for n in names)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _installed(top: str, folder: Path | None = None) -> bool:
    """Whether importing the top-level module ``top`` would load an *installed* copy.

    ``importlib.util.find_spec`` locates it without running it. It counts as installed only
    when every location it would load from is inside a ``site-packages``/``dist-packages``
    folder or the standard library of ``sys.base_prefix``, and none is directly in the
    current directory, in a ``''``/current-directory entry of ``sys.path``, or inside the
    results ``folder``: a ``torch.py`` shipped with a results folder must never run.
    """
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError, AttributeError):
        return False
    if spec is None:
        return False
    places = [spec.origin] if spec.origin and spec.has_location else []
    places += list(spec.submodule_search_locations or ())
    if not places:  # built-in, frozen or a loader with no file: not a framework install
        return False
    cwd = Path.cwd().resolve()  # where a '' or '.' entry of sys.path (Jupyter) looks
    stdlib = {
        Path(p).resolve()
        for p in (sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib"))
        if p and _inside(Path(p).resolve(), Path(sys.base_prefix).resolve())
    }
    results = Path(folder).resolve() if folder is not None else None
    for place in places:
        try:
            where = Path(place).resolve()
        except (OSError, RuntimeError):
            return False
        # the folder it was found in: a package's parent, or a module file's folder
        found_in = where.parent.parent if where.name == "__init__.py" else where.parent
        if found_in == cwd or (results is not None and _inside(where, results)):
            return False
        in_packages = any(p in ("site-packages", "dist-packages") for p in where.parts[:-1])
        if not (in_packages or any(_inside(where, s) for s in stdlib)):
            return False
    return True


class CallableResolver:
    """Resolves ``{"callable": "module:qualname"}`` entries, only from allowed modules.

    A module may be *imported* only when it is in :data:`TRUSTED_MODULES` or ``trust``; a
    module already in ``sys.modules`` (outside the standard library) may be *looked up*. The
    object found must be a class or a function whose ``__module__``/``__qualname__`` are the
    ones recorded. Anything else comes back as its recorded label, listed in ``refused``.
    """

    def __init__(
        self, trust: Iterable[str] | str | None = None, folder: Path | None = None
    ) -> None:
        if isinstance(trust, str):
            trust = [trust]
        self.trust = [str(t) for t in trust or ()]
        self.folder = folder
        self.refused: list[str] = []

    def resolve(self, value: Mapping[str, Any]) -> Any:
        target = value.get("callable")
        label = value.get("label")
        if not isinstance(label, str):
            label = str(target).rpartition(":")[2].rpartition(".")[2] or str(target)
        obj = self._lookup(target) if isinstance(target, str) else None
        if obj is None:
            self.refused.append(str(target))
            return label
        return obj

    def trustable(self, target: str) -> bool:
        """Whether naming ``target``'s module in ``trust`` could resolve it."""
        module = target.partition(":")[0]
        return bool(module) and not _within(module, (*NEVER_TRUSTED, *TRUSTED_MODULES, *self.trust))

    def _lookup(self, target: str) -> Any:
        module_name, _, qualname = target.partition(":")
        parts = qualname.split(".")
        if (
            not module_name
            or not qualname
            or _within(module_name, NEVER_TRUSTED)
            or any(not p.isidentifier() or p.startswith("__") for p in parts)
        ):
            return None
        explicit = _within(module_name, (*TRUSTED_MODULES, *self.trust))
        module = sys.modules.get(module_name)
        top = module_name.partition(".")[0]
        if module is None and explicit:
            framework = _within(module_name, TRUSTED_MODULES) and not _within(
                module_name, self.trust
            )
            if framework and top not in sys.modules and not _installed(top, self.folder):
                return None  # not installed: a file of that name must not stand in for it
            try:
                module = importlib.import_module(module_name)
            except Exception:  # not installed or broken: keep the label
                return None
        elif module is not None and not explicit and top in sys.stdlib_module_names:
            return None  # only the user's own, already-imported code
        if module is None:
            return None
        obj: Any = module
        for part in parts:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        routine = inspect.isfunction(obj) or (explicit and inspect.isbuiltin(obj))
        if not (inspect.isclass(obj) or routine):
            return None
        if getattr(obj, "__module__", None) != module_name:
            return None
        if getattr(obj, "__qualname__", None) != qualname:
            return None
        return obj

    def warn(self, source: str = "the manifest") -> None:
        if not self.refused:
            return
        refused = sorted(set(self.refused))
        modules = sorted({t.partition(":")[0] for t in refused if self.trustable(t)})
        fix = (
            f"if you trust the module(s) {modules}, pass them, e.g. "
            f"Experiment(path).params(n, trust={modules!r})"
            if modules
            else "none: these names do not lead to a class or function scanlab may return "
            "(os, subprocess, builtins, ... never are), so use the names as they are"
        )
        warnings.warn(
            f"{source} names callables that were not resolved: {refused}; they come back as "
            f"their recorded names (str). A results folder is shared data, so scanlab imports "
            f"only {list(TRUSTED_MODULES)} and the modules in trust=, looks up modules you "
            f"already imported, and returns only classes and functions whose module and "
            f"name match the record. Fix: {fix}.",
            UserWarning,
            stacklevel=3,
        )


def decode_value(
    value: Any, trust: Iterable[str] | str | None = None, folder: Path | None = None
) -> Any:
    """Inverse of :func:`encode_value`; callables are resolved only from allowed modules.

    A ``{"callable": "module:qualname"}`` entry becomes that class or function only when
    ``module`` is a deep-learning framework (:data:`TRUSTED_MODULES`: ``keras``,
    ``tensorflow``, ``torch``, ``jax`` and their submodules; imported only from an installed
    copy in ``site-packages``, never from a same-named file in the results folder or the
    current directory), a module in ``trust``, or a
    module already imported (outside the standard library), and the object found has the
    recorded ``__module__`` and ``__qualname__``. Nothing else is imported: a manifest is
    shared data and must not run code. Modules in :data:`NEVER_TRUSTED` (``os``,
    ``subprocess``, ``builtins``, ...) are never resolved. A callable that is not resolved
    comes back as its recorded label (e.g. ``'Adam'``), with a warning saying how to opt in.

    Parameters
    ----------
    value : object
        A value as written by :func:`encode_value`.
    trust : str or iterable of str, optional
        More modules (with their submodules) that may be imported to resolve callables.
    folder : path-like, optional
        The results folder the value was read from: a framework module is imported only
        from an installed copy (``site-packages``), never from this folder or the current
        directory.

    Returns
    -------
    object
        The class or function for an allowed ``{"callable": ...}``, else its label; the
        label string for ``{"repr": ...}``; else ``value`` itself.

    Examples
    --------
    >>> decode_value({"callable": "payload:run", "label": "run"})  # doctest: +SKIP
    'run'
    >>> decode_value({"callable": "mymodels:swish2"}, trust=["mymodels"])  # doctest: +SKIP
    <function swish2 at ...>
    """
    resolver = CallableResolver(trust, folder)
    out = decode_with(value, resolver)
    resolver.warn()
    return out


def decode_with(value: Any, resolver: CallableResolver) -> Any:
    if isinstance(value, dict) and "callable" in value:
        return resolver.resolve(value)
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    return value
