"""round_limit and boolean_limit on a grid with a float-step range."""

import talos
import keras
import numpy as np

rng = np.random.default_rng(1)
x = rng.normal(size=(100, 6)).astype("float32")
y = (x[:, 0] > 0).astype("float32")

p = {
    "first_neuron": [4, 8, 16, 32],
    "dropout": (0.0, 0.4, 2),
    "batch_size": [16, 32],
    "epochs": [1],
}


def small_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            keras.layers.Dense(params["first_neuron"], activation="relu"),
            keras.layers.Dropout(params["dropout"]),
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


round_scan = talos.Scan(x, y, p, small_model, "round_limit", round_limit=2, seed=1)

boolean_scan = talos.Scan(
    x,
    y,
    p,
    small_model,
    "boolean_limit",
    boolean_limit=lambda params: params["first_neuron"] <= 8 and params["batch_size"] == 16,
    seed=1,
)

# both limits: Talos 2.0.10 samples fraction_limit's share of the grid (fraction_limit wins)
both_scan = talos.Scan(
    x, y, p, small_model, "both_limits", fraction_limit=0.25, round_limit=2, seed=1
)

print("round_limit rounds:", len(round_scan.data))
print("fraction_limit + round_limit rounds:", len(both_scan.data))
print("boolean_limit rounds:", len(boolean_scan.data))
print(
    "boolean_limit respected:",
    bool(
        ((boolean_scan.data["first_neuron"] <= 8) & (boolean_scan.data["batch_size"] == 16)).all()
    ),
)
