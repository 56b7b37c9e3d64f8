"""The ``scanlab`` command line.

::

    scanlab demo      [--runs 20] [--workers N] [--verbose]
    scanlab report    <csv-or-experiment> [--metric M] [-o FILE]
    scanlab show      <csv-or-experiment> [--metric M] [-n 10]
    scanlab correlate <csv-or-experiment> [--metric M] [--method spearman|kendall]

Exit codes: 0 success, 2 bad usage or bad input (a one-line message on stderr, no
traceback), 130 interrupted.

Adding a command: write ``_add_<name>_arguments(parser)`` and ``_cmd_<name>(args) -> int``
and add a :class:`Command` to :data:`COMMANDS`; :func:`_build_parser` and :func:`main` pick
it up. Raise a :class:`scanlab.errors.ScanlabError` (or an ``OSError``) for bad input: main
prints it as ``scanlab <command>: error: <message>`` and returns 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from scanlab import budget
from scanlab.errors import CommandLineError, ScanlabError, rule_message

__all__ = ["COMMANDS", "Command", "main"]


class Command(NamedTuple):
    """A subcommand: its one-line help, how to add its arguments, and its handler.

    Parameters
    ----------
    help : str
        The one-line help shown by ``scanlab --help``.
    add_arguments : callable
        ``add_arguments(parser)`` adds the command's arguments to its subparser.
    run : callable
        ``run(args) -> int`` runs the command and returns its exit code.
    """

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --------------------------------------------------------------------------------------------
# Shared arguments and helpers
# --------------------------------------------------------------------------------------------


def _add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="results CSV, round folder or experiment folder")
    parser.add_argument(
        "-m",
        "--metric",
        help="metric to analyse (default: the one the scan tracked, from the manifests; "
        "else val_accuracy, val_acc, val_loss, ... whichever the results have)",
    )
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument(
        "--minimize",
        dest="minimize",
        action="store_const",
        const=True,
        help="lower metric values are better (default: from the name)",
    )
    direction.add_argument(
        "--maximize",
        dest="minimize",
        action="store_const",
        const=False,
        help="higher metric values are better",
    )


def _analyze(args: argparse.Namespace):  # -> Analyze (imported lazily: fast --help)
    from scanlab.analyze import Analyze

    return Analyze(args.source, metric=args.metric, minimize=args.minimize)


def _print_table(frame: pd.DataFrame, index: bool = True) -> None:
    width = shutil.get_terminal_size((120, 24)).columns
    text = frame.to_string(
        index=index, line_width=width, na_rep="-", float_format=lambda v: f"{v:.4g}"
    )
    print(text)


def _headline(a, metric: str) -> str:
    s = a.summary(metric)
    rounds = f" in {s.n_rounds} rounds" if s.n_rounds > 1 else ""
    line = f"{a.source}: {s.n_runs:,} runs ({s.n_ok:,} ok, {s.n_failed:,} failed){rounds}"
    if s.n_failed:
        kinds = a.failures()
        line += "; failures: " + ", ".join(
            f"{r.error_type} x{r.count}" for r in kinds.head(3).itertuples()
        )
    return line


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def _add_report_arguments(parser: argparse.ArgumentParser) -> None:
    _add_source_arguments(parser)
    parser.add_argument(
        "-o", "--output", default="report.html", help="HTML file to write (default: report.html)"
    )
    parser.add_argument(
        "-k", "--top", type=int, default=10, help="number of best runs listed (default: 10)"
    )
    parser.add_argument("--title", help="title of the report")


def _cmd_report(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # no window, whatever the environment
    out = Path(args.output)
    if not out.parent.is_dir():
        raise CommandLineError(
            f"output folder does not exist: {str(out.parent)!r}. Fix: create it first "
            f"(mkdir -p {str(out.parent)!r}) or pass -o with an existing folder."
        )
    start = time.perf_counter()
    a = _analyze(args)
    path = a.report(out, metric=args.metric, k=args.top, title=args.title)
    size = path.stat().st_size
    print(f"wrote {path} ({size / 1024:,.0f} KiB) in {time.perf_counter() - start:.1f} s")
    return 0


def _add_show_arguments(parser: argparse.ArgumentParser) -> None:
    _add_source_arguments(parser)
    parser.add_argument(
        "-n", "--top", type=int, default=10, help="number of best runs shown (default: 10)"
    )


def _cmd_show(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise CommandLineError(
            rule_message("-n", "must be a positive number of runs", args.top, "use e.g. -n 10")
        )
    a = _analyze(args)
    metric = a.metric
    print(_headline(a, metric))
    best = a.best_runs(args.top, metric)
    s = a.summary(metric)
    where = [f"run {s.best_run_id}"] if s.best_run_id else []
    where += [f"round {s.best_round}"] if s.best_round is not None else []
    print(
        f"metric {metric} ({'lower' if s.minimize else 'higher'} is better): best "
        f"{s.best_value:.6g}" + (f" ({', '.join(where)})" if where else "")
    )
    print()
    _print_table(best)
    return 0


def _add_correlate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_source_arguments(parser)
    parser.add_argument(
        "--method",
        choices=("spearman", "kendall"),
        default="spearman",
        help="rank correlation for numeric parameters (default: spearman)",
    )


def _cmd_correlate(args: argparse.Namespace) -> int:
    a = _analyze(args)
    metric = a.metric
    corr = a.correlate(metric, method=args.method)
    print(_headline(a, metric))
    print(
        f"parameters vs {metric} ({'lower' if a.minimize(metric) else 'higher'} is better):"
        f" {args.method} correlation for numeric parameters, Kruskal-Wallis epsilon² for "
        "categorical ones"
    )
    print()
    cols = ["param", "kind", "test", "correlation", "p_value", "effect_size", "strength", "n"]
    _print_table(corr[cols], index=False)
    return 0


#: ``scanlab demo --search NAME``: the search over 1 .. max_epochs epochs.
DEMO_SEARCHES: dict[str, Callable[[int], Any]] = {
    "asha": lambda top: budget.ASHA(min_epochs=1, max_epochs=top),
    "halving": lambda top: budget.SuccessiveHalving(min_epochs=1, max_epochs=top),
    "hyperband": lambda top: budget.Hyperband(max_epochs=top),
}


def _add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--runs",
        type=int,
        default=20,
        help="number of runs to sample from the demo grid (default: 20)",
    )
    parser.add_argument(
        "--experiment",
        default="breast_cancer_demo",
        help="experiment name (default: breast_cancer_demo)",
    )
    parser.add_argument(
        "--results-dir", default="results", help="parent folder of experiments (default: results)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="run this many trials at once in worker processes"
    )
    parser.add_argument("--seed", type=int, default=7, help="sampling seed (default: 7)")
    parser.add_argument(
        "--search",
        choices=sorted(DEMO_SEARCHES),
        help="a budgeted search over epochs (up to --max-epochs); --runs then counts "
        "configurations",
    )
    parser.add_argument(
        "--max-epochs", type=int, default=27, help="epochs of a full run under --search (27)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would train, and train nothing"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show the frameworks' start-up notes and warnings (TensorFlow's oneDNN, CUDA "
        "and CPU-feature lines), hidden by default",
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    if not args.verbose:  # TensorFlow's start-up notes would land in the progress bar
        from scanlab._quiet import quiet_frameworks

        quiet_frameworks()
    from scanlab.demo import run_demo

    if args.runs < 1:
        raise CommandLineError(
            rule_message(
                "--runs", "must be a positive number of runs", args.runs, "use e.g. --runs 20"
            )
        )
    scan = run_demo(
        experiment_name=args.experiment,
        round_limit=args.runs,
        results_dir=args.results_dir,
        seed=args.seed,
        workers=args.workers,
        search=DEMO_SEARCHES[args.search](args.max_epochs) if args.search else None,
        dry_run=args.dry_run,
    )
    if args.dry_run:
        return 0
    print("\nnext, to see the results (one command per line):")
    print(f"  scanlab show {scan.experiment_path}")
    print(f"  scanlab report {scan.experiment_path} -o report.html")
    return 0


#: The subcommands, in the order ``scanlab --help`` lists them.
COMMANDS: dict[str, Command] = {
    "demo": Command(
        "scan an MLP on the bundled breast-cancer data and print the best runs",
        _add_demo_arguments,
        _cmd_demo,
    ),
    "report": Command(
        "write a self-contained HTML report of the results", _add_report_arguments, _cmd_report
    ),
    "show": Command("print the best runs", _add_show_arguments, _cmd_show),
    "correlate": Command(
        "print how every parameter relates to the metric", _add_correlate_arguments, _cmd_correlate
    ),
}


def _build_parser() -> argparse.ArgumentParser:
    from scanlab._version import __version__

    parser = argparse.ArgumentParser(
        prog="scanlab",
        description="Hyperparameter scans for Keras models: run the demo scan, or analyse "
        "results (scanlab's or Talos's CSVs).",
    )
    parser.add_argument("--version", action="version", version=f"scanlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``scanlab`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``scanlab``; default: ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 for bad usage or bad input (a one-line message on stderr), 1 when
        stdout was closed early (a broken pipe), 130 when interrupted; argparse's own code
        for ``--help`` and ``--version``.

    Examples
    --------
    >>> main(['--version'])  # doctest: +SKIP
    scanlab 0.1.0
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse's own codes
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    if args.command is None:
        parser.print_usage(sys.stderr)
        print(f"scanlab: error: a command is required: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command].run(args)
    except BrokenPipeError:  # e.g. `scanlab show ... | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (
        ScanlabError,
        OSError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
    ) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"scanlab {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"scanlab {args.command}: interrupted", file=sys.stderr)
        return 130
