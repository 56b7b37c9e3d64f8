"""Sampling methods: sobol and latin_sudoku with round_limit."""

import talos
import keras
import numpy as np

rng = np.random.default_rng(4)
x = rng.normal(size=(80, 3)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")

p = {
    "units": [2, 4, 8, 16],
    "lr": [0.001, 0.01, 0.1],
    "epochs": [1],
    "batch_size": [16],
}


def tiny_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(params["units"], activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=params["lr"]),
        loss="binary_crossentropy",
        metrics=["acc"],
    )
    out = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return out, model


sobol_scan = talos.Scan(x, y, p, tiny_model, "sobol", random_method="sobol", round_limit=2, seed=1)
latin_scan = talos.Scan(
    x, y, p, tiny_model, "latin", random_method="latin_sudoku", round_limit=2, seed=1
)

print("rounds:", len(sobol_scan.data), len(latin_scan.data))
