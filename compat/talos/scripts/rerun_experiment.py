"""The same experiment_name scanned twice in one folder: Talos trains afresh each time."""

import talos
import keras
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = iris.target

p = {"units": [4, 8], "epochs": [1], "batch_size": [32]}


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


# a quick first look without keeping the models ...
first_look = talos.Scan(x, y, p, iris_model, "rerun", save_weights=False, seed=25)
# ... then the same scan again, keeping them (Talos's default), to use the best model
scan_object = talos.Scan(x, y, p, iris_model, "rerun", seed=25)

print("rounds:", len(first_look.data), len(scan_object.data))
best = scan_object.best_model(metric="val_acc", asc=False)
print("best model output:", best.predict(x[:3], verbose=0).shape)
