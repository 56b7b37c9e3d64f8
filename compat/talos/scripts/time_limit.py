"""time_limit as a 'YYYY-MM-DD HH:MM' string, Talos's format."""

import datetime

import talos
import keras
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = iris.target

p = {"units": [8], "epochs": [1], "batch_size": [16, 32]}


def iris_model(x_train, y_train, x_val, y_val, params):
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


# a limit an hour from now leaves room for the whole (2-run) grid
limit = (datetime.datetime.now() + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
scan_object = talos.Scan(x, y, p, iris_model, "time_limit", time_limit=limit, seed=6)

print("rounds:", len(scan_object.data))
