"""The demo scan: a Talos-style MLP on the bundled breast-cancer data."""

from __future__ import annotations

from typing import Any

__all__ = ["breast_cancer_model", "run_demo"]

DEMO_PARAMS: dict[str, Any] = {
    "first_neuron": [8, 16, 32, 64],
    "hidden_layers": [0, 1, 2],
    "dropout": (0, 0.5, 5),
    "lr": [1e-2, 3e-3, 1e-3],
    "batch_size": [16, 32, 64],
    "epochs": [20],
    "optimizer": ["adam", "nadam", "rmsprop"],
    "activation": ["relu", "elu"],
}


def breast_cancer_model(x_train, y_train, x_val, y_val, params):
    """A Talos-contract model function: an MLP built from ``params``, trained once.

    Parameters
    ----------
    x_train, y_train : ndarray
        Training data (features in columns; binary labels).
    x_val, y_val : ndarray
        Validation data.
    params : dict
        One permutation of ``DEMO_PARAMS``: ``first_neuron``, ``hidden_layers``,
        ``dropout``, ``lr``, ``batch_size``, ``epochs``, ``optimizer``, ``activation``.

    Returns
    -------
    history : keras.callbacks.History
        What ``model.fit`` returned (loss, accuracy and their ``val_`` twins).
    model : keras.Model
        The trained model.
    """
    import keras

    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],))])
    for _ in range(params["hidden_layers"] + 1):
        model.add(keras.layers.Dense(params["first_neuron"], activation=params["activation"]))
        model.add(keras.layers.Dropout(params["dropout"]))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    optimizer = keras.optimizers.get(
        {"class_name": params["optimizer"], "config": {"learning_rate": params["lr"]}}
    )
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return history, model


def run_demo(
    experiment_name: str = "breast_cancer_demo",
    round_limit: int = 20,
    results_dir: str = "results",
    seed: int = 7,
    top: int = 5,
    workers: int | None = None,
) -> Any:
    """Scan ``round_limit`` runs of the demo grid, print the best runs, return the Scan.

    Parameters
    ----------
    experiment_name : str, default 'breast_cancer_demo'
        Folder name under ``results_dir``.
    round_limit : int, default 20
        Number of runs.
    results_dir : str, default 'results'
        Parent folder of experiments.
    seed : int, default 7
        Seed of the sample and the split.
    top : int, default 5
        Number of best runs printed (by ``val_accuracy``).
    workers : int, optional
        Trials run at once (see :class:`scanlab.Scan`).

    Returns
    -------
    Scan
        The finished scan.
    """
    import importlib.util

    from scanlab._round_notes import NEW_ROUND_HOW
    from scanlab.datasets import breast_cancer
    from scanlab.errors import ScanArgumentError
    from scanlab.scan import Scan

    if importlib.util.find_spec("keras") is None:
        raise ScanArgumentError(
            "the demo trains Keras models, but Keras is not installed here (an analysis-only "
            "install). Fix: pip install -e . (installs TensorFlow and Keras)."
        )
    x, y = breast_cancer()
    # the round-complete note tells a command-line user the command, not Scan's arguments
    how = NEW_ROUND_HOW.set(
        f"scanlab demo --seed {seed + 1} (or --runs {round_limit * 2}; runs already trained "
        f"are reused)"
    )
    try:
        scan = Scan(
            x,
            y,
            params=DEMO_PARAMS,
            model=breast_cancer_model,
            experiment_name=experiment_name,
            round_limit=round_limit,
            seed=seed,
            metric="val_accuracy",
            results_dir=results_dir,
            workers=workers,
        )
    finally:
        NEW_ROUND_HOW.reset(how)
    ok = scan.data[scan.data["status"] == "ok"]
    if not scan.details["runs_trained"] and not scan.details["runs_reused"]:
        print(f"\nround {scan.round} of {experiment_name!r}: nothing new was trained.")
    print(f"\n{len(ok)} runs ok, {len(scan.data) - len(ok)} failed; results in {scan.round_path}")
    if ok.empty:
        print(f"every run failed; the first error: {scan.data['error'].iloc[0]}")
        return scan
    columns = ["run_id", *scan.space.names, "val_accuracy", "val_loss", "duration_s"]
    # stable: runs that tie keep their order, as in `scanlab show`
    best = ok.sort_values("val_accuracy", ascending=False, kind="stable").head(top)[columns]
    print(f"best {min(top, len(ok))} runs by val_accuracy:")
    print(best.to_string(index=False))
    return scan
