"""The validation methods of :class:`scanlab.Analyze`: how much to trust the winner.

- :meth:`AnalyzeValidation.folds`: cross-validated runs (``Scan(cv=k)``), the best
  configurations' mean ± std over the folds, and whether the winner's lead is larger than
  that spread (:func:`scanlab.analysis.fold_summary`);
- :meth:`AnalyzeValidation.classes`: one run's per-class scores and confusion matrix
  (``Scan(scoring=[...])``, read from the ``history.jsonl`` sidecars;
  :func:`scanlab.analysis.class_report`);
- :meth:`AnalyzeValidation.heldout`: the validation-versus-test gaps of the held-out check
  (``scanlab.evaluate``, read from ``<experiment>/heldout.csv``;
  :func:`scanlab.analysis.heldout_gaps`);

and their plots, drawn by :mod:`scanlab.plots` (imported only when a plot is asked for).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from scanlab import analysis as an
from scanlab._analyze_base import AnalyzeBase
from scanlab._validation_files import HELDOUT_FILE, experiment_folder, read_heldout, read_scores
from scanlab.errors import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["AnalyzeValidation"]

Names = Sequence[Any] | Mapping[Any, Any] | None


class AnalyzeValidation(AnalyzeBase):
    """The validation methods of :class:`scanlab.Analyze` (folds, classes, held-out gaps)."""

    def folds(
        self, metric: str | None = None, n: int = 10, minimize: bool | None = None
    ) -> pd.DataFrame:
        """The ``n`` best cross-validated configurations: mean ± std over the folds, each
        fold's value, and whether the winner's lead over each is within the folds' spread.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`); ``'val_accuracy'`` means its fold
            mean ``mean_val_accuracy``.
        n : int, default 10
            Number of configurations.
        minimize : bool, optional
            Whether lower is better; default: :meth:`minimize`.

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.fold_summary`; ``attrs['note']`` says in words
            whether the winner's lead is larger than the fold spread.

        Raises
        ------
        AnalysisError
            When the runs were not cross-validated (no ``split<i>_<metric>`` columns).

        Examples
        --------
        >>> from scanlab import Analyze
        >>> df = pd.DataFrame({'run_id': ['a', 'b'], 'status': 'ok', 'lr': [0.1, 0.01],
        ...     'split0_val_acc': [0.9, 0.7], 'split1_val_acc': [0.8, 0.8],
        ...     'mean_val_acc': [0.85, 0.75], 'std_val_acc': [0.05, 0.05]})
        >>> Analyze(df, params=['lr']).folds()[['run_id', 'mean', 'within_spread']].to_dict('list')
        {'run_id': ['a', 'b'], 'mean': [0.85, 0.75], 'within_spread': [None, False]}
        """
        metric = self._metric(metric)
        summary = an.fold_summary(
            self.rows, metric, self.minimize(metric, minimize), n, self.params
        )
        return self._tag(summary)

    def _scores(self) -> dict[str, dict[str, Any]]:
        folder = self.results.folder
        return read_scores(folder) if folder is not None and folder.is_dir() else {}

    def classes(
        self, run_id: str | None = None, names: Names = None, top: int = 5
    ) -> an.ClassReport:
        """Per-class precision, recall, F1 and support of one run, its confusion matrix and
        the classes it most often mistook for one another.

        Needs the per-class scores ``Scan(scoring=[...])`` records in ``history.jsonl``; in
        a cross-validated round, the out-of-fold predictions of every fold pooled.

        Parameters
        ----------
        run_id : str, optional
            The run; default: the best run by the default metric (among the runs with
            scores, said in the note when that is not the best run overall).
        names : sequence or mapping, optional
            Class names, one per label or ``{label: name}``; default: the labels.
        top : int, default 5
            Most confused (true, predicted) pairs listed.

        Returns
        -------
        ClassReport
            See :func:`scanlab.analysis.class_report`; ``table.attrs`` holds ``run_id``.

        Raises
        ------
        AnalysisError
            When no per-class scores were recorded, or not for ``run_id``.

        Examples
        --------
        >>> import json, tempfile, pathlib
        >>> from scanlab import Analyze
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / 'results.csv').write_text('run_id,round,status,lr,val_accuracy\\n'
        ...                                         'a,1,ok,0.1,0.8\\n')
        >>> _ = (folder / 'history.jsonl').write_text(json.dumps({'run_id': 'a', 'history': {},
        ...     'scores': {'labels': [0, 1], 'confusion_matrix': [[4, 1], [1, 4]]}}) + '\\n')
        >>> Analyze(folder).classes().table['recall'].tolist()
        [0.8, 0.8]
        """
        scores = self._scores()
        if not scores:
            raise AnalysisError(
                f"{self.source} has no per-class scores (history.jsonl records with "
                "'scores'). Fix: scan with Scan(..., scoring=['recall_macro', ...]) to record "
                "each run's confusion matrix, and analyse its results folder."
            )
        note = ""
        if run_id is None:
            run_id, best = an.best_scored_run(self.rows, self.metric, self.minimize(), scores)
            if run_id is None:
                raise AnalysisError(
                    f"none of the ok runs ranked by {self.metric!r} has per-class scores "
                    f"(scored runs: {sorted(scores)[:5]}). Fix: pass run_id=... of a scored run."
                )
            if run_id != best:
                note = f" Run {best}, the best by {self.metric}, has no scores."
        elif str(run_id) not in scores:
            raise AnalysisError(
                f"run_id={run_id!r} has no per-class scores in {self.source}. Fix: use one of "
                f"the scored runs {sorted(scores)[:10]}."
            )
        details = scores[str(run_id)]
        report = an.class_report(details, names, top)
        folds = int(details.get("n_folds") or 0)
        pooled = f" Predictions of the {folds} folds pooled." if folds else ""
        report = report._replace(note=f"Run {run_id}: {report.note}{pooled}{note}")
        report.table.attrs.update(run_id=str(run_id), note=report.note)
        return report

    def heldout(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """The validation-versus-test gap of each configuration the held-out check evaluated.

        Parameters
        ----------
        frame : DataFrame, optional
            What ``scanlab.evaluate(...)`` returned; default: ``heldout.csv`` of the
            experiment folder this Analyze read (also from one of its round folders).

        Returns
        -------
        DataFrame
            See :func:`scanlab.analysis.heldout_gaps`; ``attrs['note']`` gives the mean gap
            and says when the search's winner is not the best on test.

        Raises
        ------
        AnalysisError
            When there is no ``heldout.csv`` (or no folder to look in).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from scanlab import Analyze
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / 'results.csv').write_text('run_id,round,status,lr,val_accuracy\\n'
        ...                                         'a,1,ok,0.1,0.8\\n')
        >>> _ = (folder / 'heldout.csv').write_text('rank,run_id,lr,val_accuracy,test_accuracy\\n'
        ...                                         '1,a,0.1,0.8,0.75\\n')
        >>> Analyze(folder).heldout()['gap_accuracy'].round(3).tolist()
        [0.05]
        """
        if frame is None:
            folder = self.results.folder
            if folder is None:
                raise AnalysisError(
                    f"Analyze read its runs from a {self.source}, not a results folder: there "
                    f"is no {HELDOUT_FILE} to read. Fix: run scanlab.evaluate(...) and pass "
                    "the DataFrame it returns (heldout(frame)), or Analyze('results/<experiment>')."
                )
            frame = read_heldout(folder)
            if frame is None:
                raise AnalysisError(
                    f"{experiment_folder(folder) / HELDOUT_FILE} does not exist: these runs "
                    "were not checked on held-out data. Fix: run scanlab.evaluate(...) on the "
                    "experiment first."
                )
        return an.heldout_gaps(frame, self.metric)

    # ---- plots --------------------------------------------------------------------------------

    def plot_folds(self, metric: str | None = None, n: int = 10) -> Axes:
        """Mean ± std over the folds of the ``n`` best configurations, every fold marked.

        Parameters
        ----------
        metric : str, optional
            Default: the default metric (:attr:`metric`).
        n : int, default 10
            Number of configurations.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_folds`.
        """
        from scanlab import plots

        return plots.plot_folds(self.folds(metric, n))

    def plot_confusion(
        self, run_id: str | None = None, names: Names = None, normalize: bool = True
    ) -> Axes:
        """Confusion matrix heatmap of one run (default: the best run with scores).

        Parameters
        ----------
        run_id : str, optional
            See :meth:`classes`.
        names : sequence or mapping, optional
            Class names.
        normalize : bool, default True
            Colour by each true class's shares instead of counts.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_confusion`.
        """
        from scanlab import plots

        report = self.classes(run_id, names)
        return plots.plot_confusion(
            report,
            normalize=normalize,
            title=f"confusion matrix of run {report.table.attrs['run_id']} (rows: true class)",
        )

    def plot_heldout(self, metric: str | None = None, frame: pd.DataFrame | None = None) -> Axes:
        """Validation vs test score of each evaluated configuration, in search-rank order.

        Parameters
        ----------
        metric : str, optional
            The metric base name (``'accuracy'``); default: the first one evaluated.
        frame : DataFrame, optional
            See :meth:`heldout`.

        Returns
        -------
        Axes
            See :func:`scanlab.plots.plot_heldout`.
        """
        from scanlab import plots

        return plots.plot_heldout(self.heldout(frame), metric)
