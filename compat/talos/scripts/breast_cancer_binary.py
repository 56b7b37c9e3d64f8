"""Breast cancer, binary: hidden_layers with shapes, lr_normalizer and a sampled grid."""

import talos
from talos.utils import hidden_layers, lr_normalizer
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target.astype("float32")

p = {
    "lr": (0.5, 5, 10),
    "first_neuron": [4, 8, 16],
    "hidden_layers": [0, 1, 2],
    "shapes": ["brick", "funnel", "triangle"],
    "batch_size": (16, 64, 3),
    "epochs": [2],
    "dropout": (0, 0.5, 5),
    "activation": ["relu", "elu"],
    "optimizer": [keras.optimizers.Adam, keras.optimizers.RMSprop],
    "losses": ["binary_crossentropy"],
    "last_activation": ["sigmoid"],
}


def breast_cancer_model(x_train, y_train, x_val, y_val, params):
    model = keras.models.Sequential()
    model.add(keras.layers.Input(shape=(x_train.shape[1],)))
    model.add(keras.layers.Dense(params["first_neuron"], activation="relu"))
    model.add(keras.layers.Dropout(params["dropout"]))
    hidden_layers(model, params, 1)
    model.add(keras.layers.Dense(1, activation=params["last_activation"]))
    model.compile(
        optimizer=params["optimizer"](
            learning_rate=lr_normalizer(params["lr"], params["optimizer"])
        ),
        loss=params["losses"],
        metrics=["acc"],
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        batch_size=params["batch_size"],
        epochs=params["epochs"],
        verbose=0,
    )
    return history, model


scan_object = talos.Scan(
    x,
    y,
    params=p,
    model=breast_cancer_model,
    experiment_name="breast_cancer",
    fraction_limit=0.0003,
    seed=3,
)

print("rounds:", len(scan_object.data))
print("lr_normalizer(1.0, Adam):", lr_normalizer(1.0, keras.optimizers.Adam))
print("lr_normalizer(1.0, SGD):", lr_normalizer(1.0, keras.optimizers.SGD))
