"""Talos's other local sampling methods: uniform_crypto, korobov_matrix, latin_improved, latin_matrix."""

import talos
import keras
import numpy as np

rng = np.random.default_rng(5)
x = rng.normal(size=(80, 3)).astype("float32")
y = (x[:, 0] > 0).astype("float32")

p = {"units": [2, 4, 8, 16], "activation": ["relu", "tanh"], "epochs": [1], "batch_size": [16]}


def tiny_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(params["units"], activation=params["activation"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    out = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return out, model


rounds = {}
for method in ["uniform_crypto", "korobov_matrix", "latin_improved", "latin_matrix"]:
    scan_object = talos.Scan(
        x, y, p, tiny_model, method, random_method=method, round_limit=2, seed=3
    )
    rounds[method] = len(scan_object.data)
print("rounds per method:", rounds)
