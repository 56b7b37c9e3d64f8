"""Text cleaning, the vectorizer and the ``Scan(preprocess=TextPreprocess())`` hook."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from _fakes import FakeHistory

import scanlab
from scanlab._fold_data import ReadRecorder
from scanlab._text_cleaning import _stem
from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError
from scanlab.text import (
    CLEANING,
    OOV_INDEX,
    PAD_INDEX,
    TextPreprocess,
    Vectorizer,
    clean_texts,
)

SENTENCE = "The Dogs were running home, and it's 5 o'clock!"


def test_tokens_keep_numbers_and_apostrophes_inside_words():
    assert clean_texts([SENTENCE, "", "'quoted' -- ok?"], lowercase=False) == [
        "The Dogs were running home and it's 5 o'clock",
        "",
        "quoted ok",
    ]


def test_stop_words_are_scikit_learns_and_stems_are_porters():
    assert clean_texts([SENTENCE]) == ["the dogs were running home and it's 5 o'clock"]
    assert clean_texts([SENTENCE], stop_words=True) == ["dogs running home it's 5 o'clock"]
    assert clean_texts([SENTENCE], stop_words=True, lowercase=False) == [
        "Dogs running home it's 5 o'clock"  # 'The' is a stop word whatever its case
    ]
    stemmed = clean_texts(["running studies happily", "Running"], stem=True)
    assert stemmed == ["run studi happili", "run"]


def test_stemming_is_memoized_per_word():
    clean_texts(["flowering gardens"], stem=True)
    hits = _stem.cache_info().hits
    clean_texts(["flowering gardens flowering"], stem=True)
    assert _stem.cache_info().hits == hits + 3


def test_cleaning_levels_each_add_a_step():
    assert list(CLEANING) == ["none", "lower", "stop", "stem"]
    cleaned = [clean_texts(["The Cats are Sleeping"], **CLEANING[name])[0] for name in CLEANING]
    assert cleaned == [
        "The Cats are Sleeping",
        "the cats are sleeping",
        "cats sleeping",
        "cat sleep",
    ]


def test_vocabulary_is_by_frequency_with_ties_alphabetical():
    vectorizer = Vectorizer(vocab_size=5, length=3).fit(["b c a", "c b", "c d e", "e"])
    # c: 3; b, e: 2 (b first); a, d: 1 (cut by the size, which counts padding and [UNK])
    assert vectorizer.vocabulary == ["", "[UNK]", "c", "b", "e"]
    matrix = vectorizer.transform(["a b c", "e", ""])
    assert matrix.dtype == np.int32 and matrix.shape == (3, 3)
    assert matrix.tolist() == [[OOV_INDEX, 3, 2], [PAD_INDEX, PAD_INDEX, 4], [0, 0, 0]]


@pytest.mark.parametrize(
    ("truncate", "pad", "expected"),
    [
        ("post", "pre", [[2, 3, 4], [0, 0, 2]]),
        ("pre", "pre", [[4, 5, 6], [0, 0, 2]]),
        ("post", "post", [[2, 3, 4], [2, 0, 0]]),
        ("pre", "post", [[4, 5, 6], [2, 0, 0]]),
    ],
)
def test_truncation_and_padding_ends(truncate, pad, expected):
    vectorizer = Vectorizer(10, 3, truncate=truncate, pad=pad).fit(["a b c d e"])
    assert vectorizer.transform(["a b c d e", "a"]).tolist() == expected


def test_the_defaults_keep_a_texts_start_and_pad_before_it():
    vectorizer = Vectorizer(10, 2).fit(["how many"])
    assert vectorizer.transform(["how many people", "how"]).tolist() == [[2, 3], [0, 2]]


def test_a_word_seen_only_in_validation_is_out_of_vocabulary():
    hook = TextPreprocess(vocab_size=100, length=3)
    x_train, y_train, x_val, y_val = hook(
        np.array(["who is it", "is it"]), np.array([0, 1]), ["zebra is"], np.array([1]), {}
    )
    assert x_val.tolist() == [[0, OOV_INDEX, 2]]  # 'is' and 'it' tie: 'is' is 2
    assert x_train.tolist() == [[4, 2, 3], [0, 2, 3]]
    assert y_train.tolist() == [0, 1] and y_val.tolist() == [1]  # labels unchanged


def test_the_hook_reads_only_its_three_keys_with_defaults():
    params = ReadRecorder({"vocab_size": 4, "lr": 0.1, "units": 8})
    x_train, _, _, _ = TextPreprocess(length=5, cleaning="stem")(
        ["Running dogs", "running"], [0, 1], ["dog"], [0], params
    )
    assert params.read == {"vocab_size", "seq_len", "cleaning"}
    assert x_train.tolist() == [[0, 0, 0, 2, 3], [0, 0, 0, 0, 2]]  # 'run' x2 is 2, 'dog' 3
    custom = TextPreprocess(vocab_key="words", length_key="n", cleaning_key="clean")
    params = ReadRecorder({"words": 50, "n": 2, "clean": "none"})
    assert custom(["A b"], [0], ["a"], [0], params)[2].tolist() == [[0, 1]]  # case kept
    assert params.read == {"words", "n", "clean"}


def test_the_hook_pickles_for_worker_processes():
    hook = TextPreprocess(vocab_size=30, length=4, cleaning="stop")
    copy = pickle.loads(pickle.dumps(hook))
    assert repr(copy) == repr(hook)
    texts = ["the cat sat", "a dog ran far away"]
    assert np.array_equal(
        copy(texts, [0, 1], texts, [0, 1], {})[0], hook(texts, [0, 1], texts, [0, 1], {})[0]
    )


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Vectorizer(2, 5), ScanArgumentError, r"vocab_size must be an int >= 3, got 2\."),
        (lambda: Vectorizer(10, 0), ScanArgumentError, r"length must be an int >= 1, got 0"),
        (
            lambda: Vectorizer(True, 5),
            ScanArgumentError,
            r"vocab_size must be an int >= 3, got True",
        ),
        (
            lambda: Vectorizer(10, 5, truncate="middle"),
            ScanArgumentError,
            r"truncate must be one of",
        ),
        (lambda: Vectorizer(10, 5).transform(["a"]), ScanArgumentError, r"must be fitted before"),
        (
            lambda: TextPreprocess(cleaning="heavy"),
            ScanArgumentError,
            r"cleaning must be one of \['none'",
        ),
        (
            lambda: TextPreprocess(length=0.5),
            ScanArgumentError,
            r"length must be an int >= 1, got 0\.5",
        ),
        (
            lambda: TextPreprocess(vocab_key=""),
            ScanArgumentTypeError,
            r"vocab_key must be a params key",
        ),
        (
            lambda: clean_texts("one text"),
            ScanArgumentTypeError,
            r"texts must be a sequence of texts, not one",
        ),
        (
            lambda: clean_texts([1.5]),
            ScanArgumentTypeError,
            r"texts\[0\] must be a str \(a text\), got 1\.5",
        ),
    ],
)
def test_bad_arguments_are_refused_at_once(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("params", "x_train", "error", "match"),
    [
        (
            {"vocab_size": 2},
            ["a"],
            ParamsError,
            r"params\['vocab_size'\] must be an int >= 3, got 2",
        ),
        ({"seq_len": 0}, ["a"], ParamsError, r"params\['seq_len'\] must be an int >= 1, got 0"),
        (
            {"cleaning": "lemma"},
            ["a"],
            ParamsError,
            r"params\['cleaning'\] must be one of .*'lemma'",
        ),
        (
            {},
            np.zeros((2, 3)),
            ScanArgumentTypeError,
            r"x_train must be 1-D, one text a row, got 'array of shape \(2, 3\)'",
        ),
        ({}, [1, 2], ScanArgumentTypeError, r"x_train\[0\] must be a str"),
    ],
)
def test_bad_values_in_a_run_fail_it(params, x_train, error, match):
    with pytest.raises(error, match=match):
        TextPreprocess()(x_train, [0], ["a"], [0], params)


SEEN: list[tuple] = []


def _shape_model(x_train, y_train, x_val, y_val, params):
    """A Talos-contract model that trains nothing and records what it received."""
    SEEN.append(
        (x_train.dtype, x_train.shape, x_val.shape, params["vocab_size"], int(x_train.max()))
    )
    loss = [1.0 / params["vocab_size"]]
    return FakeHistory({"loss": loss, "val_loss": loss}), None


def test_inside_a_scan_the_hook_runs_once_per_setting_it_reads(tmp_path):
    SEEN.clear()
    rng = np.random.default_rng(0)
    words = np.array(
        ["what", "who", "how", "many", "is", "the", "a", "capital", "wrote", "book", "live"]
    )
    x = np.array([" ".join(rng.choice(words, 5)) for _ in range(30)])
    params = {"vocab_size": [4, 50], "seq_len": [6], "lr": [0.1, 0.2, 0.3], "epochs": [1]}
    scan = scanlab.Scan(
        x,
        np.arange(30) % 2,
        params=params,
        model=_shape_model,
        experiment_name="text",
        results_dir=tmp_path,
        preprocess=TextPreprocess(),
        disable_progress_bar=True,
        seed=2,
        val_split=0.3,
    )
    assert (scan.data["status"] == "ok").all() and len(scan.data) == 6
    assert {(str(dtype), train, val) for dtype, train, val, _, _ in SEEN} == {
        ("int32", (21, 6), (9, 6))
    }
    assert {vocab: top < vocab for _, _, _, vocab, top in SEEN} == {4: True, 50: True}
    records = [json.loads(line) for line in (scan.round_path / "history.jsonl").open()]
    cached = sorted(record["preprocess"]["cached"] for record in records)
    assert cached == [False, False, True, True, True, True]  # 2 vocabularies, not 6 runs


def test_a_bad_params_value_fails_its_run_with_the_rule(tmp_path):
    with pytest.raises(scanlab.errors.TooManyFailuresError):
        scanlab.Scan(
            np.array(["a b"] * 10),
            np.arange(10) % 2,
            params={"vocab_size": [2], "lr": [0.1, 0.2, 0.3, 0.4, 0.5], "epochs": [1]},
            model=_shape_model,
            experiment_name="bad",
            results_dir=tmp_path,
            preprocess=TextPreprocess(),
            disable_progress_bar=True,
        )
    rows = scanlab.load_results(tmp_path / "bad")
    assert rows["error"].str.contains(r"params\['vocab_size'\] must be an int >= 3, got 2").all()
