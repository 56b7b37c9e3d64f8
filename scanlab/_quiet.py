"""Framework start-up noise kept out of the command line's terminal.

TensorFlow writes notes to the process's stderr file descriptor when it is imported (the
oneDNN note, ``cpu_feature_guard``, ``cudart_stub``, absl's "All log messages before
absl::InitializeLog()" line) and on first use (``failed call to cuInit`` without a GPU);
in a terminal they land inside the progress bar. :func:`quiet_frameworks` (called by
``python -m scanlab demo`` unless ``--verbose``, and by the worker processes it starts)
raises TensorFlow's C++ log level, mutes the stderr descriptor while ``tensorflow`` is
imported, and ignores the frameworks' Python warnings. Errors still surface: an import
that fails raises its exception as usual.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

__all__ = ["QUIET_ENV", "quiet_frameworks"]

#: Set to ``1`` in the environment of the processes started while quiet (worker processes).
QUIET_ENV = "SCANLAB_QUIET_FRAMEWORKS"

_FRAMEWORKS = r"(tensorflow|keras|absl|jax|torch|google\.protobuf)(\..*)?$"


def quiet_frameworks() -> None:
    """Keep framework log noise out of this process's stderr (and its children's).

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` unless already set, marks the environment
    (:data:`QUIET_ENV`) for worker processes, ignores Python warnings raised from the
    frameworks' modules, and mutes file descriptor 2 while TensorFlow is first imported.

    Examples
    --------
    >>> import os
    >>> quiet_frameworks()                     # doctest: +SKIP
    >>> os.environ['TF_CPP_MIN_LOG_LEVEL']     # doctest: +SKIP
    '3'
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ[QUIET_ENV] = "1"
    warnings.filterwarnings("ignore", module=_FRAMEWORKS)
    if "tensorflow" not in sys.modules and not any(
        isinstance(f, _MutedImport) for f in sys.meta_path
    ):
        sys.meta_path.insert(0, _MutedImport())


@contextlib.contextmanager
def _muted_stderr() -> Iterator[None]:
    """File descriptor 2 pointed at the null device for the duration."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2: nothing to mute
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _MutedImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` once, with a loader that runs its ``__init__`` muted."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once; and find the real spec without this finder
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _MutedLoader(spec.loader)
        return spec


class _MutedLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        if module.__spec__ is not None:  # the real loader, as if no one had been here
            module.__spec__.loader = self.loader
        module.__loader__ = self.loader
        with _muted_stderr():
            self.loader.exec_module(module)
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
