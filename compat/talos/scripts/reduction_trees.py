"""Automatic reduction with the tree-based reducers: 'trees' and 'forrest'."""

import talos
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")[:300]
y = data.target[:300]

p = {
    "first_neuron": [2, 4, 8],
    "activation": ["relu", "tanh", "sigmoid"],
    "epochs": [1],
    "batch_size": [32],
}


def cancer_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation=params["activation"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
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


trees_scan = talos.Scan(
    x,
    y,
    p,
    cancer_model,
    "reduction_trees",
    round_limit=4,
    reduction_method="trees",
    reduction_interval=3,
    reduction_window=3,
    reduction_metric="val_acc",
    seed=17,
)
forrest_scan = talos.Scan(
    x,
    y,
    p,
    cancer_model,
    "reduction_forrest",
    round_limit=4,
    reduction_method="forrest",
    reduction_interval=3,
    reduction_window=3,
    reduction_metric="val_loss",
    minimize_loss=True,
    seed=17,
)

print("trees at most 4 rounds:", len(trees_scan.data) <= 4)
print("forrest at most 4 rounds:", len(forrest_scan.data) <= 4)
print("minimize_loss recorded:", bool(forrest_scan.details["minimize_loss"]))
