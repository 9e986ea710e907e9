"""What a run shows: the qualitative findings and the gaps to the paper.

Everything here is computed from the measured numbers, so the report states
what this run found, whichever way it came out.
"""

from dataclasses import dataclass

from skinvariant.reproduce._protocols import PAPER_MAX_FUN

# Ten balanced digit classes.
CHANCE = 0.1

# A model whose predictions carry no information about the label scores
# about CHANCE; anything under this is called "near chance" (see the notes
# of `qualitative_findings`).
NEAR_CHANCE = 0.3

# Paper values have two significant digits, so a gap below this is rounding.
_ROUNDING = 0.02


@dataclass(frozen=True)
class Finding:
    """A claim about the experiment, whether it held, and the numbers.

    Returned by :func:`qualitative_findings`.

    Attributes
    ----------
    claim : str
        What the experiment is expected to show, in words.

    holds : bool
        Whether the measured numbers bear the claim out.

    evidence : str
        The numbers the verdict rests on.

    See Also
    --------
    qualitative_findings : Check every claim on a run.

    Examples
    --------
    >>> from skinvariant.reproduce import Finding
    >>> finding = Finding(
    ...     "Neighbour products beat squares", True, "0.870 against 0.697"
    ... )
    >>> "yes" if finding.holds else "no"
    'yes'
    """

    claim: str
    holds: bool
    evidence: str


@dataclass(frozen=True)
class PaperGap:
    """A measured accuracy next to the published one."""

    row: object
    column: str
    measured: float
    std: float | None
    paper: float

    @property
    def difference(self):
        return self.measured - self.paper

    @property
    def tolerance(self):
        """Two seed standard deviations, and no less than the paper's rounding."""
        return max(2.0 * (self.std or 0.0), _ROUNDING)

    @property
    def agrees(self):
        return abs(self.difference) <= self.tolerance


def qualitative_findings(results):
    """Return the findings the experiment is about, checked on `results`.

    The claims: a network without biases trained on ``X_train`` scores
    above 0.7 on ``X_test`` and below 0.05 on ``-X_test``; trained on
    ``X_train`` and ``-X_train`` it is near chance; ``R + R_inv <= 1`` for
    every odd model and seed; invariant models predict identically on
    ``X_test`` and ``-X_test``; neighbour products beat squares; invariant
    features beat augmentation, judged by the worse test set. A claim is
    only checked when its rows are in `results`.

    Parameters
    ----------
    results : ReferenceResults
        A run of :func:`run_reference_experiment`.

    Returns
    -------
    findings : list of Finding
        One per claim that applies, with its verdict and numbers.

    See Also
    --------
    format_tables : Prints these findings below the tables.

    Notes
    -----
    "Near chance" means below 0.3 on both test sets. Chance is 0.1 with
    ten balanced classes, and trained on ``x`` and ``-x`` with the same
    label, a network without biases sees a loss whose minimum ignores the
    labels (see :class:`~skinvariant.NoBiasTanhMLPClassifier`), so what it
    still predicts depends on the image but not on the digit; 0.3 leaves
    room for a few digit classes to land on their label by coincidence.

    Examples
    --------
    >>> from skinvariant.reproduce import (
    ...     Protocol, qualitative_findings, run_reference_experiment
    ... )
    >>> tiny = Protocol("tiny", split="grouped", max_iter=20, max_fun=40, tol=1e-4)
    >>> results = run_reference_experiment(
    ...     protocol=tiny, rows=["squares_nobias", "neighbours_nobias"], seeds=1
    ... )
    >>> for finding in qualitative_findings(results):
    ...     print(finding.holds, finding.claim)
    True Invariant models predict identically on X_test and -X_test
    True Neighbour products beat squares (without biases)
    """
    summaries = {summary.row.name: summary for summary in results.summaries()}
    checks = (
        _inversion_failure,
        _augmentation_to_chance,
        _bound,
        _exact_invariance,
        _neighbours_beat_squares,
        _invariant_beats_augmented,
    )
    findings = []
    for check in checks:
        findings += check(summaries)
    return findings


def _scores(summary):
    return (
        f"{summary.accuracy_mean:.3f} on X_test, {summary.inverted_mean:.3f} on -X_test"
    )


def _inversion_failure(summaries):
    summary = summaries.get("pixels_nobias")
    if summary is None:
        return []
    holds = summary.accuracy_mean > 0.7 and summary.inverted_mean < 0.05
    return [
        Finding(
            "Without biases, a network trained on X_train scores well on "
            "X_test and almost never on -X_test",
            holds,
            _scores(summary),
        )
    ]


def _augmentation_to_chance(summaries):
    summary = summaries.get("pixels_augmented_nobias")
    if summary is None:
        return []
    worst = max(summary.accuracy_mean, summary.inverted_mean)
    return [
        Finding(
            "Without biases, training on X_train and -X_train drives the "
            f"network to chance ({CHANCE:g})",
            worst < NEAR_CHANCE,
            _scores(summary),
        )
    ]


def _bound(summaries):
    odd = [summary for summary in summaries.values() if summary.row.odd]
    if not odd:
        return []
    largest = max(odd, key=lambda summary: summary.sum_max)
    return [
        Finding(
            "R + R_inv <= 1 for every odd (bias-free, non-invariant) model and seed",
            all(summary.bound_holds for summary in odd),
            f"largest sum {largest.sum_max:.3f} ({largest.row.label})",
        )
    ]


