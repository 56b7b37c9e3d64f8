"""The demo scan: a Talos-style MLP on the bundled breast-cancer data."""

from __future__ import annotations

from typing import Any

__all__ = ["breast_cancer_builder", "breast_cancer_model", "run_demo"]

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
    model = _build(params, x_train.shape[1])
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=0,
    )
    return history, model


def breast_cancer_builder(params: dict[str, Any]) -> Any:
    """The same MLP as a builder (``build(params) -> compiled model``; scanlab calls fit):
    under a budgeted search a promoted run continues from its checkpoint.

    Parameters
    ----------
    params : dict
        One permutation of ``DEMO_PARAMS`` (``epochs`` is the search's).

    Returns
    -------
    keras.Model
        Compiled, not trained.
    """
    return _build(params, 30)


def _build(params: dict[str, Any], features: int) -> Any:
    import keras

    model = keras.Sequential([keras.Input(shape=(features,))])
    for _ in range(params["hidden_layers"] + 1):
        model.add(keras.layers.Dense(params["first_neuron"], activation=params["activation"]))
        model.add(keras.layers.Dropout(params["dropout"]))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    optimizer = keras.optimizers.get(
        {"class_name": params["optimizer"], "config": {"learning_rate": params["lr"]}}
    )
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    return model


def run_demo(
    experiment_name: str = "breast_cancer_demo",
    round_limit: int = 20,
    results_dir: str = "results",
    seed: int = 7,
    top: int = 5,
    workers: int | None = None,
    search: Any = None,
    dry_run: bool = False,
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
    search : Budget, optional
        A budgeted search (:mod:`scanlab.budget`); ``round_limit`` then counts
        configurations and the best runs are those that trained the most epochs.
    dry_run : bool, default False
        Print the plan and train nothing.

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
            params=DEMO_PARAMS if search is None else _without_epochs(DEMO_PARAMS),
            model=breast_cancer_model if search is None else breast_cancer_builder,
            experiment_name=experiment_name,
            round_limit=round_limit,
            seed=seed,
            metric="val_accuracy",
            results_dir=results_dir,
            workers=workers,
            search=search,
            dry_run=dry_run,
        )
    finally:
        NEW_ROUND_HOW.reset(how)
    if dry_run:
        return scan
    ok = scan.data[scan.data["status"] == "ok"]
    if not scan.details["runs_trained"] and not scan.details["runs_reused"]:
        print(f"\nround {scan.round} of {experiment_name!r}: nothing new was trained.")
    unit = "runs" if search is None else "rows (one per run and rung)"
    print(f"\n{len(ok)} {unit} ok, {len(scan.data) - len(ok)} failed; results in {scan.round_path}")
    if ok.empty:
        print(f"every run failed; the first error: {scan.data['error'].iloc[0]}")
        return scan
    columns = ["run_id", *scan.space.names, "val_accuracy", "val_loss", "duration_s"]
    order, ascending, what = ["val_accuracy"], [False], "by val_accuracy"
    if "budget" in ok:  # budgeted: each run once, those trained longest first
        ok = ok.sort_values("rung").drop_duplicates("run_id", keep="last")
        columns.insert(1, "budget")
        order, ascending = ["budget", "val_accuracy"], [False, False]
        what = "by epochs trained, then val_accuracy"
    # stable: runs that tie keep their order, as in `scanlab show`
    best = ok.sort_values(order, ascending=ascending, kind="stable").head(top)[columns]
    print(f"best {min(top, len(ok))} runs {what}:")
    print(best.to_string(index=False))
    return scan


def _without_epochs(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "epochs"}
