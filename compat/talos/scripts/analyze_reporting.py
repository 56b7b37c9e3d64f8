"""Analyze and Reporting: every reporting method, with the plots saved to files."""

import talos
import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target

p = {
    "first_neuron": [4, 8],
    "dropout": [0.0, 0.2],
    "batch_size": [32],
    "epochs": [1],
}


def cancer_model(x_train, y_train, x_val, y_val, params):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
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


scan_object = talos.Scan(x, y, p, cancer_model, "analyze_reporting", seed=14)

analyze_object = talos.Analyze(scan_object)
print("rounds:", analyze_object.rounds())
print("high >= low:", analyze_object.high("val_acc") >= analyze_object.low("val_acc"))
print("rounds2high in range:", 0 <= analyze_object.rounds2high("val_acc") < analyze_object.rounds())

best = analyze_object.best_params("val_acc", ["acc", "loss", "val_loss"], n=3)
print("best_params rows:", len(best))

correlations = analyze_object.correlate("val_loss", ["acc", "loss", "val_acc"])
print("correlate has first_neuron:", "first_neuron" in correlations.index)

table = analyze_object.table("val_loss", ["acc", "loss"], "val_acc")
print("table rows:", len(table))

drawn = analyze_object.plot_line("val_acc")
print("plot_line returns", type(drawn).__name__)
drawn.figure.savefig("plot_line.png")
drawn = analyze_object.plot_hist("val_acc", bins=5)
print("plot_hist returns", type(drawn).__name__)
plt.savefig("plot_hist.png")
drawn = analyze_object.plot_corr("val_loss", ["acc", "loss", "val_acc"])
print("plot_corr returns", type(drawn).__name__)
plt.savefig("plot_corr.png")
drawn = analyze_object.plot_regs("first_neuron", "val_acc")
print("plot_regs returns", type(drawn).__name__)
plt.savefig("plot_regs.png")
drawn = analyze_object.plot_box("first_neuron", "val_acc")
print("plot_box returns", type(drawn).__name__)
plt.savefig("plot_box.png")
drawn = analyze_object.plot_bars("first_neuron", "val_acc", "dropout", "batch_size")
print("plot_bars returns", type(drawn).__name__)
plt.savefig("plot_bars.png")
drawn = analyze_object.plot_kde("val_acc")
print("plot_kde returns", type(drawn).__name__)
plt.savefig("plot_kde.png")
plt.close("all")

reporting = talos.Reporting(scan_object)
print("Reporting rounds:", reporting.rounds())
