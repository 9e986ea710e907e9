"""Write a run of the reference experiment to disk: report, numbers, figures."""

import json
from dataclasses import asdict
from pathlib import Path

from skinvariant.reproduce._figures import (
    check_matplotlib,
    plot_accuracies,
    plot_feature_maps,
)
from skinvariant.reproduce._findings import (
    explain_gaps,
    paper_gaps,
    qualitative_findings,
)
from skinvariant.reproduce._tables import format_tables

REPORT_FILES = ("report.md", "results.json")
FIGURE_FILES = ("figure1.png", "accuracy.png")


def write_report(results, out_dir, *, figures=True):
    """Write the report, the numbers and the figures of a run to a directory.

    Parameters
    ----------
    results : ReferenceResults
        A run of :func:`run_reference_experiment`.

    out_dir : str or path-like
        The directory to write to; created if missing. Files of the same
        names are overwritten.

    figures : bool, default=True
        Whether to draw ``figure1.png`` (one digit under each feature map)
        and ``accuracy.png`` (the accuracies as bars). Requires matplotlib.

    Returns
    -------
    paths : list of pathlib.Path
        The files written: ``report.md`` (tables, protocol, where the run
        differs from the paper, training cost, versions), ``results.json``
        (every setting and number) and the figures.

    Raises
    ------
    ImportError
        If `figures` is True and matplotlib is not installed; raised before
        anything is written.

    See Also
    --------
    run_reference_experiment : Produce the results to write.
    format_tables : The tables alone, as text.

    Examples
    --------
    >>> import json, tempfile
    >>> from skinvariant.reproduce import run_reference_experiment, write_report
    >>> results = run_reference_experiment(
    ...     rows=["squares_nobias"], seeds=1, quick=True
    ... )
    >>> with tempfile.TemporaryDirectory() as out_dir:
    ...     paths = write_report(results, out_dir, figures=False)
    ...     numbers = json.loads(paths[1].read_text())
    >>> [path.name for path in paths]
    ['report.md', 'results.json']
    >>> numbers["rows"][0]["name"]
    'squares_nobias'
    """
    if figures:
        check_matplotlib()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    report, numbers = (out_dir / name for name in REPORT_FILES)
    document = json.dumps(results_document(results), indent=2)
    numbers.write_text(document + "\n", encoding="utf-8")
    paths = [report, numbers]

    if figures:
        paths += _write_figures(results, out_dir)
    report.write_text(render_report(results, figures=figures), encoding="utf-8")
    return paths


def results_document(results):
    """Return the content of ``results.json``: numbers, findings, gaps."""
    document = results.to_dict()
    document["findings"] = [asdict(f) for f in qualitative_findings(results)]
    document["paper_comparison"] = [
        {
            "row": gap.row.name,
            "column": gap.column,
            "measured": gap.measured,
            "std": gap.std,
            "paper": gap.paper,
            "difference": gap.difference,
            "tolerance": gap.tolerance,
            "agrees": gap.agrees,
        }
        for gap in paper_gaps(results)
    ]
    return document


def _write_figures(results, out_dir):
    paths = [out_dir / name for name in FIGURE_FILES]
    drawings = (
        plot_feature_maps(random_state=results.seeds[0]),
        plot_accuracies(results),
    )
    for path, figure in zip(paths, drawings, strict=True):
        figure.savefig(path, dpi=120)
    return paths


def render_report(results, *, figures=True):
    """Return the text of ``report.md`` for `results`."""
    sections = [
        _heading(results),
        "## Protocol\n\n" + _protocol(results),
        "## Results\n\n" + format_tables(results, style="markdown").strip(),
        "## Where this run differs from the paper\n\n"
        + " ".join(explain_gaps(results)),
        "## Training cost\n\n" + _cost_table(results),
    ]
    if figures:
        sections.append(
            "## Figures\n\n"
            "![One digit under each feature map](figure1.png)\n\n"
            "![Accuracy on X_test and -X_test per model](accuracy.png)"
        )
    sections.append("## Versions\n\n" + _versions(results))
    return "\n\n".join(sections) + "\n"


def _heading(results):
    protocol = results.protocol
    quick = ", quick budget" if protocol.quick else ""
    return (
        "# Reference experiment: measured values against the paper\n\n"
        f"Protocol `{protocol.name}`{quick}, {len(results.seeds)} seeds "
        f"(random_state={results.random_state}, n_jobs={results.n_jobs or 1}); "
        f"run time {results.run_time:.0f} s. Reference: Bergman, "
        '"Symmetry constrained machine learning" (2019), Tables I and II.'
    )


def _protocol(results):
    run = results.runs[0]
    return (
        "Data: the scikit-learn 8x8 digits, pixels scaled to [-1, 1] "
        "(background -1), each image also shifted by one pixel in four "
        f"directions (8985 rows); {run.n_train} rows for training and "
        f"{run.n_test} for testing per seed. {results.protocol.describe()} "
        "Network: tanh hidden layers (10, 5) and a softmax output, with or "
        "without biases. Each seed draws the split, the initial weights and "
        "the permutation P; all rows share the splits."
    )


def _cost_table(results):
    protocol = results.protocol
    lines = [
        "| model | L-BFGS budget (iterations) | mean iterations | converged "
        "| mean fit time (s) |",
        "| :--- | ---: | ---: | ---: | ---: |",
    ]
    for summary in results.summaries():
        budget, _ = protocol.budget(summary.row.budget)
        lines.append(
            f"| {summary.row.label} | {budget} | {summary.n_iter_mean:.0f} | "
            f"{summary.n_converged}/{summary.n_runs} | "
            f"{summary.fit_time_mean:.2f} |"
        )
    return "\n".join(lines)


def _versions(results):
    return "\n".join(f"- {name}: {value}" for name, value in results.versions.items())
