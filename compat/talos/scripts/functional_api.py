"""Wine, functional API: a keras.Model built from Input/Dense layers rather than Sequential."""

import talos
import keras
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

wine = load_wine()
x = StandardScaler().fit_transform(wine.data).astype("float32")
y = wine.target

p = {
    "units": [8, 16],
    "dropout": [0.25],
    "epochs": [2],
    "batch_size": [16],
}


def wine_model(x_train, y_train, x_val, y_val, params):
    inputs = keras.Input(shape=(x_train.shape[1],), name="features")
    hidden = keras.layers.Dense(params["units"], activation="relu")(inputs)
    hidden = keras.layers.Dropout(params["dropout"])(hidden)
    outputs = keras.layers.Dense(3, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return history, model


scan_object = talos.Scan(
    x=x, y=y, params=p, model=wine_model, experiment_name="wine_functional", val_split=0.25, seed=11
)

print("rounds:", len(scan_object.data))
print("metrics:", sorted(c for c in scan_object.data.columns if "accuracy" in c))
