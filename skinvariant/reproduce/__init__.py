"""Reproduce the reference experiment of the paper, with its tables beside.

:func:`run_reference_experiment` fits every row of the experiment (raw
pixels trained on ``X`` or on ``X`` and ``-X``, invariant features, full
quadratic features, sampled augmentation, group averaging; each without
and with biases) over several seeds, :func:`format_tables` prints the
tables with the published values beside the measured ones, and
:func:`write_report` writes the report, the numbers and the figures.
The command ``skinvariant reproduce`` does all three.
"""

from skinvariant.reproduce._figures import plot_accuracies, plot_feature_maps
from skinvariant.reproduce._findings import Finding, qualitative_findings
from skinvariant.reproduce._protocols import Protocol, get_protocol
from skinvariant.reproduce._report import write_report
from skinvariant.reproduce._results import ReferenceResults, RowSummary, RunResult
from skinvariant.reproduce._rows import REFERENCE_ROWS, RowSpec, reference_rows
from skinvariant.reproduce._runner import run_reference_experiment
from skinvariant.reproduce._tables import format_tables

__all__ = [
    "REFERENCE_ROWS",
    "Finding",
    "Protocol",
    "ReferenceResults",
    "RowSpec",
    "RowSummary",
    "RunResult",
    "format_tables",
    "get_protocol",
    "plot_accuracies",
    "plot_feature_maps",
    "qualitative_findings",
    "reference_rows",
    "run_reference_experiment",
    "write_report",
]
