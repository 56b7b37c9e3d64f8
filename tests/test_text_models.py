"""Text classifier builders: every cell trains, params shape the model, bad values fail the
run, and the whole text pipeline (TextPreprocess + builder + TopKLoss) trains in a scan on the
TensorFlow backend in-process and on JAX in a subprocess."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import keras
import numpy as np
import pytest
from _fakes import subprocess_env

import scanlab
from scanlab.errors import ParamsError, ScanArgumentError, ScanArgumentTypeError
from scanlab.losses import TopKLoss
from scanlab.text import DEFAULT_LENGTH, DEFAULT_VOCAB_SIZE, TextPreprocess
from scanlab.text_models import CELLS, text_classifier

TINY = {"vocab_size": 20, "seq_len": 6, "embedding_dim": 4, "units": 3, "conv_filters": 4}
SEQUENCES = np.random.default_rng(0).integers(0, 20, size=(32, 6)).astype("int32")
LABELS = np.arange(32) % 3


def _layers(model, kind):
    return [layer for layer in model.layers if type(layer).__name__ == kind]


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_every_cell_builds_and_trains_one_epoch(cell):
    keras.utils.set_random_seed(0)
    model = text_classifier(3)({**TINY, "cell": cell, "dense_layers": 1, "dense_units": 4})
    assert model.output_shape == (None, 3) and model.input_shape == (None, 6)
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(SEQUENCES, LABELS, epochs=1, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and "accuracy" in history.history
    assert not np.allclose(before[0], model.get_weights()[0])  # the embedding learned


def test_params_shape_the_layers():
    build = text_classifier(2)
    stacked = build({**TINY, "layers": 2, "bidirectional": True, "spatial_dropout": 0.2,
                     "dropout": 0.3, "recurrent_dropout": 0.1, "l2": 1e-3})  # fmt: skip
    wrapped = _layers(stacked, "Bidirectional")
    assert [w.forward_layer.return_sequences for w in wrapped] == [True, False]
    assert wrapped[0].forward_layer.recurrent_dropout == 0.1
    assert wrapped[0].forward_layer.kernel_regularizer.l2 == pytest.approx(1e-3)
    assert _layers(stacked, "SpatialDropout1D")[0].rate == 0.2
    assert _layers(stacked, "Dropout")[0].rate == 0.3
    assert stacked.output_shape == (None, 2)  # two classes: still a softmax over 2
    conv = build({**TINY, "cell": "conv1d_lstm", "conv_kernel": 3, "pool_size": 2})
    assert [type(layer).__name__ for layer in conv.layers] == [
        "Embedding", "Conv1D", "MaxPooling1D", "LSTM", "Dense",
    ]  # fmt: skip
    assert conv.layers[1].kernel_size == (3,) and conv.layers[2].pool_size == (2,)
    assert _layers(build({**TINY, "cell": "simple_rnn"}), "SimpleRNN")[0].units == 3


def test_defaults_match_the_text_preprocess_hook():
    model = text_classifier(6)({})
    assert model.input_shape == (None, DEFAULT_LENGTH) == (None, TextPreprocess().length)
    embedding = _layers(model, "Embedding")[0]
    assert embedding.input_dim == DEFAULT_VOCAB_SIZE == TextPreprocess().vocab_size
    assert embedding.output_dim == 32 and _layers(model, "LSTM")[0].units == 100  # IMDB write-up
    custom = text_classifier(2, vocab_key="words", length_key="n")({"words": 7, "n": 3})
    assert custom.input_shape == (None, 3) and _layers(custom, "Embedding")[0].input_dim == 7


def test_optimizer_learning_rate_and_top_k_loss():
    model = text_classifier(3, metrics=["accuracy", "sparse_top_k_categorical_accuracy"])(
        {
            **TINY,
            "optimizer": keras.optimizers.RMSprop,
            "lr": 0.05,
            "loss_function": "top_k",
            "top_k": 5,
        }
    )
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    assert isinstance(model.loss, TopKLoss) and model.loss.k == 5
    assert isinstance(
        text_classifier(3)({**TINY, "optimizer": "sgd"}).optimizer, keras.optimizers.SGD
    )


def test_the_builder_pickles_for_worker_processes():
    build = pickle.loads(pickle.dumps(text_classifier(4, metrics=("accuracy",))))
    assert repr(build) == repr(text_classifier(4))
    assert build(TINY).output_shape == (None, 4)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (
            {"cell": "transformer"},
            r"params\['cell'\] must be one of \['conv1d', .*got 'transformer'",
        ),
        ({"units": 0}, r"params\['units'\] must be an int >= 1, got 0"),
        ({"vocab_size": 2}, r"params\['vocab_size'\] must be an int >= 3, got 2"),
        ({"dropout": 1.5}, r"params\['dropout'\] must be a number in \[0, 1\), got 1\.5"),
        ({"optimizer": "nope"}, r"params\['optimizer'\] must be a Keras optimizer name or class"),
        ({"optimizer": dict}, r"params\['optimizer'\] must be a Keras optimizer name or class"),
        ({"loss_function": "hinge"}, r"params\['loss_function'\] must be one of \['crossentropy'"),
        ({"bidirectional": "yes"}, r"params\['bidirectional'\] must be a bool, got 'yes'"),
    ],
)
def test_bad_params_values_fail_the_run(params, match):
    with pytest.raises(ParamsError, match=match):
        text_classifier(3)({**TINY, **params})


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_classes": 1}, ScanArgumentError, r"num_classes must be an int >= 2 .*, got 1\."),
        (
            {"num_classes": 3, "metrics": "accuracy"},
            ScanArgumentTypeError,
            r"metrics must be a list",
        ),
        (
            {"num_classes": 3, "length_key": 5},
            ScanArgumentTypeError,
            r"length_key must be a params",
        ),
    ],
)
def test_bad_arguments_are_refused_at_once(kwargs, error, match):
    with pytest.raises(error, match=match):
        text_classifier(**kwargs)


def _scan_kwargs(tmp_path, params, **overrides):
    texts = np.array(["what is it", "who is he", "how many are there"] * 4)
    kwargs = dict(
        x=texts,
        y=np.arange(12) % 3,
        params={"epochs": [1], **params},
        model=text_classifier(3),
        preprocess=TextPreprocess(),
        experiment_name="checked",
        results_dir=tmp_path,
        disable_progress_bar=True,
    )
    return {**kwargs, **overrides}


@pytest.mark.parametrize(
    ("params", "overrides", "error", "match"),
    [
        (
            {"cell": ["lstm", "lstn"]},
            {},
            ParamsError,
            r"^params\['cell'\] must be one of \['conv1d', .*got 'lstn'",
        ),
        (
            {"dropout": [0.2, 1.5]},
            {},
            ParamsError,
            r"^params\['dropout'\] must be a number in \[0, 1\), got 1\.5",
        ),
        (
            {"units": [8]},
            {"preprocess": TextPreprocess(vocab_size=20_000)},
            ScanArgumentError,
            r"^text_classifier's vocab_size must be at least TextPreprocess's vocab_size "
            r"\(20000\) when params do not set 'vocab_size' .* got 10000\. Fix: pass "
            r"vocab_size=20000 to text_classifier, or put 'vocab_size' in params",
        ),
        (
            {"units": [8]},
            {"preprocess": TextPreprocess(length=30)},
            ScanArgumentError,
            r"^text_classifier's length must equal TextPreprocess's length \(30\)",
        ),
        (
            {"units": [8]},
            {"model": text_classifier(3, vocab_key="words")},
            ScanArgumentError,
            r"^text_classifier's vocab_key must be the key TextPreprocess reads \('vocab_size'\)",
        ),
    ],
)
def test_a_scan_refuses_bad_values_and_a_mismatched_preprocess_before_training(
    tmp_path, params, overrides, error, match
):
    with pytest.raises(error, match=match):
        scanlab.Scan(**_scan_kwargs(tmp_path, params, **overrides))
    assert not (tmp_path / "checked").exists()


def test_matching_sizes_given_to_both_pass_the_check(tmp_path):
    build = text_classifier(3, vocab_size=20_000, length=30)
    hook = TextPreprocess(vocab_size=20_000, length=30)
    build.check_params({"vocab_size": [5_000], "cell": ["gru"]}, hook)
    build.check_params({"units": [4]}, hook)
    text_classifier(3, vocab_size=30_000, length=30).check_params({}, hook)  # larger: fine
    assert build({"units": 4}).input_shape == (None, 30)


QUESTIONS = {
    0: ["what is the capital of", "what does the word mean"],
    1: ["who wrote the first book", "who was the president"],
    2: ["how many people live in", "how many legs does a"],
}


def train_text_scan(results_dir):
    """One epoch of TextPreprocess + an LSTM text classifier + the top-k loss in a Scan;
    returns the backend and the run's row (used in-process and in a subprocess)."""
    rng = np.random.default_rng(1)
    labels = np.arange(36) % 3
    texts = np.array(
        [f"{rng.choice(QUESTIONS[label])} {rng.choice(['Paris?', 'it?'])}" for label in labels]
    )
    params = {"cell": ["lstm"], "units": [4], "embedding_dim": [4], "vocab_size": [30],
              "seq_len": [6], "cleaning": ["stop"], "loss_function": ["top_k"], "top_k": [4],
              "epochs": [1], "batch_size": [8]}  # fmt: skip
    scan = scanlab.Scan(
        texts,
        labels,
        params=params,
        model=text_classifier(3),
        preprocess=TextPreprocess(),
        experiment_name="text",
        results_dir=results_dir,
        disable_progress_bar=True,
        seed=0,
        val_split=0.25,
    )
    row = scan.data.iloc[0]
    return {
        "backend": keras.backend.backend(),
        "status": row["status"],
        "error": None if row["status"] == "ok" else row["error"],
        "epochs_run": int(row["epochs_run"]),
        "loss": float(row["loss"]),
        "val_accuracy": float(row["val_accuracy"]),
    }


def _assert_trained(outcome, backend):
    assert outcome["backend"] == backend
    assert outcome["status"] == "ok", outcome["error"]
    assert outcome["epochs_run"] == 1 and np.isfinite(outcome["loss"]) and outcome["loss"] > 0
    assert 0 <= outcome["val_accuracy"] <= 1


def test_the_text_pipeline_trains_on_tensorflow(tmp_path):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("this process runs another Keras backend; the JAX test covers that one")
    _assert_trained(train_text_scan(tmp_path), "tensorflow")


def test_the_text_pipeline_trains_on_jax(tmp_path):
    script = (
        "import json, sys, test_text_models as t; "
        "print('OUTCOME' + json.dumps(t.train_text_scan(sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        env=subprocess_env(KERAS_BACKEND="jax"),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("OUTCOME")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    _assert_trained(json.loads(lines[-1].removeprefix("OUTCOME")), "jax")
