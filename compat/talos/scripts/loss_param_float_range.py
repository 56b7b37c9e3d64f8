"""A parameter named 'loss' (same name as a metric column) and a float-step range."""

import talos
import keras
import numpy as np
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = np.eye(3, dtype="float32")[iris.target]

p = {
    "loss": ["categorical_crossentropy", "kl_divergence"],
    "lr": (0.001, 0.01, 2),
    "dropout": [0.1],
    "epochs": [1],
    "batch_size": [32],
}


def iris_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dropout(params["dropout"]),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=params["lr"]),
        loss=params["loss"],
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


scan_object = talos.Scan(x, y, p, iris_model, "loss_param", seed=10)

print("rounds:", len(scan_object.data))
print("loss metric is numeric:", scan_object.data["loss"].dtype.kind == "f")
