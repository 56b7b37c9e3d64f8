"""Predict and Evaluate on the best model of a breast-cancer scan."""

import talos
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target

p = {"first_neuron": [4, 8], "epochs": [2], "batch_size": [32]}


def model_fn(x_train, y_train, x_val, y_val, params):
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


scan_object = talos.Scan(x, y, p, model_fn, "predict_evaluate", seed=9)

predictor = talos.Predict(scan_object)
probabilities = predictor.predict(x[:20], metric="val_acc", asc=False)
classes = predictor.predict_classes(x[:20], metric="val_acc", asc=False, task="binary")
print("probabilities shape:", probabilities.shape)
print("classes shape:", classes.shape, "values in {0,1}:", set(classes.ravel().tolist()) <= {0, 1})

evaluator = talos.Evaluate(scan_object)
scores = evaluator.evaluate(x, y, task="binary", metric="val_acc", folds=3, asc=False)
print("evaluate folds:", len(scores), "all in [0,1]:", all(0 <= s <= 1 for s in scores))

best = scan_object.best_model(metric="val_acc", asc=False)
print("best model output shape:", best.predict(x[:5], verbose=0).shape)
