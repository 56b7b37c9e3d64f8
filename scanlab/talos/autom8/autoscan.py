"""``AutoScan``: Talos's one-call scan of :class:`AutoModel` over :class:`AutoParams`."""

from __future__ import annotations

import numbers
from typing import Any

from scanlab.errors import ScanArgumentError, rule_message
from scanlab.talos.autom8.autoparams import normalize_task

__all__ = ["AutoScan"]


class AutoScan:
    """Configure an automatic scan; :meth:`start` runs it.

    Parameters
    ----------
    task : str
        ``'binary'``, ``'multi_class'``, ``'multi_label'`` or ``'continuous'`` (aliases
        ``'multiclass'``, ``'multilabel'``, ``'regression'``).
    experiment_name : str
        The experiment's folder under the results folder.
    max_param_values : int, optional
        Keep at most this many values per parameter of the automatic params (used only when
        :meth:`start` gets no ``params``).

    Examples
    --------
    >>> auto = AutoScan('multiclass', 'iris_auto', max_param_values=2)
    >>> auto.task, auto.max_param_values
    ('multi_class', 2)
    """

    def __init__(
        self, task: str, experiment_name: str, max_param_values: int | None = None
    ) -> None:
        if max_param_values is not None and (
            isinstance(max_param_values, bool)
            or not isinstance(max_param_values, numbers.Integral)
            or max_param_values < 1
        ):
            raise ScanArgumentError(
                rule_message(
                    "max_param_values",
                    "must be a positive int or None",
                    max_param_values,
                    "use e.g. max_param_values=2, or None for AutoParams' 4 values",
                )
            )
        self.task = normalize_task(task)
        self.experiment_name = experiment_name
        self.max_param_values = max_param_values

    def start(self, x: Any, y: Any, **kwargs: Any) -> Any:
        """Run the scan: ``scanlab.talos.Scan`` with the automatic model and params.

        Parameters
        ----------
        x, y : array-like or list of arrays
            Features and labels.
        **kwargs
            Any ``Scan`` argument (Talos's and scanlab's, e.g. ``round_limit``,
            ``results_dir``). ``model`` and ``params`` replace the automatic ones;
            ``backend`` goes to :class:`AutoModel` and :class:`AutoParams`.

        Returns
        -------
        scanlab.talos.Scan
            The finished scan.
        """
        from scanlab.talos._scan import Scan
        from scanlab.talos.autom8.automodel import AutoModel
        from scanlab.talos.autom8.autoparams import AutoParams

        options = dict(kwargs)
        backend = options.pop("backend", "tensorflow")
        model = options.pop("model", None)
        if model is None:
            model = AutoModel(self.task, self.experiment_name, backend=backend).model
        if "params" not in options:
            auto = AutoParams(task=self.task, backend=backend)
            if self.max_param_values is not None:
                auto.resample_params(self.max_param_values)
            options["params"] = auto.params
        return Scan(x, y, model=model, experiment_name=self.experiment_name, **options)
