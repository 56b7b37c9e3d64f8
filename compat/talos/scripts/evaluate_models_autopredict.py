"""Scan.evaluate_models and autom8.AutoPredict: k-fold F1 of the top models, then predictions."""

import talos
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target

p = {"first_neuron": [4, 8], "epochs": [1], "batch_size": [32]}


def cancer_model(x_train, y_train, x_val, y_val, params):
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
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return out, model


scan_object = talos.Scan(x, y, p, cancer_model, "evaluate_models", seed=20)

scan_object.evaluate_models(x_val=x, y_val=y, n_models=2, task="binary", metric="val_acc", folds=2)
print("eval columns:", sorted(c for c in scan_object.data.columns if c.startswith("eval_")))
print("evaluated rows:", int(scan_object.data["eval_f1score_mean"].notna().sum()))

scan_object = talos.autom8.AutoPredict(
    scan_object, x_val=x, y_val=y, x_pred=x[:12], task="binary", n_models=2, folds=2
)
print("probabilities shape:", scan_object.preds_probabilities.shape)
print("classes shape:", scan_object.preds_classes.shape)
print("parameters has first_neuron:", "first_neuron" in scan_object.preds_parameters.index)
