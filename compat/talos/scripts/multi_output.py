"""A two-output model (classification head + regression head): y is a list of arrays."""

import talos
import keras
import numpy as np

rng = np.random.default_rng(7)
x = rng.normal(size=(90, 4)).astype("float32")
y_class = (x[:, 0] > 0).astype("float32")
y_value = x[:, 1:2].astype("float32")

p = {"units": [4, 8], "epochs": [1], "batch_size": [16]}


def two_headed_model(x_train, y_train, x_val, y_val, params):
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(params["units"], activation="relu")(inputs)
    label = keras.layers.Dense(1, activation="sigmoid", name="label")(hidden)
    value = keras.layers.Dense(1, name="value")(hidden)
    model = keras.Model(inputs, [label, value])
    model.compile(optimizer="adam", loss=["binary_crossentropy", "mse"], metrics=[["acc"], ["mae"]])
    out = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return out, model


scan_object = talos.Scan(x, [y_class, y_value], p, two_headed_model, "multi_output", seed=24)

print("rounds:", len(scan_object.data))
print("y_train parts:", len(scan_object.y_train), "rows:", len(scan_object.y_train[0]))
print("label metrics:", sorted(c for c in scan_object.data.columns if "label" in c))
