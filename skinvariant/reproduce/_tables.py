"""The tables of a run, as terminal text or markdown."""

import textwrap

from skinvariant.reproduce._findings import qualitative_findings
from skinvariant.reproduce._rows import TABLE_TITLES

TABLE_STYLES = ("text", "markdown")

_HEADER = (
    "bias",
    "features",
    "trained on",
    "X_test",
    "paper",
    "-X_test",
    "paper",
    "R+R_inv",
    "check",
)

_LEGEND = """\
Accuracies: mean ± standard deviation over seeds; R+R_inv: mean of their sum.
check: "bound ok" when R + R_inv <= 1 held on every seed, as it must for odd
models (no bias, no invariance); "same k/n" when the predictions on X_test
and -X_test were identical on k of n seeds, as they must be for invariant
models, to which the bound does not apply."""

# Columns holding numbers are aligned right.
_NUMERIC = {3, 4, 5, 6, 7}


def format_tables(results, *, style="text"):
    """Return the tables of a run with the published values beside them.

    One table per group of rows (Table I, Table II, then the rows the
    paper lacks), each row giving the mean and standard deviation over
    seeds of the accuracy on ``X_test`` and on ``-X_test``, the paper's
    value, the mean of ``R + R_inv``, and a check: for odd models whether
    ``R + R_inv <= 1`` held on every seed, for invariant models on how many
    seeds the predictions on ``X_test`` and ``-X_test`` were identical.
    The qualitative findings follow.

    Parameters
    ----------
    results : ReferenceResults
        A run of :func:`run_reference_experiment`.

    style : {"text", "markdown"}, default="text"
        Plain columns for a terminal of 100 columns, or markdown tables.

    Returns
    -------
    tables : str
        The tables, ending with a newline.

    See Also
    --------
    write_report : Write these tables with the protocol and figures to disk.

    Examples
    --------
    >>> from skinvariant.reproduce import format_tables, run_reference_experiment
    >>> results = run_reference_experiment(
    ...     rows=["pixels_nobias"], seeds=1, quick=True
    ... )
    >>> print(format_tables(results))
    Table I: raw pixels as features
    bias  features  trained on  X_test  paper  -X_test  paper  R+R_inv  check
    no    x_i       X            0.8...   0.84    0.0...  0.001    0.8...  bound ok
    <BLANKLINE>
    Accuracies: mean ± standard deviation over seeds; R+R_inv: mean of their sum.
    ...
    Findings
    [yes] Without biases, a network trained on X_train scores well on X_test ...
    """
    if style not in TABLE_STYLES:
        raise ValueError(f"`style` must be one of {TABLE_STYLES}; got {style!r}.")

    render = _markdown if style == "markdown" else _text
    blocks = []
    for key, summaries in _group_by_table(results.summaries()):
        title = TABLE_TITLES.get(key, key)
        if style == "markdown":
            title = f"### {title}"
        cells = [_cells(summary) for summary in summaries]
        blocks.append(title + "\n" + render(cells))

    blocks.append(_LEGEND if style == "text" else _LEGEND.replace("\n", " "))
    blocks.append(_findings_block(results, style))
    return "\n\n".join(blocks) + "\n"


def _group_by_table(summaries):
    # Known tables in their fixed order, any others after them as they come.
    keys = list(TABLE_TITLES)
    keys += [s.row.table for s in summaries if s.row.table not in keys]
    groups = []
    for key in dict.fromkeys(keys):
        members = [s for s in summaries if s.row.table == key]
        if members:
            groups.append((key, members))
    return groups


def _cells(summary):
    row = summary.row
    paper = row.paper if row.paper is not None else (None, None)
    mean_sum = summary.accuracy_mean + summary.inverted_mean
    return (
        "yes" if row.fit_bias else "no",
        row.features,
        row.training_label,
        _mean_std(summary.accuracy_mean, summary.accuracy_std),
        _paper(paper[0]),
        _mean_std(summary.inverted_mean, summary.inverted_std),
        _paper(paper[1]),
        f"{mean_sum:.3f}",
        _check(summary),
    )


def _mean_std(mean, std):
    if std is None:
        return f"{mean:.3f}"
    return f"{mean:.3f} ± {std:.3f}"


def _paper(value):
    return "" if value is None else f"{value:g}"


def _check(summary):
    if summary.row.odd:
        return "bound ok" if summary.bound_holds else "BOUND FAILS"
    if summary.row.invariant:
        return f"same {summary.n_identical}/{summary.n_runs}"
    return ""


def _text(cells):
    lines = [_HEADER, *cells]
    widths = [max(len(line[k]) for line in lines) for k in range(len(_HEADER))]
    rendered = []
    for line in lines:
        padded = [
            value.rjust(width) if k in _NUMERIC else value.ljust(width)
            for k, (value, width) in enumerate(zip(line, widths, strict=True))
        ]
        rendered.append("  ".join(padded).rstrip())
    return "\n".join(rendered)


def _markdown(cells):
    align = ["---:" if k in _NUMERIC else ":---" for k in range(len(_HEADER))]
    lines = [_HEADER, align, *cells]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _findings_block(results, style):
    lines = []
    for finding in qualitative_findings(results):
        mark = "yes" if finding.holds else "NO"
        if style == "markdown":
            lines.append(f"- **{mark}** {finding.claim}: {finding.evidence}.")
        else:
            text = f"[{mark}] {finding.claim}: {finding.evidence}."
            lines.append(textwrap.fill(text, width=88, subsequent_indent="      "))

    title = "### Findings" if style == "markdown" else "Findings"
    return title + "\n" + ("\n".join(lines) or "(no finding applies)")
