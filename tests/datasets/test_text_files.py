"""Loaders of the user's own text files, on the small samples in tests/data/text/: CARER
splits, a folder per class, a CSV; and every bad input refused with name, rule, value, fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from scanlab.datasets import load_carer, load_text_csv, load_text_folder
from scanlab.errors import ScanArgumentError, ScanArgumentTypeError

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "text"


# ---- CARER -----------------------------------------------------------------------------------


def test_carer_reads_every_split_with_one_shared_sorted_class_list():
    splits = load_carer(SAMPLES / "carer")
    assert list(splits) == ["train", "val", "test"]
    classes = ("anger", "fear", "joy", "love", "sadness", "surprise")
    assert all(data.classes == classes for data in splits.values())
    assert [len(data.texts) for data in splits.values()] == [10, 3, 3]  # blank line skipped
    assert splits["train"].counts().to_dict() == {
        "anger": 1,
        "fear": 2,
        "joy": 3,
        "love": 1,
        "sadness": 2,
        "surprise": 1,
    }
    assert splits["test"].counts()["love"] == 0  # absent from test, same index as in train
    val = splits["val"]
    assert val.texts.tolist()[-1] == "i feel annoyed by the loud music"
    assert val.classes[val.labels[-1]] == "anger"


def test_carer_label_is_after_the_last_semicolon():
    train = load_carer(str(SAMPLES / "carer"))["train"]
    assert train.texts[-1] == "i feel grateful; my neighbour fixed the fence"
    assert train.classes[train.labels[-1]] == "joy"


def test_carer_missing_splits_are_absent(tmp_path):
    shutil.copy(SAMPLES / "carer" / "test.txt", tmp_path / "test.txt")
    splits = load_carer(tmp_path)
    assert list(splits) == ["test"]
    assert splits["test"].classes == ("joy", "sadness", "surprise")


def test_carer_is_stable():
    first, second = load_carer(SAMPLES / "carer"), load_carer(SAMPLES / "carer")
    assert all(np.array_equal(first[s].labels, second[s].labels) for s in first)


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (
            "i feel fine;joy\ni feel nothing at all\n",
            r"line 2 of '.*train.txt' must be 'text;label'.*got 'i feel nothing at all'\. Fix: correct or delete that line",
        ),
        ("i feel fine;\n", r"line 1 of .* must be 'text;label'.*got 'i feel fine;'"),
        (";joy\n", r"line 1 of .* must be 'text;label'.*got ';joy'"),
        (
            "\n\n",
            r"path must hold 'text;label' lines in train.txt, which has none.*Fix: fill train.txt",
        ),
    ],
)
def test_carer_bad_lines(tmp_path, content, match):
    _write(tmp_path, "train.txt", content)
    with pytest.raises(ScanArgumentError, match=match):
        load_carer(tmp_path)


def test_carer_bad_folders(tmp_path):
    with pytest.raises(
        ScanArgumentError,
        match=r"path must be an existing folder, got '.*nowhere'\. Fix: pass the folder that holds the CARER files",
    ):
        load_carer(tmp_path / "nowhere")
    _write(tmp_path, "train.csv", "x")
    with pytest.raises(
        ScanArgumentError,
        match=r"path must hold at least one of train.txt, val.txt, test.txt \(it holds \['train.csv'\]\)",
    ):
        load_carer(tmp_path)
    with pytest.raises(ScanArgumentError, match=r"path must be a folder, not a file"):
        load_carer(tmp_path / "train.csv")
    with pytest.raises(
        ScanArgumentTypeError, match=r"path must be a folder path \(str or os.PathLike\), got 3"
    ):
        load_carer(3)


# ---- a folder per class ----------------------------------------------------------------------


def test_folder_reads_sorted_classes_and_sorted_files_ignoring_other_entries(tmp_path):
    folder = shutil.copytree(SAMPLES / "reviews", tmp_path / "reviews")
    _write(folder, ".cache/1.txt", "hidden folder")  # hidden entries are not read
    _write(folder, "neg/.draft.txt", "hidden file")
    data = load_text_folder(folder)
    assert data.classes == ("neg", "pos", "unsup")
    assert data.counts().to_dict() == {"neg": 2, "pos": 3, "unsup": 1}  # notes.md ignored
    assert data.texts.tolist()[:5] == [
        "Slow, long and forgettable.",
        "The plot made no sense at all.",
        "A warm, funny film with a great cast.",
        "I laughed from start to end.\nWould watch again.\n",
        "The best story I have seen this year.",
    ]
    assert data.labels.tolist() == [0, 0, 1, 1, 1, 2]


def test_folder_classes_picks_subfolders():
    data = load_text_folder(SAMPLES / "reviews", classes=["pos", "neg"])
    assert data.classes == ("neg", "pos")
    assert len(data.texts) == 5


def test_folder_encoding(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.txt").write_bytes("£5".encode("latin-1"))
    with pytest.raises(
        ScanArgumentError,
        match=r"encoding must decode every file, but '.*1.txt' has an invalid byte at position 0, got 'utf-8'\. Fix: pass the files' encoding, e.g. encoding='latin-1'",
    ):
        load_text_folder(tmp_path)
    assert load_text_folder(tmp_path, encoding="latin-1").texts.tolist() == ["£5"]
    with pytest.raises(ScanArgumentError, match=r"encoding must name a text encoding, got 'utf-9'"):
        load_text_folder(tmp_path, encoding="utf-9")


def test_folder_bad_input(tmp_path):
    with pytest.raises(
        ScanArgumentError,
        match=r"path must be an existing folder, got '.*missing'\. Fix: pass a folder holding one subfolder of .txt files per class",
    ):
        load_text_folder(tmp_path / "missing")
    _write(tmp_path, "loose.txt", "a text beside, not in, a class folder")
    with pytest.raises(
        ScanArgumentError, match=r"path must hold one subfolder per class, but has none"
    ):
        load_text_folder(tmp_path)
    _write(tmp_path, "pos/1.md", "not a .txt")
    with pytest.raises(
        ScanArgumentError, match=r"must have .txt files in every class subfolder, but pos/ has none"
    ):
        load_text_folder(tmp_path)
    with pytest.raises(
        ScanArgumentError,
        match=r"classes must name subfolders of '.*' \(\['pos'\]\), got \['neg'\]",
    ):
        load_text_folder(tmp_path, classes=["neg"])


# ---- a CSV -----------------------------------------------------------------------------------


def test_csv_keeps_labels_as_strings_and_texts_that_look_missing():
    data = load_text_csv(SAMPLES / "reviews.csv", text="review", label="rating")
    assert data.classes == ("1", "2", "3", "5")
    assert data.counts().to_dict() == {"1": 2, "2": 1, "3": 1, "5": 4}
    assert data.texts.tolist()[3] == "NA"
    assert data.texts.tolist()[6] == "None"
    assert data.texts.tolist()[0] == "A warm, funny film with a great cast."
    assert [data.classes[i] for i in data.labels[:3]] == ["5", "1", "2"]


def test_csv_passes_read_csv_arguments(tmp_path):
    (tmp_path / "t.tsv").write_text("text\tlabel\nhello\tb\nbye\ta\n", encoding="utf-8")
    data = load_text_csv(tmp_path / "t.tsv", sep="\t", dtype={"text": str})
    assert data.texts.tolist() == ["hello", "bye"]
    assert data.labels.tolist() == [1, 0]


def test_csv_bad_input(tmp_path):
    with pytest.raises(
        ScanArgumentError,
        match=r"text must name a column of the CSV \(\['id', 'review', 'rating'\]\), got 'text'\. Fix: pass text=<the column holding the texts>",
    ):
        load_text_csv(SAMPLES / "reviews.csv")
    with pytest.raises(
        ScanArgumentError, match=r"label must name a column of the CSV .*, got 'stars'"
    ):
        load_text_csv(SAMPLES / "reviews.csv", text="review", label="stars")
    with pytest.raises(ScanArgumentError, match=r"path must be an existing file, got '.*none.csv'"):
        load_text_csv(tmp_path / "none.csv")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(ScanArgumentError, match=r"path must be a CSV with a header row"):
        load_text_csv(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("text,label\n", encoding="utf-8")
    with pytest.raises(ScanArgumentError, match=r"path must hold at least one row"):
        load_text_csv(tmp_path / "header.csv")
    (tmp_path / "gaps.csv").write_text("text,label\na,x\nb,\n,y\nc, \n", encoding="utf-8")
    with pytest.raises(
        ScanArgumentError,
        match=r"column 'text' must have a non-empty text in every row, but rows 2 \(0-based",
    ):
        load_text_csv(tmp_path / "gaps.csv")
    (tmp_path / "gaps.csv").write_text("text,label\na,x\nb,\nc,y\nd, \n", encoding="utf-8")
    with pytest.raises(
        ScanArgumentError,
        match=r"column 'label' must have a non-empty label in every row, but rows 1, 3 \(0-based",
    ):
        load_text_csv(tmp_path / "gaps.csv")
    with pytest.raises(
        ScanArgumentError, match=r"label must name another column than text, got 'text'"
    ):
        load_text_csv(tmp_path / "gaps.csv", label="text")
    with pytest.raises(ScanArgumentTypeError, match=r"text must be a column name \(str\), got 0"):
        load_text_csv(tmp_path / "gaps.csv", text=0)
