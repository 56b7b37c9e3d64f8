"""Talos's example datasets (``talos.templates.datasets``), where the data ships offline.

Talos 2.0.10 downloads every one of its example datasets (CSVs from the ``autonomio/datasets``
repository on GitHub, MNIST through Keras). scanlab never downloads anything, so here:

- :func:`iris` and :func:`breast_cancer` load the copies that scikit-learn ships and return
  them in Talos's shapes, dtypes and encodings;
- :func:`titanic`, :func:`cervical_cancer`, :func:`icu_mortality`, :func:`telco_churn` and
  :func:`mnist` raise :class:`~scanlab.errors.ScanArgumentError` saying which data is missing
  and how to load your own.

The arrays are NumPy; no framework is imported.
"""

from __future__ import annotations

from typing import NoReturn

import numpy as np

from scanlab.errors import ScanArgumentError, rule_message

__all__ = [
    "breast_cancer",
    "cervical_cancer",
    "icu_mortality",
    "iris",
    "mnist",
    "telco_churn",
    "titanic",
]

_AUTONOMIO = "https://raw.githubusercontent.com/autonomio/datasets/master/autonomio-datasets/"


def iris(*, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris data as Talos returns it: rows shuffled, labels one-hot.

    Parameters
    ----------
    seed : int, optional
        Seed of the row shuffle (scanlab's addition; Talos shuffles unseeded, which is
        ``seed=None`` here).

    Returns
    -------
    x : ndarray of float64, shape (150, 4)
        Sepal length, sepal width, petal length, petal width (cm).
    y : ndarray of float64, shape (150, 3)
        One-hot species: column 0 setosa, 1 versicolor, 2 virginica.

    Notes
    -----
    scikit-learn's copy carries the two corrections of Fisher's data that the UCI file
    (Talos's source) lacks: sample 35 has petal width 0.2 (UCI: 0.1) and sample 38 has
    sepal width 3.6 and petal length 1.4 (UCI: 3.1 and 1.5). The other 148 rows are the same.

    Examples
    --------
    >>> x, y = iris(seed=0)
    >>> x.shape, y.shape, x.dtype.name, y.sum(axis=0).tolist()
    ((150, 4), (150, 3), 'float64', [50.0, 50.0, 50.0])
    """
    from sklearn.datasets import load_iris

    x, labels = load_iris(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(x))
    y = np.eye(int(labels.max()) + 1)[labels]
    return x[order].astype("float64"), y[order]


def breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """The Wisconsin breast-cancer data as Talos returns it: raw features, 1 = malignant.

    Returns
    -------
    x : ndarray of float64, shape (569, 30)
        The 30 features unscaled, in the file's order (10 means, 10 standard errors,
        10 worst values).
    y : ndarray of int64, shape (569,)
        1 for malignant (Talos's ``diagnosis == 'M'``), 0 for benign.

    Notes
    -----
    :func:`scanlab.datasets.breast_cancer` is another view of the same data, for scanlab's
    own demos: standardized float32 features and scikit-learn's labels (1 = benign).

    Examples
    --------
    >>> x, y = breast_cancer()
    >>> x.shape, y.shape, x.dtype.name, y.dtype.name, int(y.sum())
    ((569, 30), (569,), 'float64', 'int64', 212)
    """
    from sklearn.datasets import load_breast_cancer

    x, benign = load_breast_cancer(return_X_y=True)
    return x.astype("float64"), (benign == 0).astype("int64")


def titanic() -> NoReturn:
    """Talos's titanic data: not shipped offline, so this raises.

    Raises
    ------
    ScanArgumentError
        Always: Talos downloads ``titanic.csv``; scanlab does not download.

    Examples
    --------
    >>> titanic()
    Traceback (most recent call last):
    ...
    scanlab.errors.ScanArgumentError: talos.templates.datasets.titanic() must load data ...
    """
    _needs_download(
        "titanic",
        f"titanic.csv from {_AUTONOMIO}titanic.csv",
        "x from the columns age, sibsp, parch plus one-hot class, embark_town, who, deck, "
        "sex; y = survived",
    )


def cervical_cancer() -> NoReturn:
    """Talos's cervical-cancer data: not shipped offline, so this raises.

    Raises
    ------
    ScanArgumentError
        Always: Talos downloads ``cervical_cancer.csv``; scanlab does not download.
    """
    _needs_download(
        "cervical_cancer",
        f"cervical_cancer.csv from {_AUTONOMIO}cervical_cancer.csv",
        "'?' as missing, rows with missing values dropped, y = schiller",
    )


def icu_mortality(samples: int | None = None) -> NoReturn:
    """Talos's ICU-mortality data: not shipped offline, so this raises.

    Parameters
    ----------
    samples : int, optional
        Talos's number of rows to keep; unused, since the data is not here.

    Raises
    ------
    ScanArgumentError
        Always: Talos downloads ``icu_mortality.csv``; scanlab does not download.
    """
    _needs_download(
        "icu_mortality",
        f"icu_mortality.csv from {_AUTONOMIO}icu_mortality.csv",
        "y = hospitalmortality",
    )


def telco_churn(quantile: float = 0.5) -> NoReturn:
    """Talos's telco-churn experiment log: not shipped offline, so this raises.

    Parameters
    ----------
    quantile : float, default 0.5
        Talos's threshold for turning the two targets into labels; unused here.

    Raises
    ------
    ScanArgumentError
        Always: Talos downloads ``telco_churn_for_sensitivity.csv``; scanlab does not.
    """
    _needs_download(
        "telco_churn",
        "telco_churn_for_sensitivity.csv from https://raw.githubusercontent.com/autonomio/"
        "examples/master/telco_churn/telco_churn_for_sensitivity.csv",
        "one-hot params as x, [val_loss label, val_f1score label] as y",
    )


def mnist() -> NoReturn:
    """Talos's MNIST (x_train, y_train, x_val, y_val): not shipped offline, so this raises.

    Raises
    ------
    ScanArgumentError
        Always: Talos calls ``keras.datasets.mnist.load_data()``, which downloads.
    """
    _needs_download(
        "mnist",
        "MNIST through keras.datasets.mnist.load_data()",
        "images reshaped to (n, 28, 28, 1), scaled to [0, 1] float32, labels one-hot",
    )


def _needs_download(name: str, source: str, layout: str) -> NoReturn:
    """Raise the one error every download-only dataset raises."""
    raise ScanArgumentError(
        rule_message(
            f"talos.templates.datasets.{name}()",
            f"must load data that ships offline, but Talos downloads {source} and scanlab "
            "never downloads; offline here are iris() and breast_cancer() (from "
            "scikit-learn)",
            name,
            f"download the data yourself, build x and y as NumPy arrays or pandas objects "
            f"(Talos's layout: {layout}) and pass them to Scan(x, y, ...) — or use "
            f"datasets.iris() / datasets.breast_cancer()",
        )
    )
