"""Two-input model: x is a list of arrays and multi_input=True."""

import talos
import keras
import numpy as np

rng = np.random.default_rng(0)
x_a = rng.normal(size=(120, 5)).astype("float32")
x_b = rng.normal(size=(120, 3)).astype("float32")
y = ((x_a[:, 0] + x_b[:, 1]) > 0).astype("float32")

p = {
    "a_units": [4, 8],
    "b_units": [4],
    "epochs": [1],
    "batch_size": [16],
}


def two_input_model(x_train, y_train, x_val, y_val, params):
    input_a = keras.Input(shape=(5,))
    input_b = keras.Input(shape=(3,))
    a = keras.layers.Dense(params["a_units"], activation="relu")(input_a)
    b = keras.layers.Dense(params["b_units"], activation="relu")(input_b)
    merged = keras.layers.concatenate([a, b])
    output = keras.layers.Dense(1, activation="sigmoid")(merged)
    model = keras.Model(inputs=[input_a, input_b], outputs=output)
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


scan_object = talos.Scan(
    x=[x_a, x_b],
    y=y,
    params=p,
    model=two_input_model,
    experiment_name="multi_input",
    multi_input=True,
    seed=5,
)

print("rounds:", len(scan_object.data))
print("x_train is list:", isinstance(scan_object.x_train, list), len(scan_object.x_train))
print("split sizes:", len(scan_object.x_train[0]) + len(scan_object.x_val[0]))
