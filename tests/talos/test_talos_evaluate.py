"""scanlab.talos.Evaluate and evaluate_models: Talos's fold scoring of trained models.

Runs on ``TinyScan`` (two real one-epoch Keras runs, see test_talos_predict.py) and on a real Talos
2.0.10 archive, whose Evaluate numbers Talos itself computed (tests/talos/data, written by
compat/talos/make_talos_archive.py).
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score, mean_absolute_error

from scanlab.errors import AnalysisError
from scanlab.talos._evaluate import Evaluate, evaluate_models, kfold, score

DATA = Path(__file__).with_name("data")
_spec = importlib.util.spec_from_file_location(
    "talos_tiny_scan", Path(__file__).with_name("test_talos_predict.py")
)
assert _spec is not None and _spec.loader is not None
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)
TinyScan, tiny_data = _tiny.TinyScan, _tiny.tiny_data


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return TinyScan(tmp_path_factory.mktemp("tiny"))


def test_kfold_cuts_like_talos():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    xs, ys = kfold(x, y, folds=3, shuffled=True, seed=3)
    order = np.random.default_rng(3).permutation(10)
    expected = np.array_split(order, 3)
    assert [part.tolist() for part in ys] == [part.tolist() for part in expected]
    assert [part[:, 0].tolist() for part in xs] == [(2 * part).tolist() for part in expected]
    xs, ys = kfold([x, x], y, folds=2, shuffled=False, multi_input=True)
    assert len(xs[0]) == 2 and ys[1].tolist() == [5, 6, 7, 8, 9]


@pytest.mark.parametrize("folds", [0, 11, 2.5, True])
def test_kfold_refuses_bad_folds(folds):
    with pytest.raises(AnalysisError, match=r"folds must be an int from 1 to the number of rows"):
        kfold(np.zeros((10, 2)), np.zeros(10), folds=folds)


def test_kfold_needs_multi_input_for_a_list():
    with pytest.raises(AnalysisError, match=r"multi_input must be True when x is a list"):
        kfold([np.zeros(4)], np.zeros(4), folds=2)


def test_score_matches_scikit_learn():
    y = np.array([1, 0, 1, 1, 0])
    p = np.array([[0.9], [0.6], [0.4], [0.8], [0.1]])
    assert score(y, p, "binary") == pytest.approx(f1_score(y, (p.ravel() >= 0.5).astype(int)))
    onehot = np.eye(3)[[0, 1, 2, 1]]
    probs = np.eye(3)[[0, 1, 1, 1]] * 0.8 + 0.05
    macro = f1_score([0, 1, 2, 1], [0, 1, 1, 1], average="macro", zero_division=0)
    assert score(onehot, probs, "multi_class") == pytest.approx(macro)
    assert score(onehot, probs, "multi_label") == pytest.approx(macro)
    assert score([1.0, 2.0], [[1.5], [2.0]], "regression") == pytest.approx(
        mean_absolute_error([1.0, 2.0], [1.5, 2.0])
    )


def test_evaluate_scores_the_trained_best_model_on_each_fold(tiny):
    x, y = tiny_data()
    got = Evaluate(tiny).evaluate(x, y, task="binary", metric="val_acc", folds=4, seed=5)
    model = tiny.best_model("val_acc", False)
    xs, ys = kfold(x, y, 4, True, seed=5)
    expected = [
        f1_score(b, (model.predict(a, verbose=0).ravel() >= 0.5).astype(int), zero_division=0)
        for a, b in zip(xs, ys, strict=True)
    ]
    assert got == pytest.approx(expected)
    assert all(isinstance(v, float) for v in got)


def test_evaluate_print_out(tiny, capsys):
    x, y = tiny_data()
    Evaluate(tiny).evaluate(x, y, "binary", "val_acc", folds=2, shuffle=False, print_out=True)
    assert capsys.readouterr().out.startswith("mean : ")


def test_evaluate_checks_arguments_before_loading_a_model():
    class NoModels:
        data = None

        def load_model(self, i):  # pragma: no cover - must not be reached
            raise AssertionError("loaded a model before checking the arguments")

        best_model = load_model

    x, y = tiny_data()
    with pytest.raises(AnalysisError, match=r"folds must be an int .* got 99"):
        Evaluate(NoModels()).evaluate(x, y, task="binary", metric="val_acc", folds=99)
    with pytest.raises(AnalysisError, match=r"task is needed to score predictions"):
        Evaluate(NoModels()).evaluate(x, y)


def test_the_docstring_says_this_is_not_cross_validation():
    assert "not cross-validation" in " ".join(Evaluate.__doc__.split())
    assert "validation guide in the README" in " ".join(Evaluate.__doc__.split())


def test_evaluate_models_adds_talos_columns(tmp_path):
    scan = TinyScan(tmp_path)
    x, y = tiny_data()
    out = evaluate_models(scan, x, y, task="binary", n_models=1, metric="val_acc", folds=3, seed=1)
    assert out is scan.data
    best = int(scan.data["val_accuracy"].idxmax())
    assert {"eval_f1score_mean", "eval_f1score_std"} <= set(scan.data.columns)
    assert scan.data["eval_f1score_mean"].notna().tolist() == [i == best for i in range(2)]
    folds = Evaluate(scan).evaluate(x, y, "binary", "val_acc", model_id=best, folds=3, seed=1)
    assert scan.data.loc[best, "eval_f1score_mean"] == pytest.approx(np.mean(folds))
    assert scan.data.loc[best, "eval_f1score_std"] == pytest.approx(np.std(folds))
    evaluate_models(scan, x, y, task="continuous", n_models=5, folds=2)
    assert scan.data["eval_mae_mean"].notna().all()


def test_evaluate_models_refuses_bad_arguments(tiny):
    x, y = tiny_data()
    with pytest.raises(AnalysisError, match=r"n_models must be an int >= 1, got 0"):
        evaluate_models(tiny, x, y, task="binary", n_models=0)
    with pytest.raises(AnalysisError, match=r"task is needed"):
        evaluate_models(tiny, x, y)


def test_same_numbers_as_talos_on_a_talos_model():
    """Talos 2.0.10's Evaluate on its scan vs scanlab's on the restored model: equal."""
    from scanlab.talos._restore import Restore

    reference = json.loads((DATA / "talos2_reference.json").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        restored = Restore(DATA / "talos2_archive.zip")
    x, y = tiny_data()
    got = Evaluate(restored).evaluate(x, y, task="binary", folds=4, shuffle=False)
    assert got == pytest.approx(reference["evaluate_binary_folds4_noshuffle"], abs=1e-12)
