"""Early stopping with talos.utils.early_stopper and its presets."""

import talos
from talos.utils import early_stopper
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target

p = {
    "first_neuron": [8],
    "epochs": [3],
    "batch_size": [64],
    "mode": ["moderate", "strict"],
}


def model_with_stopper(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    out = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        verbose=0,
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        callbacks=[early_stopper(params["epochs"], mode=params["mode"])],
    )
    return out, model


scan_object = talos.Scan(x, y, p, model_with_stopper, "early_stopping", seed=2)

stopper = early_stopper(30, mode="lazy", monitor="val_acc")
print("lazy patience:", stopper.patience, "monitor:", stopper.monitor)
print("moderate patience:", early_stopper(30).patience)
print("strict patience:", early_stopper(mode="strict").patience)
print("custom:", early_stopper(mode=[0.01, 4]).patience, early_stopper(mode=[0.01, 4]).min_delta)
print("rounds:", len(scan_object.data))
print("epochs <= 3:", bool((scan_object.data["round_epochs"] <= 3).all()))
