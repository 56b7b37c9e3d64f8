"""A continuous target with mae/mse metrics and minimize_loss for the tracked metric."""

import talos
import keras
import numpy as np

rng = np.random.default_rng(3)
x = rng.normal(size=(150, 4)).astype("float32")
y = (x @ np.array([1.0, -2.0, 0.5, 0.0], dtype="float32") + 0.1).astype("float32")

p = {
    "units": [8],
    "activation": ["relu", "linear"],
    "epochs": [2],
    "batch_size": [16],
}


def regression_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(params["units"], activation=params["activation"]),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
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
    x, y, p, regression_model, "regression", reduction_metric="val_mae", minimize_loss=True, seed=18
)

print("rounds:", len(scan_object.data))
print("mae columns:", sorted(c for c in scan_object.data.columns if "mae" in c))
predictions = talos.Predict(scan_object).predict(x[:7], metric="val_mae", asc=True)
print("predict shape:", predictions.shape)
scores = talos.Evaluate(scan_object).evaluate(
    x, y, task="continuous", metric="val_mae", asc=True, folds=2
)
print("evaluate folds:", len(scores))
