"""Talos's own Keras metrics: f1score, precision and recall next to accuracy."""

import talos
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target.astype("float32")

p = {
    "first_neuron": [4, 8],
    "epochs": [2],
    "batch_size": [32],
}


def f1_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="binary_crossentropy",
        metrics=[
            "acc",
            talos.utils.metrics.f1score,
            talos.utils.metrics.precision,
            talos.utils.metrics.recall,
        ],
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
    x,
    y,
    params=p,
    model=f1_model,
    experiment_name="f1score",
    reduction_metric="val_f1score",
    seed=8,
)

print("rounds:", len(scan_object.data))
print("f1 columns:", sorted(c for c in scan_object.data.columns if "f1" in c))
print("f1 in [0, 1]:", bool(scan_object.data["val_f1score"].between(0, 1).all()))
