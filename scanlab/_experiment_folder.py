"""An experiment folder as a Scan writes it: which round to write (resume or next, refusing
damaged metadata next to runs), the lock that keeps one writer per experiment, and what a
round's fingerprint and recorded versions are.

``results/<experiment_name>/round-NNN/`` holds one round. A Scan whose settings match a
round's manifest (the latest one, or an earlier one: running round 1's call again after
round 4 resumes round 1) resumes that round; any other Scan starts the next round.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from scanlab._files import result_parts, round_dirs
from scanlab._schema import HISTORY_FILE, MANIFEST_FILE
from scanlab.errors import ExperimentLockedError, ResultsFormatError
from scanlab.space import ParamSpace

__all__ = [
    "ExperimentFolder",
    "RoundInfo",
    "fingerprint",
    "load_manifest",
    "round_number",
    "versions",
]


def fingerprint(space: ParamSpace, settings: Mapping[str, Any]) -> str:
    """A hash of what decides a round's set of runs: the grid's labels and the sampling.

    Parameters
    ----------
    space : ParamSpace
        The round's grid (its value labels are hashed, not its values).
    settings : mapping
        The sampling settings (:meth:`scanlab._settings.ScanSettings.sampling`).

    Returns
    -------
    str
        16 hexadecimal digits of a SHA-1 of both as sorted JSON.
    """
    payload = {"grid": {n: space.value_labels[n] for n in space.names}, **settings}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    """Versions that matter for reproducing a round.

    Returns
    -------
    dict
        ``python``, ``scanlab``, the installed ones of ``keras``, ``tensorflow``, ``jax``
        and ``torch``, and ``backend``: Keras's backend when Keras is imported, else
        ``$KERAS_BACKEND`` (default ``tensorflow``).
    """
    from scanlab._version import __version__

    found = {"python": platform.python_version(), "scanlab": __version__}
    for package in ("keras", "tensorflow", "jax", "torch"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    keras = sys.modules.get("keras")  # importing Keras only to name its backend costs seconds
    found["backend"] = (
        keras.backend.backend()
        if keras is not None
        else os.environ.get("KERAS_BACKEND", "tensorflow")
    )
    return found


@dataclass
class RoundInfo:
    """Which round a Scan writes; ``manifest`` is set when it resumes that round.

    Parameters
    ----------
    number : int
        The round's number.
    path : Path
        Its folder, ``round-NNN``.
    manifest : dict or None
        The manifest of the round being resumed; None for a new round.
    latest : int, default 0
        The experiment's latest round number before this Scan (0: none).
    """

    number: int
    path: Path
    manifest: dict[str, Any] | None
    latest: int = 0


class ExperimentFolder:
    """``results/<experiment_name>/``: its rounds and its writer lock.

    Parameters
    ----------
    path : Path
        The experiment folder (created if missing).
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path / ".lock"), timeout=0)

    def acquire(self) -> None:
        """Take the experiment's lock, or refuse if another process holds it."""
        try:
            self._lock.acquire()
        except Timeout:
            raise ExperimentLockedError(
                f"experiment {str(self.path)!r} is being scanned by another process right now "
                f"(its lock file {str(self.path / '.lock')!r} is held). Wait for that scan to "
                f"finish, stop it, or use another experiment_name."
            ) from None
        except OSError as exc:
            lock = self.path / ".lock"
            link = lock.is_symlink()
            problem = (
                "is a symbolic link, which scanlab never follows"
                if link
                else f"could not be opened: {exc.strerror or exc}"
            )
            fix = (
                f"remove the link ({str(lock)!r}; its target is not touched), then run again"
                if link
                else "check the folder's permissions (scanlab must be able to create and "
                "write this file) and that it is not a folder, then run again"
            )
            raise ResultsFormatError(
                f"could not take the lock of experiment {str(self.path)!r}: its lock file "
                f"{str(lock)!r} {problem}. Fix: {fix}."
            ) from exc

    def release(self) -> None:
        """Release the lock (also released by the OS if the process dies)."""
        if self._lock.is_locked:
            self._lock.release()

    def rounds(self) -> list[Path]:
        """Round folders, oldest first.

        Returns
        -------
        list of Path
        """
        return round_dirs(self.path)

    def resolve_round(self, fingerprint_: str, resume: bool) -> RoundInfo:
        """The round to write: the latest one if its fingerprint matches, else a new one.

        Parameters
        ----------
        fingerprint_ : str
            The new Scan's :func:`fingerprint`.
        resume : bool
            Whether resuming is allowed; False always starts a new round.

        Returns
        -------
        RoundInfo
            The latest round, with its manifest, when ``resume`` is true and its manifest's
            fingerprint matches; else the newest earlier round whose manifest matches (the
            same call run again after later rounds); the latest round, without a manifest, when it holds no run
            and no usable manifest (a scan that died before its first run); else the next
            round number, not yet created.

        Raises
        ------
        ResultsFormatError
            When ``resume`` is true and the latest round holds runs but its manifest is
            missing, unreadable or not scanlab's: resuming or not cannot be decided, and
            guessing would re-train runs already done.
        """
        rounds = self.rounds()
        if not rounds:
            return RoundInfo(1, self.path / "round-001", None)
        latest = rounds[-1]
        number = round_number(latest)
        manifest, problem = load_manifest(latest)
        if manifest is not None and not isinstance(manifest.get("fingerprint"), str):
            problem = "missing its 'fingerprint' (a manifest scanlab did not write whole)"
        if problem is None:
            assert manifest is not None
            if resume and manifest["fingerprint"] == fingerprint_:
                return RoundInfo(number, latest, manifest, number)
            earlier = self._earlier_match(rounds[:-1], fingerprint_) if resume else None
            if earlier is not None:
                return RoundInfo(*earlier, number)
            return RoundInfo(number + 1, self.path / f"round-{number + 1:03d}", None, number)
        runs = _runs_on_disk(latest)
        if runs == 0:  # a round that died before its first run: write it, don't skip it
            for part in result_parts(latest):  # header-only parts would impose their columns
                part.unlink()
            return RoundInfo(number, latest, None, number)
        if not resume:
            return RoundInfo(number + 1, self.path / f"round-{number + 1:03d}", None, number)
        file = latest / MANIFEST_FILE
        held = "an unknown number of runs" if runs < 0 else f"{runs} run(s)"
        raise ResultsFormatError(
            f"{str(file)!r} is {problem}, but {latest.name} holds {held} on disk; without "
            f"the manifest scanlab cannot tell whether this Scan resumes that round or starts "
            f"a new one, and will not re-train runs already done. Fix: restore the file (from "
            f"a backup or a copy of the experiment), or pass resume=False to start a new "
            f"round (round-{number + 1:03d}) next to it, or delete the folder "
            f"{str(latest)!r} to run its runs again."
        )

    @staticmethod
    def _earlier_match(
        rounds: list[Path], fingerprint_: str
    ) -> tuple[int, Path, dict[str, Any]] | None:
        """The newest of ``rounds`` whose readable manifest has this fingerprint."""
        for folder in reversed(rounds):
            manifest, problem = load_manifest(folder)
            if problem is None and manifest and manifest.get("fingerprint") == fingerprint_:
                return round_number(folder), folder, manifest
        return None


def load_manifest(round_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A round's manifest, or None and what is wrong with the file (for messages)."""
    path = round_dir / MANIFEST_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "missing"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"unreadable ({type(exc).__name__}: {exc})"
    try:
        found = json.loads(text)
    except ValueError as exc:
        return None, f"not valid JSON ({exc})"
    if not isinstance(found, dict):
        return None, f"a JSON {type(found).__name__}, not an object"
    return found, None


def _runs_on_disk(round_dir: Path) -> int:
    """How many runs a round folder holds (CSV rows, history records, saved models);
    -1 when a file cannot be read (count it as holding runs)."""
    try:
        rows = 0
        for part in result_parts(round_dir):
            lines = [ln for ln in part.read_bytes().splitlines() if ln.strip()]
            rows += max(0, len(lines) - 1)
        history = round_dir / HISTORY_FILE
        records = (
            sum(1 for ln in history.read_bytes().splitlines() if ln.strip())
            if history.exists()
            else 0
        )
        models_dir = round_dir / "models"
        models = sum(1 for _ in models_dir.iterdir()) if models_dir.is_dir() else 0
    except OSError:
        return -1
    return max(rows, records, models)


def round_number(path: Path) -> int:
    return int(path.name.split("-")[1])
