"""Bundled tabular data for demos and tests (shipped inside scikit-learn, no download)."""

from __future__ import annotations

import numpy as np

__all__ = ["breast_cancer"]


def breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """Wisconsin breast-cancer data, standardized: x (569, 30) float32, y (569,) float32.

    Returns
    -------
    x : ndarray of float32, shape (569, 30)
        The 30 features, each scaled to mean 0 and standard deviation 1.
    y : ndarray of float32, shape (569,)
        The labels, 0 (malignant) or 1 (benign).

    Examples
    --------
    >>> x, y = breast_cancer()
    >>> x.shape, y.shape
    ((569, 30), (569,))
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(x).astype("float32"), y.astype("float32")
