"""Talos callbacks inside fit: ExperimentLog and TrainingPlot."""

import talos
import keras
import matplotlib

matplotlib.use("Agg")
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = iris.target

p = {"units": [4, 8], "epochs": [2], "batch_size": [32]}


def logged_model(x_train, y_train, x_val, y_val, params):
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
        callbacks=[
            talos.callbacks.ExperimentLog("callbacks_log_plot", params),
            talos.callbacks.TrainingPlot(),
        ],
    )
    return out, model


scan_object = talos.Scan(x, y, p, logged_model, "callbacks_log_plot", seed=16)

print("rounds:", len(scan_object.data))
