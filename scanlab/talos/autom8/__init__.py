"""Talos's ``autom8``: an automatic params dict, model function, scan and prediction.

``AutoScan(task, experiment_name).start(x, y, ...)`` scans :class:`AutoModel`'s networks
over :class:`AutoParams`' space on ``scanlab.talos.Scan``; :func:`AutoPredict` scores the
best runs on held-out data and predicts with the winner.
"""

from __future__ import annotations

from scanlab.talos.autom8.automodel import AutoModel
from scanlab.talos.autom8.autoparams import AutoParams
from scanlab.talos.autom8.autopredict import AutoPredict
from scanlab.talos.autom8.autoscan import AutoScan

__all__ = ["AutoModel", "AutoParams", "AutoPredict", "AutoScan"]
