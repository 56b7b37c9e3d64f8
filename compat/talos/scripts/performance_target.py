"""performance_target: stop once a run reaches a (trivially easy) val_loss target."""

import talos
import keras
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = iris.target

p = {"units": [4, 8, 16, 32], "epochs": [1], "batch_size": [32]}


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


# any finite loss is below 1e9, so the scan stops after its first run
scan_object = talos.Scan(
    x, y, p, iris_model, "performance_target", performance_target=["val_loss", 1e9, True], seed=19
)

print("rounds:", len(scan_object.data))
