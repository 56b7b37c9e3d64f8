"""A model function that raises for one parameter value: Talos stops the scan with that error."""

import talos
import keras
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = iris.target

p = {"units": [4, 0, 8], "epochs": [1], "batch_size": [32]}


def iris_model(x_train, y_train, x_val, y_val, params):
    if params["units"] < 1:
        raise ValueError(f"units must be positive, got {params['units']}")
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(params["units"], activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
    out = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return out, model


scan_object = talos.Scan(x, y, p, iris_model, "failing_model", seed=23)
print("rounds:", len(scan_object.data))
