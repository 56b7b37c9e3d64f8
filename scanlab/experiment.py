"""``Experiment``: an experiment folder's rounds, their params and their results, read back.

How a Scan writes the folder (rounds, lock, damaged metadata) is
:mod:`scanlab._experiment_folder`; its names are importable from here too.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scanlab._experiment_folder import (
    ExperimentFolder,
    RoundInfo,
    fingerprint,
    load_manifest,
    round_number,
    versions,
)
from scanlab._files import round_dirs
from scanlab._manifest import (
    decode_params,
    read_manifest,
)
from scanlab._schema import MANIFEST_FILE
from scanlab.errors import (
    AnalysisError,
    ResultsFormatError,
    rule_message,
)
from scanlab.results import load_results

__all__ = ["Experiment", "ExperimentFolder", "RoundInfo", "fingerprint", "versions"]


class Experiment:
    """An experiment folder's rounds, their params and their results.

    Parameters
    ----------
    path : str or Path
        ``results/<experiment_name>``.

    Examples
    --------
    >>> exp = Experiment('results/breast_cancer')              # doctest: +SKIP
    >>> exp.rounds()                                           # doctest: +SKIP
    >>> params2 = exp.params(2)                                # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise FileNotFoundError(
                f"no experiment folder at {str(self.path)!r}; experiments live in "
                f"results/<experiment_name> (the Scan's results_dir and experiment_name)."
            )

    def rounds(self) -> Any:
        """One row per round: status, counts, sampler, seed, start and end.

        Returns
        -------
        DataFrame
            ``round``, ``status``, ``runs_ok``, ``runs_failed``, ``runs_reused`` (of the ok
            runs, those taken from earlier rounds, not trained again), ``planned_runs``,
            ``grid_size``, ``random_method``, ``seed``, ``started``, ``ended`` (None where a
            round has no manifest).
        """
        import pandas as pd

        rows = []
        for round_dir in round_dirs(self.path):
            manifest = read_manifest(round_dir) or {}
            rows.append(
                {
                    "round": round_number(round_dir),
                    "status": manifest.get("status"),
                    "runs_ok": manifest.get("runs_ok"),
                    "runs_failed": manifest.get("runs_failed"),
                    "runs_reused": manifest.get("runs_reused", 0 if manifest else None),
                    "planned_runs": manifest.get("planned_runs"),
                    "grid_size": manifest.get("grid_size"),
                    "random_method": manifest.get("random_method"),
                    "seed": manifest.get("seed"),
                    "started": manifest.get("started"),
                    "ended": manifest.get("ended"),
                }
            )
        return pd.DataFrame(rows)

    def _round_dir(self, number: int | None) -> Path:
        rounds = round_dirs(self.path)
        if number is not None and (
            not isinstance(number, numbers.Integral) or isinstance(number, bool)
        ):
            raise AnalysisError(
                rule_message(
                    "number",
                    "must be an int (a round number) or None (the latest round)",
                    number,
                    f"pass one of the rounds {[round_number(r) for r in rounds]}, e.g. "
                    f"Experiment(path).params(1)",
                )
            )
        if not rounds:
            raise FileNotFoundError(f"experiment {str(self.path)!r} has no rounds yet.")
        if number is None:
            return rounds[-1]
        for round_dir in rounds:
            if round_number(round_dir) == number:
                return round_dir
        raise AnalysisError(
            f"experiment {str(self.path)!r} has no round {number}; it has rounds "
            f"{[round_number(r) for r in rounds]}. Fix: ask for one of those."
        )

    def manifest(self, number: int | None = None) -> dict[str, Any]:
        """A round's manifest (default: the latest round).

        Parameters
        ----------
        number : int, optional
            The round's number; default: the latest round.

        Returns
        -------
        dict
            The manifest; empty when the round has none.

        Raises
        ------
        FileNotFoundError
            When the experiment has no rounds.
        ValueError
            When there is no round ``number``.
        """
        return read_manifest(self._round_dir(number)) or {}

    def params(
        self, number: int | None = None, *, trust: Iterable[str] | str | None = None
    ) -> dict[str, Any]:
        """The params dict a round scanned, as given.

        Callables (optimizers, activations, ...) are recorded by import name. They come back
        as the same classes and functions only from modules scanlab may use: the
        deep-learning frameworks (``keras``, ``tensorflow``, ``torch``, ``jax`` and their
        submodules), modules you already imported (outside the standard library), and the
        modules in ``trust``. A results folder is shared data, so nothing else is imported
        and nothing from ``os``, ``subprocess``, ``builtins``, ... is ever returned; such a
        callable comes back as its recorded name (``'my_activation'``), with one warning
        saying which modules to trust.

        Parameters
        ----------
        number : int, optional
            The round's number; default: the latest round.
        trust : str or iterable of str, optional
            Modules (with their submodules) you trust to be imported to resolve callables,
            e.g. ``['mymodels']`` for activations defined in your own ``mymodels`` package.

        Returns
        -------
        dict
            Ranges come back as ``(start, stop, steps)`` tuples.

        Raises
        ------
        ResultsFormatError
            When the round's ``manifest.json`` is missing, unreadable or has no ``params``.

        Examples
        --------
        >>> Experiment('results/exp').params(2)                          # doctest: +SKIP
        {'lr': [0.1, 0.01], 'optimizer': [<class 'keras...Adam'>], 'activation': ['swish2']}
        >>> Experiment('results/exp').params(2, trust=['mymodels'])      # doctest: +SKIP
        {'lr': [0.1, 0.01], 'optimizer': [<class 'keras...Adam'>],
         'activation': [<function swish2 at ...>]}
        """
        round_dir = self._round_dir(number)
        file = round_dir / MANIFEST_FILE
        manifest, problem = load_manifest(round_dir)
        fix = (
            "restore the file from a backup or a copy of the experiment; the round's runs "
            "are still in its results.csv (Experiment(path).results(n))"
        )
        if manifest is None:
            raise ResultsFormatError(
                f"{str(file)!r} is {problem}, so round {round_number(round_dir)}'s params "
                f"are unknown. Fix: {fix}."
            )
        if "params" not in manifest:
            raise ResultsFormatError(
                f"{str(file)!r} has no 'params' entry (keys: {sorted(manifest)}), so round "
                f"{round_number(round_dir)}'s params are unknown. Fix: {fix}."
            )
        return decode_params(manifest["params"], trust, source=repr(str(file)), folder=self.path)

    def results(self, number: int | None = None) -> Any:
        """Runs of one round, or of every round when ``number`` is None.

        Parameters
        ----------
        number : int, optional
            The round's number; default: every round (with a ``round`` column).

        Returns
        -------
        DataFrame
            See :func:`scanlab.load_results`.
        """
        return load_results(self.path if number is None else self._round_dir(number))
