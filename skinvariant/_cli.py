"""Command-line interface.

The command line is a thin layer: every subcommand parses its arguments and
calls a public function, so that anything it computes is reachable from
Python as well.
"""

import argparse
import sys

from skinvariant._version import __version__
from skinvariant.reproduce._command import add_reproduce_command


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skinvariant",
        description=(
            "Symmetry-constrained machine learning: invariant features, "
            "augmentation and odd networks."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"skinvariant {__version__}"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    # Subcommands register themselves here, one function each, so that the
    # parser stays readable as commands are added.
    for register in _SUBCOMMANDS:
        register(subparsers)

    return parser


# Each entry takes the subparsers object and adds one command whose
# ``func`` default receives the parsed namespace and returns an exit code.
_SUBCOMMANDS = [
    add_reproduce_command,
]


def main(argv=None):
    """Run the ``skinvariant`` command line and return its exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)

    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2

    return args.func(args)
