"""The members of a deploy archive, read safely (shared by every format ``Restore`` reads).

An archive is shared data: members that leave the archive's folder, links and oversized
tables are refused before anything is read, numpy members are read without unpickling, and
Keras models load in ``safe_mode``.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from scanlab.errors import ResultsFormatError

__all__ = ["ArchiveMembers", "PICKLED"]

# Tables, samples and JSON are read into memory: a member larger than this is refused.
_MAX_MEMBER = 1 << 30
PICKLED = "a numpy object array, which only unpickling can read, and unpickling an archive can run any code"


class ArchiveMembers:
    """The checked members of an open deploy archive, and safe readers for them.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open archive; it must stay open while members are read.
    path : str
        The archive's path, for error messages.

    Attributes
    ----------
    names : list of str
        The archive's file members, in order (folders left out).
    unreadable : dict
        Attribute -> why it could not be restored (members refused as pickles).

    Raises
    ------
    ResultsFormatError
        A member is an absolute path, leaves the archive's folder, is a link, or is a table
        larger than any deploy archive needs.

    Examples
    --------
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, 'w') as archive:
    ...     archive.writestr('details.json', '{"experiment_name": "demo"}')
    >>> with zipfile.ZipFile(buffer) as archive:
    ...     members = ArchiveMembers(archive, 'demo.zip')
    ...     members.names, members.read_json('details.json')
    (['details.json'], {'experiment_name': 'demo'})
    """

    def __init__(self, archive: zipfile.ZipFile, path: str) -> None:
        self.archive = archive
        self.path = path
        self.unreadable: dict[str, str] = {}
        self.names = self._check(archive)

    def _check(self, archive: zipfile.ZipFile) -> list[str]:
        names = []
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            mode = info.external_attr >> 16
            if (
                path.is_absolute()
                or ".." in path.parts
                or "\\" in info.filename
                or (mode and (mode & 0o170000) == 0o120000)
            ):
                raise ResultsFormatError(
                    f"{self.path!r}: member {info.filename!r} is an absolute path, leaves the "
                    f"archive's folder or is a link. Fix: use an archive written by Deploy."
                )
            if info.file_size > _MAX_MEMBER and not info.filename.endswith((".keras", ".h5")):
                raise ResultsFormatError(
                    f"{self.path!r}: member {info.filename!r} unpacks to {info.file_size:,} "
                    f"bytes, more than a deploy archive's tables and samples ever need "
                    f"({_MAX_MEMBER:,}). Fix: use an archive written by Deploy."
                )
            if not info.is_dir():
                names.append(info.filename)
        return names

    def read(self, name: str) -> bytes:
        """The member's content.

        Parameters
        ----------
        name : str
            The member.

        Returns
        -------
        bytes
        """
        return self.archive.read(name)

    def read_json(self, name: str) -> Any:
        """The member, read as JSON.

        Parameters
        ----------
        name : str
            The member.

        Returns
        -------
        object
            What the JSON holds.
        """
        try:
            return json.loads(self.read(name))
        except ValueError as exc:
            raise ResultsFormatError(
                f"{self.path!r}: member {name!r} is not JSON ({exc}). "
                f"Fix: use an archive written by Deploy."
            ) from exc

    def read_csv(self, name: str, **options: Any) -> pd.DataFrame:
        """The member, read as CSV (an empty member gives an empty DataFrame).

        Parameters
        ----------
        name : str
            The member.
        **options
            For ``pandas.read_csv``.

        Returns
        -------
        pandas.DataFrame
        """
        data = self.read(name)
        return pd.read_csv(io.BytesIO(data), **options) if data.strip() else pd.DataFrame()

    def read_npy(self, name: str, attribute: str) -> Any:
        """The member, read as a numpy array without unpickling.

        Parameters
        ----------
        name : str
            The member.
        attribute : str
            The Restore attribute it is for: an object array is recorded in ``unreadable``
            under this name.

        Returns
        -------
        numpy.ndarray or None
            None when the member is an object array (a pickle).
        """
        try:
            return np.load(io.BytesIO(self.read(name)), allow_pickle=False)
        except ValueError:
            self.unreadable[attribute] = f"member {name!r} is {PICKLED}"
            return None

    def check_sha(self, name: str, expected: str | None) -> None:
        """Refuse a member whose SHA-256 is not the one the manifest names.

        Parameters
        ----------
        name : str
            The member.
        expected : str or None
            The hex digest; None or empty: not checked.
        """
        if expected and hashlib.sha256(self.read(name)).hexdigest() != expected:
            raise ResultsFormatError(
                f"{self.path!r}: member {name!r} does not match the SHA-256 in manifest.json "
                f"(the archive was changed or damaged). Fix: deploy the model again."
            )

    def load_keras(self, name: str, custom_objects: dict[str, Any] | None) -> Any:
        """The member, loaded as a ``.keras`` model in Keras's safe mode (not compiled).

        Parameters
        ----------
        name : str
            The member.
        custom_objects : dict or None
            Custom layers, losses, ... the model needs.

        Returns
        -------
        keras.Model
        """
        import keras

        with tempfile.TemporaryDirectory(prefix="scanlab-restore-") as tmp:
            target = Path(tmp) / "model.keras"
            with self.archive.open(name) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            try:
                return keras.saving.load_model(
                    target, custom_objects=custom_objects, compile=False, safe_mode=True
                )
            except Exception as exc:
                raise ResultsFormatError(
                    f"{self.path!r}: member {name!r} could not be loaded by Keras in safe mode "
                    f"({type(exc).__name__}: {exc}). Fix: pass custom_objects={{'Name': class}} "
                    f"for custom layers; a Lambda layer's code is never run from an archive."
                ) from exc
