"""Talos's ``templates``: example params, model functions, datasets and pipelines.

``params.iris()`` with ``models.iris`` and ``datasets.iris()`` make a complete scan;
``pipelines.iris()`` runs it on ``scanlab.talos.Scan``. Only data that ships offline (with
scikit-learn: iris, breast_cancer) loads; the download-only datasets raise a clear error.
"""

from __future__ import annotations

from scanlab.talos.templates import datasets, models, params, pipelines

__all__ = ["datasets", "models", "params", "pipelines"]
