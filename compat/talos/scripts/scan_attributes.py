"""What a Talos user reads off the Scan object besides .data: history, times, weights, splits."""

import talos
import keras
from sklearn.datasets import load_wine

wine = load_wine()
x = wine.data.astype("float32")
y = wine.target

p = {"units": [4, 8], "epochs": [2], "batch_size": [32]}


def wine_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(13,)),
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


scan_object = talos.Scan(x, y, p, wine_model, "scan_attributes", val_split=0.3, seed=22)

print("x_train/x_val rows:", len(scan_object.x_train), len(scan_object.x_val))
print("y_train/y_val rows:", len(scan_object.y_train), len(scan_object.y_val))
print("details x_shape:", tuple(scan_object.details["x_shape"]))
print("details y_shape:", tuple(scan_object.details["y_shape"]))
print("details experiment_name:", scan_object.details["experiment_name"])
print("details random_method:", scan_object.details["random_method"])
print("round_history entries:", len(scan_object.round_history))
print("round_history keys:", sorted(scan_object.round_history[0]))
print("epochs per history:", [len(h["loss"]) for h in scan_object.round_history])
print("round_times columns:", list(scan_object.round_times.columns), len(scan_object.round_times))
print("learning_entropy rows:", len(scan_object.learning_entropy))
print("saved_weights:", len(scan_object.saved_weights))
print("weights of run 0:", len(scan_object.saved_weights[0]))
print("saved_models:", len(scan_object.saved_models))
print("params is the dict given:", scan_object.params == p)
best = scan_object.best_model(metric="val_acc", asc=False)
print("best model output:", best.predict(x[:3], verbose=0).shape)
print("data index:", list(scan_object.data.index))
print("round_epochs:", scan_object.data["round_epochs"].tolist())
print("durations positive:", bool((scan_object.data["duration"] > 0).all()))
print(
    "best_params rows:",
    len(talos.Analyze(scan_object).best_params("val_acc", ["acc", "loss", "val_loss"])),
)
