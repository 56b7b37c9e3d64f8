"""Epoch time of Conv1D + MaxPooling1D + LSTM against a plain LSTM, side by side.

The IMDB write-up put ``SpatialDropout1D`` + ``Conv1D(64, 5)`` + ``MaxPooling1D(4)`` before
its LSTM(100) and saw the epoch time fall to about a third. What the pooling buys depends on
the sequence length (the LSTM reads ``length / 4`` steps instead of ``length``), so both
models are timed at the movie-review sentences' length (50 words) and at the write-up's
review length (500 words), on the same vectorized data (the movie-review sentences, padded
or tiled to the length), with ``scanlab.text_models.text_classifier`` building both.

Each repeat fits every (length, cell) pair for ``--epochs`` epochs in alternating order, so
a noisy machine hits both models alike; an epoch's seconds are the median of its epochs
after the first (which pays for graph tracing). The ratio conv1d_lstm / lstm is printed per
repeat and as median and range.

    python bench/text_epochs.py            # about 6 minutes on 2 cores
    python bench/text_epochs.py --quick    # about a minute: one repeat, fewer sentences
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from scanlab.datasets import movie_reviews
from scanlab.text import Vectorizer
from scanlab.text_models import text_classifier


def epoch_seconds(x: np.ndarray, y: np.ndarray, cell: str, epochs: int) -> float:
    """Median seconds of the epochs after the first, for one fresh model of ``cell``."""
    import keras

    keras.backend.clear_session()
    build = text_classifier(2)
    model = build(
        {
            "cell": cell,
            "vocab_size": 5_000,
            "seq_len": x.shape[1],
            "embedding_dim": 32,
            "units": 100,
            "spatial_dropout": 0.2,
            "conv_filters": 64,
            "conv_kernel": 5,
            "pool_size": 4,
        }
    )
    times = []
    for _ in range(epochs):
        started = time.perf_counter()
        model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    epochs = args.epochs or (3 if args.quick else 4)
    data = movie_reviews()
    n = 2_000 if args.quick else 8_000
    texts, labels = data.texts[:n], data.labels[:n]
    lengths = (50, 500)
    inputs = {}
    for length in lengths:
        # long inputs: each sentence's words repeated up to the length, as a review would be
        tiled = [" ".join([t] * max(1, length // max(1, len(t.split())))) for t in texts]
        inputs[length] = Vectorizer(5_000, length).fit(tiled).transform(tiled)
    print(
        f"{n} sentences, batch 64, {epochs} epochs per fit (first one not timed), {repeats} repeats"
    )
    ratios: dict[int, list[float]] = {length: [] for length in lengths}
    for repeat in range(repeats):
        for length in lengths:
            order = ("lstm", "conv1d_lstm") if repeat % 2 == 0 else ("conv1d_lstm", "lstm")
            seconds = {cell: epoch_seconds(inputs[length], labels, cell, epochs) for cell in order}
            ratio = seconds["conv1d_lstm"] / seconds["lstm"]
            ratios[length].append(ratio)
            print(
                f"repeat {repeat + 1}, length {length}: lstm {seconds['lstm']:.2f} s/epoch, "
                f"conv1d_lstm {seconds['conv1d_lstm']:.2f} s/epoch, ratio {ratio:.2f}",
                flush=True,
            )
    for length in lengths:
        values = ratios[length]
        print(
            f"EPOCH TIME RATIO conv1d_lstm / lstm at length {length}: median "
            f"{statistics.median(values):.2f} (range {min(values):.2f}-{max(values):.2f})"
        )


if __name__ == "__main__":
    main()
