"""The ``skinvariant reproduce`` command: a thin layer over the public API."""

import argparse
import os
import sys
from pathlib import Path

from skinvariant.reproduce._figures import check_matplotlib
from skinvariant.reproduce._report import write_report
from skinvariant.reproduce._runner import run_reference_experiment
from skinvariant.reproduce._tables import format_tables

_DESCRIPTION = """\
Regenerate the reference experiment (Bergman 2019, Tables I and II) and the
rows the paper lacks: a (10, 5) tanh network with and without biases on the
signed 8x8 digits, scored on X_test and on the inverted -X_test. Tables go to
stdout with the published values beside them, progress to stderr.
"""


def add_reproduce_command(subparsers):
    """Add the ``reproduce`` subcommand to the command-line parser."""
    parser = subparsers.add_parser(
        "reproduce",
        help="regenerate the reference experiment's tables and figures",
        description=_DESCRIPTION,
    )
    parser.add_argument(
        "--protocol",
        choices=("clean", "paper"),
        default="clean",
        help=(
            "clean: split by source image, 5x the paper's L-BFGS budget "
            "(default); "
            "paper: random split of the shifted rows, about 200 L-BFGS "
            "function evaluations, as published"
        ),
    )
    parser.add_argument(
        "--seeds",
        type=_positive_int,
        default=None,
        metavar="N",
        help="number of seeds (default: 5, or 2 with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller training budget and 2 seeds: under a minute",
    )
    parser.add_argument(
        "--n-jobs",
        type=_nonzero_int,
        default=None,
        metavar="N",
        help="fits run in parallel through joblib (-1: all cores; default 1)",
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="write report.md, results.json and the figures to DIR",
    )
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help="with --out, skip the figures (no matplotlib needed)",
    )
    parser.add_argument(
        "--random-state",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the seeds: the same value gives the same numbers",
    )
    parser.set_defaults(func=run_reproduce_command)


def run_reproduce_command(args):
    """Run the experiment as `args` say; return the exit code."""
    figures = args.out is not None and not args.no_figures
    if figures:
        # Fail before minutes of fitting, not after.
        try:
            check_matplotlib()
        except ImportError as exc:
            print(f"skinvariant reproduce: error: {exc}", file=sys.stderr)
            return 2
    if args.out is not None and not _writable_directory(args.out):
        return 2

    results = run_reference_experiment(
        protocol=args.protocol,
        seeds=args.seeds,
        quick=args.quick,
        n_jobs=args.n_jobs,
        verbose=1,
        random_state=args.random_state,
    )
    print(format_tables(results), end="")
    print(f"finished in {results.run_time:.0f} s", file=sys.stderr)

    if args.out is not None:
        paths = write_report(results, args.out, figures=figures)
        for path in paths:
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _writable_directory(out):
    """Create `out` if needed; say why on stderr and return False if unusable."""
    # An unusable --out should stop the command before minutes of fitting,
    # not after them.
    try:
        Path(out).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        if os.access(out, os.W_OK):
            return True
        reason = "Permission denied"

    print(
        f"skinvariant reproduce: error: argument --out: cannot write to the "
        f"directory {out!r}: {reason}",
        file=sys.stderr,
    )
    return False


def _nonzero_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be a non-zero integer; got {text!r}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"must be an integer from 0 to {2**32 - 1}; got {text!r}"
        )
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}")
    return value
