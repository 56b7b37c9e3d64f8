"""Labelled texts from the user's own files: CARER splits, a folder per class, or a CSV.

Every loader checks its input before reading a text and says what is wrong in one sentence:
the argument, the rule, the value and the fix (:func:`scanlab.errors.rule_message`). Class
names are always sorted, files read in sorted name order, so the same files give the same
arrays on every machine.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Any

from scanlab.datasets._text_data import TextData, text_data_from_names
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError, rule_message

__all__ = ["CARER_SPLITS", "load_carer", "load_text_csv", "load_text_folder"]

#: The split files :func:`load_carer` reads, in the order of the dict it returns.
CARER_SPLITS = ("train", "val", "test")

_SHOWN = 5  # how many offending rows or entries a message lists


def _existing(path: object, kind: str, fix: str) -> Path:
    """``path`` as a Path to an existing folder (``kind='folder'``) or file (``'file'``)."""
    if not isinstance(path, (str, os.PathLike)):
        raise ScanArgumentTypeError(
            rule_message("path", f"must be a {kind} path (str or os.PathLike)", path, fix)
        )
    found = Path(path)
    if not found.exists():
        raise ScanArgumentError(rule_message("path", f"must be an existing {kind}", str(path), fix))
    is_right_kind = found.is_dir() if kind == "folder" else found.is_file()
    if not is_right_kind:
        other = "file" if kind == "folder" else "folder"
        raise ScanArgumentError(
            rule_message("path", f"must be a {kind}, not a {other}", str(path), fix)
        )
    return found


def _visible(entries: list[Path]) -> list[Path]:
    return sorted(p for p in entries if not p.name.startswith("."))


def _read(file: Path, encoding: str) -> str:
    try:
        return file.read_text(encoding=encoding)
    except UnicodeDecodeError as error:
        raise ScanArgumentError(
            rule_message(
                "encoding",
                f"must decode every file, but {str(file)!r} has an invalid byte at "
                f"position {error.start}",
                encoding,
                "pass the files' encoding, e.g. encoding='latin-1'",
            )
        ) from None


def _rows(positions: list[int]) -> str:
    shown = ", ".join(str(p) for p in positions[:_SHOWN])
    more = f" and {len(positions) - _SHOWN} more" if len(positions) > _SHOWN else ""
    return f"{shown}{more}"


# ---- CARER -----------------------------------------------------------------------------------


def _read_carer_file(file: Path) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    names: list[str] = []
    for number, line in enumerate(_read(file, "utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        text, separator, label = line.rpartition(";")
        if not separator or not text.strip() or not label.strip():
            raise ScanArgumentError(
                rule_message(
                    f"line {number} of {str(file)!r}",
                    "must be 'text;label' (a text, a ';', then the class name)",
                    line,
                    "correct or delete that line",
                )
            )
        texts.append(text)
        names.append(label.strip())
    if not texts:
        raise ScanArgumentError(
            rule_message(
                "path",
                f"must hold 'text;label' lines in {file.name}, which has none",
                str(file),
                f"fill {file.name} or remove it",
            )
        )
    return texts, names


def load_carer(path: str | os.PathLike[str]) -> dict[str, TextData]:
    """The CARER emotion dataset's splits from a folder of ``train.txt``/``val.txt``/``test.txt``.

    CARER (Saravia et al., EMNLP 2018; the ``dair-ai/emotion`` set) is English tweets labelled
    with six emotions (``anger fear joy love sadness surprise``), usually shared as three UTF-8
    files of ``text;label`` lines: train 16,000, val 2,000 and test 2,000 lines. Nothing ships
    with scanlab: point at the folder holding your copy. Blank lines are skipped; the label is
    what follows the last ``';'``.

    Parameters
    ----------
    path : str or os.PathLike
        The folder. A split whose file is missing is absent from the result; at least one of
        the three files must be there.

    Returns
    -------
    dict of str to TextData
        ``'train'``, ``'val'``, ``'test'`` (those present, in that order), sharing one sorted
        class list: the union of every split's labels, so index 2 means the same class in
        every split.

    Raises
    ------
    ScanArgumentError
        The folder is missing or holds no split file, or a line is not ``text;label``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> _ = (folder / 'train.txt').write_text('i feel great;joy\\ni am so scared;fear\\n')
    >>> _ = (folder / 'test.txt').write_text('what a lovely day;joy\\n')
    >>> splits = load_carer(folder)
    >>> list(splits), splits['test'].classes, splits['test'].labels.tolist()
    (['train', 'test'], ('fear', 'joy'), [1])
    >>> tmp.cleanup()
    """
    fix = "pass the folder that holds the CARER files train.txt, val.txt and test.txt"
    folder = _existing(path, "folder", fix)
    files = {split: folder / f"{split}.txt" for split in CARER_SPLITS}
    files = {split: file for split, file in files.items() if file.is_file()}
    if not files:
        holds = [p.name for p in _visible(list(folder.iterdir()))]
        raise ScanArgumentError(
            rule_message(
                "path",
                f"must hold at least one of train.txt, val.txt, test.txt (it holds "
                f"{holds[:_SHOWN]}{' ...' if len(holds) > _SHOWN else ''})",
                str(path),
                fix,
            )
        )
    parsed = {split: _read_carer_file(file) for split, file in files.items()}
    classes = sorted({name for _, names in parsed.values() for name in names})
    return {
        split: text_data_from_names(texts, names, classes)
        for split, (texts, names) in parsed.items()
    }


# ---- a folder per class ----------------------------------------------------------------------


def load_text_folder(
    path: str | os.PathLike[str],
    *,
    classes: list[str] | tuple[str, ...] | None = None,
    encoding: str = "utf-8",
) -> TextData:
    """Texts from a folder holding one subfolder of ``.txt`` files per class (IMDB's layout).

    ``aclImdb/train`` (Maas et al., 2011) holds ``pos/`` and ``neg/`` and also ``unsup/``,
    50,000 unlabelled reviews: pass ``classes=['neg', 'pos']`` to leave it out. Each file is
    one text, read whole. Files that do not end in ``.txt``, files beside the subfolders, and
    hidden entries (names starting with ``'.'``) are ignored.

    Parameters
    ----------
    path : str or os.PathLike
        The folder.
    classes : list of str, optional
        The subfolders to read; default every visible subfolder.
    encoding : str, default 'utf-8'
        The files' text encoding.

    Returns
    -------
    TextData
        ``classes`` are the subfolder names, sorted; texts in class order, then in sorted file
        name order within a class (``'10_2.txt'`` before ``'9_1.txt'``: names, not numbers).

    Raises
    ------
    ScanArgumentError
        The folder is missing or has no class subfolder, a class subfolder has no ``.txt``
        file, a named class has no subfolder, or a file does not decode with ``encoding``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> for name, text in [('pos/1.txt', 'Loved it.'), ('neg/1.txt', 'Dull.')]:
    ...     (folder / name).parent.mkdir(exist_ok=True)
    ...     _ = (folder / name).write_text(text)
    >>> data = load_text_folder(folder)
    >>> data.classes, data.texts.tolist(), data.labels.tolist()
    (('neg', 'pos'), ['Dull.', 'Loved it.'], [0, 1])
    >>> tmp.cleanup()
    """
    fix = "pass a folder holding one subfolder of .txt files per class, e.g. pos/ and neg/"
    folder = _existing(path, "folder", fix)
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ScanArgumentError(
            rule_message("encoding", "must name a text encoding", encoding, "use e.g. 'utf-8'")
        ) from None
    subfolders = {p.name: p for p in _visible(list(folder.iterdir())) if p.is_dir()}
    if not subfolders:
        raise ScanArgumentError(
            rule_message("path", "must hold one subfolder per class, but has none", str(path), fix)
        )
    if classes is not None:
        unknown = [name for name in classes if name not in subfolders]
        if unknown or not classes:
            raise ScanArgumentError(
                rule_message(
                    "classes",
                    f"must name subfolders of {str(path)!r} ({sorted(subfolders)})",
                    classes,
                    "name existing subfolders, or leave classes out to read them all",
                )
            )
        subfolders = {name: subfolders[name] for name in classes}
    texts: list[str] = []
    names: list[str] = []
    for name in sorted(subfolders):
        files = [
            p
            for p in _visible(list(subfolders[name].iterdir()))
            if p.suffix.lower() == ".txt" and p.is_file()
        ]
        if not files:
            raise ScanArgumentError(
                rule_message(
                    "path",
                    f"must have .txt files in every class subfolder, but {name}/ has none",
                    str(path),
                    "add the class's texts as .txt files, or pass classes= without it",
                )
            )
        texts.extend(_read(file, encoding) for file in files)
        names.extend([name] * len(files))
    return text_data_from_names(texts, names)


# ---- a CSV -----------------------------------------------------------------------------------


def load_text_csv(
    path: Any, *, text: str = "text", label: str = "label", **read_csv_kwargs: Any
) -> TextData:
    """Texts and their class names from two columns of a CSV file.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The CSV, as :func:`pandas.read_csv` takes it.
    text : str, default 'text'
        The column holding the texts.
    label : str, default 'label'
        The column holding the class names. Read as strings (``1`` and ``'1'`` are one
        class); the classes are their sorted distinct values.
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv` (``sep``, ``encoding``, ...). By default the two
        columns are read as ``str`` and ``keep_default_na=False``, so a text such as
        ``'NA'`` or ``'None'`` stays a text.

    Returns
    -------
    TextData
        Texts in the file's row order.

    Raises
    ------
    ScanArgumentError
        The file is missing or empty, a column is not in it, or a text or label is empty.

    Examples
    --------
    >>> import io
    >>> csv = io.StringIO('review,stars\\nGreat fun,5\\nToo long,2\\nNA,5\\n')
    >>> data = load_text_csv(csv, text='review', label='stars')
    >>> data.classes, data.texts.tolist(), data.labels.tolist()
    (('2', '5'), ['Great fun', 'Too long', 'NA'], [1, 0, 1])
    """
    import pandas as pd

    for argument, value in (("text", text), ("label", label)):
        if not isinstance(value, str):
            raise ScanArgumentTypeError(
                rule_message(
                    argument, "must be a column name (str)", value, f"pass {argument}='...'"
                )
            )
    if text == label:
        raise ScanArgumentError(
            rule_message("label", "must name another column than text", label, "pass two columns")
        )
    if isinstance(path, (str, os.PathLike)):
        _existing(path, "file", "pass the path of an existing CSV file")
    dtype = read_csv_kwargs.pop("dtype", None)
    if dtype is None or isinstance(dtype, dict):
        dtype = {text: str, label: str, **(dtype or {})}
    read_csv_kwargs.setdefault("keep_default_na", False)
    try:
        table = pd.read_csv(path, dtype=dtype, **read_csv_kwargs)
    except pd.errors.EmptyDataError:
        raise ScanArgumentError(
            rule_message("path", "must be a CSV with a header row", str(path), "pass a CSV file")
        ) from None
    for argument, column in (("text", text), ("label", label)):
        if column not in table.columns:
            raise ScanArgumentError(
                rule_message(
                    argument,
                    f"must name a column of the CSV ({list(table.columns)})",
                    column,
                    f"pass {argument}=<the column holding the {argument}s>",
                )
            )
    if table.empty:
        raise ScanArgumentError(
            rule_message("path", "must hold at least one row", str(path), "pass a non-empty CSV")
        )
    columns: dict[str, list[str]] = {}
    for argument, column in (("text", text), ("label", label)):
        values = table[column]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if blank.any():
            positions = [int(i) for i in blank.to_numpy().nonzero()[0]]
            raise ScanArgumentError(
                rule_message(
                    f"column {column!r}",
                    f"must have a non-empty {argument} in every row, but rows "
                    f"{_rows(positions)} (0-based, header excluded) have none",
                    str(path),
                    "fill or drop those rows",
                )
            )
        columns[argument] = [str(value) for value in values.tolist()]
    return text_data_from_names(columns["text"], columns["label"])
