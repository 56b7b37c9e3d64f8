"""AutoScan with an AutoParams space trimmed to a quick dense network."""

import talos
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
x = StandardScaler().fit_transform(data.data).astype("float32")
y = data.target

auto_params = talos.autom8.AutoParams(task="binary", network=False, resample_params=2)
auto_params.epochs(1, 2, 1)
auto_params.batch_size(32, 33, 1)
auto_params.neurons(4, 9, 4)
auto_params.layers(0, 2, 1)
auto_params.optimizers([keras.optimizers.Adam])
auto_params.lr([1.0])
print("auto params keys:", sorted(auto_params.params))

autoscan = talos.autom8.AutoScan(task="binary", experiment_name="autoscan")
scan_object = autoscan.start(x, y, params=auto_params.params, round_limit=2, seed=12)

print("rounds:", len(scan_object.data))
