"""Digits rescaled with talos.utils.rescale_meanzero, then a fixed validation set (x_val/y_val)."""

import talos
import keras
import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
x = talos.utils.rescale_meanzero(digits.data[:400])
y = digits.target[:400]
x_train, y_train, x_val, y_val = x[:300], y[:300], x[300:], y[300:]

print("rescaled shape:", x.shape)
print("rescaled mean ~ 0:", bool(np.allclose(x.mean(axis=0), 0, atol=1e-6)))
print("max std:", round(float(x.std(axis=0, ddof=1).max()), 4))

p = {
    "units": [16],
    "optimizer": [keras.optimizers.Adam, keras.optimizers.SGD],
    "epochs": [1],
    "batch_size": [32],
}


def digits_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(params["units"], activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=params["optimizer"](), loss="sparse_categorical_crossentropy", metrics=["acc"]
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


scan_object = talos.Scan(
    x_train, y_train, p, digits_model, "digits", x_val=x_val, y_val=y_val, seed=4
)

print("rounds:", len(scan_object.data))
print("x_val rows:", len(scan_object.x_val))
