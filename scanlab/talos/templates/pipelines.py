"""Talos's example pipelines (``talos.templates.pipelines``): dataset, params, model, Scan.

Each function runs a real ``scanlab.talos.Scan`` of the template of its name — the data
from :mod:`~scanlab.talos.templates.datasets`, the params from
:mod:`~scanlab.talos.templates.params`, the model function from
:mod:`~scanlab.talos.templates.models` — in the experiment ``'test'``, as Talos 2.0.10 does.
``iris`` and ``breast_cancer`` run offline; ``titanic`` and ``cervical_cancer`` raise the
dataset's clear error (Talos downloads their data; scanlab does not) before any training.
"""

from __future__ import annotations

from typing import Any

__all__ = ["breast_cancer", "cervical_cancer", "iris", "titanic"]


def _pipeline(name: str, round_limit: int, random_method: str, options: dict[str, Any]) -> Any:
    """Scan template ``name``; ``options['debug']`` picks titanic's debug params."""
    from scanlab.talos._scan import Scan
    from scanlab.talos.templates import datasets, models, params

    debug = options.pop("debug", False)
    x, y = getattr(datasets, name)()
    space = params.titanic(debug=debug) if name == "titanic" else getattr(params, name)()
    experiment_name = options.pop("experiment_name", "test")
    return Scan(
        x,
        y,
        space,
        getattr(models, name),
        experiment_name,
        round_limit=round_limit,
        random_method=random_method,
        **options,
    )


def breast_cancer(
    round_limit: int = 2, random_method: str = "uniform_mersenne", **scan_options: Any
) -> Any:
    """Scan Talos's breast-cancer template (scikit-learn's copy of the data).

    Parameters
    ----------
    round_limit : int, default 2
        Number of runs.
    random_method : str, default 'uniform_mersenne'
        Talos's sampler name.
    **scan_options
        More ``Scan`` arguments (e.g. ``results_dir``, ``seed``, ``experiment_name``, which
        is ``'test'`` unless given).

    Returns
    -------
    scanlab.talos.Scan
    """
    return _pipeline("breast_cancer", round_limit, random_method, scan_options)


def cervical_cancer(
    round_limit: int = 2, random_method: str = "uniform_mersenne", **scan_options: Any
) -> Any:
    """Talos's cervical-cancer pipeline: its data is download-only, so this raises.

    Parameters
    ----------
    round_limit, random_method, **scan_options
        As for :func:`breast_cancer`.

    Returns
    -------
    scanlab.talos.Scan
        Never: :func:`scanlab.talos.templates.datasets.cervical_cancer` raises
        ``ScanArgumentError`` first.
    """
    return _pipeline("cervical_cancer", round_limit, random_method, scan_options)


def iris(round_limit: int = 2, random_method: str = "uniform_mersenne", **scan_options: Any) -> Any:
    """Scan Talos's iris template (scikit-learn's copy of the data).

    Parameters
    ----------
    round_limit, random_method, **scan_options
        As for :func:`breast_cancer`.

    Returns
    -------
    scanlab.talos.Scan

    Examples
    --------
    >>> scan = iris(round_limit=2, results_dir='results', seed=1)  # doctest: +SKIP
    >>> len(scan.data)                                             # doctest: +SKIP
    2
    """
    return _pipeline("iris", round_limit, random_method, scan_options)


def titanic(
    round_limit: int = 2,
    random_method: str = "uniform_mersenne",
    debug: bool = False,
    **scan_options: Any,
) -> Any:
    """Talos's titanic pipeline: its data is download-only, so this raises.

    Parameters
    ----------
    round_limit, random_method, **scan_options
        As for :func:`breast_cancer`.
    debug : bool, default False
        Talos's small debug params.

    Returns
    -------
    scanlab.talos.Scan
        Never: :func:`scanlab.talos.templates.datasets.titanic` raises
        ``ScanArgumentError`` first.
    """
    return _pipeline("titanic", round_limit, random_method, {**scan_options, "debug": debug})