def _exact_invariance(summaries):
    invariant = [summary for summary in summaries.values() if summary.row.invariant]
    if not invariant:
        return []
    identical = sum(summary.n_identical for summary in invariant)
    total = sum(summary.n_runs for summary in invariant)
    return [
        Finding(
            "Invariant models predict identically on X_test and -X_test",
            identical == total,
            f"identical predictions in {identical} of {total} fits",
        )
    ]


def _neighbours_beat_squares(summaries):
    findings = []
    for suffix, bias in (("nobias", "without"), ("bias", "with")):
        squares = summaries.get(f"squares_{suffix}")
        neighbours = summaries.get(f"neighbours_{suffix}")
        if squares is None or neighbours is None:
            continue
        findings.append(
            Finding(
                f"Neighbour products beat squares ({bias} biases)",
                neighbours.accuracy_mean > squares.accuracy_mean,
                f"{neighbours.accuracy_mean:.3f} against {squares.accuracy_mean:.3f}",
            )
        )
    return findings


def _invariant_beats_augmented(summaries):
    # Judge each model by its worse test set: a symmetric model must do well
    # on both.
    findings = []
    for suffix, bias in (("nobias", "without"), ("bias", "with")):
        augmented = summaries.get(f"pixels_augmented_{suffix}")
        invariant = [
            summaries[f"{key}_{suffix}"]
            for key in ("neighbours", "permutation")
            if f"{key}_{suffix}" in summaries
        ]
        if augmented is None or not invariant:
            continue
        best = max(invariant, key=_worse_score)
        findings.append(
            Finding(
                f"Invariant features beat augmentation with -X_train ({bias} "
                "biases), judged by the worse of the two test sets",
                _worse_score(best) > _worse_score(augmented),
                f"{_worse_score(best):.3f} ({best.row.features}) against "
                f"{_worse_score(augmented):.3f}",
            )
        )
    return findings


def _worse_score(summary):
    return min(summary.accuracy_mean, summary.inverted_mean)


def paper_gaps(results):
    """Return every measured mean that has a published value beside it."""
    gaps = []
    for summary in results.summaries():
        if summary.row.paper is None:
            continue
        columns = (
            ("X_test", summary.accuracy_mean, summary.accuracy_std),
            ("-X_test", summary.inverted_mean, summary.inverted_std),
        )
        for (column, measured, std), paper in zip(
            columns, summary.row.paper, strict=True
        ):
            if paper is not None:
                gaps.append(PaperGap(summary.row, column, measured, std, paper))
    return gaps


def explain_gaps(results):
    """Return sentences saying where the run differs from the paper and why."""
    gaps = paper_gaps(results)
    if not gaps:
        return ["No row of this run has a published value to compare with."]

    differing = [gap for gap in gaps if not gap.agrees]
    sentences = [
        f"{len(gaps) - len(differing)} of {len(gaps)} published values lie "
        "within two seed standard deviations (at least 0.02, the paper's "
        "rounding) of the measured mean."
    ]
    if not differing:
        return sentences

    higher = [gap for gap in differing if gap.difference > 0]
    lower = [gap for gap in differing if gap.difference < 0]
    if higher:
        sentences.append("Measured higher than published: " + _list(higher) + ".")
    if lower:
        sentences.append("Measured lower than published: " + _list(lower) + ".")
    sentences += _reasons(results, higher, lower)
    return sentences


def _list(gaps):
    return "; ".join(
        f"{gap.row.label} on {gap.column} ({gap.measured:.3f} against "
        f"{gap.paper:g}, {gap.difference:+.3f})"
        for gap in gaps
    )


def _reasons(results, higher, lower):
    protocol = results.protocol
    runs = results.runs
    mean_iter = sum(run.n_iter for run in runs) / len(runs)
    converged = f"{sum(run.converged for run in runs)} of {len(runs)} fits"

    reasons = [
        "The paper reports one run per row with an unstated split, "
        "initialisation and permutation; a single run can land anywhere in "
        "the seed-to-seed spread, which the std column shows."
    ]
    if protocol.split == "grouped" and lower:
        reasons.append(
            "The clean split keeps every shifted copy of a test image out of "
            "training, while the paper's random split of the enlarged data "
            "trained on shifted copies of most test images, a leak that can "
            "only help the published scores."
        )
    if protocol.max_fun > PAPER_MAX_FUN and higher:
        reasons.append(
            f"Here L-BFGS ran {mean_iter:.0f} iterations on average "
            f"({converged} converged) against about {PAPER_MAX_FUN} function "
            "evaluations in the paper, so the networks got further towards "
            "their optimum."
        )
    if protocol.max_fun < PAPER_MAX_FUN and lower:
        reasons.append(
            f"This run's budget of {protocol.max_fun} function evaluations "
            f"is below the paper's {PAPER_MAX_FUN}, which stops training "
            "earlier."
        )
    if protocol.max_fun <= PAPER_MAX_FUN:
        reasons.append(
            f"Only {converged} converged within {protocol.max_fun} function "
            "evaluations, so the scores depend on the starting weights and "
            "on the optimiser's details (line search, stopping rule), which "
            "differ between implementations."
        )
    return reasons
