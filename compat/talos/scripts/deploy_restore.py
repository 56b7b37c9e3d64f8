"""Deploy the best iris model into a zip, then Restore it and predict with it."""

import talos
import keras
import numpy as np
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = iris.target

p = {"units": [8, 12], "epochs": [2], "batch_size": [16]}


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


scan_object = talos.Scan(x, y, p, iris_model, "iris_deploy", seed=21)

talos.Deploy(scan_object=scan_object, model_name="iris_deploy", metric="val_acc")

iris_restored = talos.Restore("iris_deploy.zip")
predictions = iris_restored.model.predict(x[:10], verbose=0)
print("restored predictions shape:", predictions.shape)
print("restored results rows:", len(iris_restored.results))
print("restored params keys:", sorted(iris_restored.params))
print("restored details has experiment_name:", "experiment_name" in iris_restored.details)
print("rows sum to 1:", bool(np.allclose(predictions.sum(axis=1), 1, atol=1e-4)))
