"""Automatic reduction with reduction_method='correlation' on a wine grid."""

import talos
import keras
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

wine = load_wine()
x = StandardScaler().fit_transform(wine.data).astype("float32")
y = wine.target

p = {
    "first_neuron": [2, 4, 8, 16],
    "lr": [0.0001, 0.001, 0.01, 0.1],
    "epochs": [1],
    "batch_size": [32],
}


def wine_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=params["lr"]),
        loss="sparse_categorical_crossentropy",
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


scan_object = talos.Scan(
    x,
    y,
    p,
    wine_model,
    "reduction_correlation",
    round_limit=6,
    reduction_method="correlation",
    reduction_interval=3,
    reduction_window=3,
    reduction_threshold=0.01,
    reduction_metric="val_acc",
    seed=13,
)

print("at most 6 rounds:", len(scan_object.data) <= 6)
print("reduction_method:", scan_object.details["reduction_method"])
