"""Iris, multi-class: the classic Talos quick-start with softmax output and a full grid."""

import talos
import keras
import numpy as np
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = np.eye(3, dtype="float32")[iris.target]

p = {
    "first_neuron": [8, 16],
    "activation": ["relu", "elu"],
    "batch_size": [32],
    "epochs": [2],
    "dropout": [0.0],
    "optimizer": [keras.optimizers.Adam],
    "lr": [0.01],
}


def iris_model(x_train, y_train, x_val, y_val, params):
    model = keras.models.Sequential()
    model.add(keras.layers.Input(shape=(x_train.shape[1],)))
    model.add(keras.layers.Dense(params["first_neuron"], activation=params["activation"]))
    model.add(keras.layers.Dropout(params["dropout"]))
    model.add(keras.layers.Dense(y_train.shape[1], activation="softmax"))
    model.compile(
        optimizer=params["optimizer"](learning_rate=params["lr"]),
        loss="categorical_crossentropy",
        metrics=["acc"],
    )
    out = model.fit(
        x_train,
        y_train,
        batch_size=params["batch_size"],
        epochs=params["epochs"],
        validation_data=(x_val, y_val),
        verbose=0,
    )
    return out, model


scan_object = talos.Scan(x, y, params=p, model=iris_model, experiment_name="iris", seed=42)

print("rounds:", len(scan_object.data))
print("has val_acc:", "val_acc" in scan_object.data.columns)
