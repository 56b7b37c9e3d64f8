"""Talos's bundled templates: the iris params and model (epochs cut down), on scikit-learn's iris."""

import talos
import numpy as np
from sklearn.datasets import load_iris

iris = load_iris()
x = iris.data.astype("float32")
y = np.eye(3, dtype="float32")[iris.target]

p = talos.templates.params.iris()
p["epochs"] = [1]
p["losses"] = ["categorical_crossentropy"]
print("template params keys:", sorted(p))

scan_object = talos.Scan(
    x, y, p, talos.templates.models.iris, "templates_iris", round_limit=2, seed=15
)

print("rounds:", len(scan_object.data))
