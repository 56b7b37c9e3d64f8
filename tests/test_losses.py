"""The top-k loss: the k hardest examples of a batch, against NumPy, and in training."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from scanlab.errors import ScanArgumentError
from scanlab.losses import TopKLoss, top_k_loss

PROBABILITIES = np.array(
    [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.05, 0.9, 0.05], [0.2, 0.5, 0.3]],
    dtype="float32",
)
LABELS = np.array([0, 0, 2, 1, 0])


def _cross_entropy(probabilities, labels):
    return -np.log(probabilities[np.arange(len(labels)), labels])


def test_it_is_the_mean_of_the_k_largest_cross_entropies():
    per_sample = _cross_entropy(PROBABILITIES, LABELS)  # 0.36, 2.30, 0.92, 0.11, 1.61
    hardest = np.sort(per_sample)[-3:]
    assert sorted(np.argsort(per_sample)[-3:]) == [1, 2, 4]
    value = float(top_k_loss(3)(LABELS, PROBABILITIES))
    assert value == pytest.approx(hardest.mean(), rel=1e-5)
    assert float(top_k_loss(1)(LABELS, PROBABILITIES)) == pytest.approx(per_sample.max(), rel=1e-5)


def test_a_batch_smaller_than_k_gives_the_mean_of_all():
    per_sample = _cross_entropy(PROBABILITIES, LABELS)
    for k in (5, 8):
        assert float(top_k_loss(k)(LABELS, PROBABILITIES)) == pytest.approx(
            per_sample.mean(), rel=1e-5
        )


def test_logits_labels_as_a_column_and_sample_weights():
    logits = np.log(PROBABILITIES)
    plain = float(top_k_loss(2)(LABELS, PROBABILITIES))
    assert float(top_k_loss(2, from_logits=True)(LABELS, logits)) == pytest.approx(plain, rel=1e-5)
    assert float(top_k_loss(2)(LABELS.reshape(-1, 1), PROBABILITIES)) == pytest.approx(
        plain, rel=1e-5
    )
    weights = np.array([1.0, 0.0, 1.0, 1.0, 2.0], dtype="float32")  # sample 1 no longer counts
    weighted = _cross_entropy(PROBABILITIES, LABELS) * weights
    expected = np.sort(weighted)[-2:].mean()  # 2 * 1.61 and 0.92
    assert float(top_k_loss(2)(LABELS, PROBABILITIES, sample_weight=weights)) == pytest.approx(
        expected, rel=1e-5
    )


def test_serialization_round_trips():
    loss = TopKLoss(4, from_logits=True, name="hardest")
    config = keras.losses.serialize(loss)
    assert config["registered_name"] == "scanlab>TopKLoss"
    copy = keras.losses.deserialize(config)
    assert isinstance(copy, TopKLoss)
    assert (copy.k, copy.from_logits, copy.name) == (4, True, "hardest")
    assert copy.get_config() == loss.get_config()


def test_gradients_flow_in_one_fit_step():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=top_k_loss(3))
    before = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
    y = np.arange(10) % 3
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # last batch of 2 < k
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True))


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_k_must_be_a_positive_int(k):
    with pytest.raises(ScanArgumentError, match=rf"k must be an int >= 1 .*, got {k!r}\."):
        top_k_loss(k)
