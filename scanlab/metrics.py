"""Temporary shim during the restructuring; removed once analysis uses the rulebook."""

from scanlab._metric_names import default_metric, is_loss_like, resolve_metric

__all__ = ["default_metric", "is_loss_like", "resolve_metric"]
