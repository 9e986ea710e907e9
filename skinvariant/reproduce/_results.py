"""The measurements of the reference experiment and their summaries."""

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class RunResult:
    """The measurements of one row fitted on one seed's split.

    One entry of :attr:`ReferenceResults.runs`.

    Attributes
    ----------
    row : str
        The name of the row.

    seed_index : int
        The position of the seed in the run, from 0.

    seed : int
        The integer the seed stands for: it fixes the split, the network's
        initialisation and any other randomness of the row.

    accuracy : float
        Accuracy on ``X_test``.

    inverted_accuracy : float
        Accuracy on ``-X_test``, the inverted test images.

    identical_predictions : bool
        Whether the predicted labels on ``X_test`` and ``-X_test`` are equal
        for every test image.

    agreement : float
        The fraction of test images predicted alike on both.

    n_iter : int
        L-BFGS iterations run by the network.

    converged : bool
        Whether training stopped before its budget ran out, that is without
        a :class:`~sklearn.exceptions.ConvergenceWarning`.

    fit_time : float
        Seconds spent fitting the pipeline.

    score_time : float
        Seconds spent predicting on both test sets.

    n_train : int
        Rows in the training set, before any augmentation.

    n_test : int
        Rows in the test set.

    See Also
    --------
    ReferenceResults : All runs of an experiment.

    Examples
    --------
    >>> from skinvariant.reproduce import Protocol, run_reference_experiment
    >>> tiny = Protocol("tiny", split="grouped", max_iter=20, max_fun=40, tol=1e-4)
    >>> results = run_reference_experiment(
    ...     protocol=tiny, rows=["squares_nobias"], seeds=1
    ... )
    >>> run = results.runs[0]
    >>> run.identical_predictions, run.accuracy == run.inverted_accuracy
    (True, True)
    >>> run.n_train + run.n_test
    8985
    """

    row: str
    seed_index: int
    seed: int
    accuracy: float
    inverted_accuracy: float
    identical_predictions: bool
    agreement: float
    n_iter: int
    converged: bool
    fit_time: float
    score_time: float
    n_train: int
    n_test: int

    @property
    def accuracy_sum(self):
        """``R + R_inv``, bounded by 1 for an odd model."""
        return self.accuracy + self.inverted_accuracy


@dataclass(frozen=True)
class RowSummary:
    """One row's measurements summarised over all seeds.

    Returned by :meth:`ReferenceResults.summary`. Standard deviations are
    over seeds (``ddof=1``) and None with a single seed.

    Attributes
    ----------
    row : RowSpec
        The row summarised.

    n_runs : int
        The number of seeds.

    accuracy_mean : float
        Mean accuracy on ``X_test``.

    accuracy_std : float or None
        Its standard deviation over seeds.

    inverted_mean : float
        Mean accuracy on ``-X_test``.

    inverted_std : float or None
        Its standard deviation over seeds.

    sum_max : float
        The largest ``R + R_inv`` over seeds.

    bound_holds : bool or None
        Whether ``R + R_inv <= 1`` held on every seed; None for rows whose
        model is not odd, for which the bound is not claimed.

    n_identical : int
        Seeds on which the predictions on ``X_test`` and ``-X_test`` were
        identical.

    n_converged : int
        Seeds on which L-BFGS converged within its budget.

    n_iter_mean : float
        Mean number of L-BFGS iterations.

    fit_time_mean : float
        Mean seconds spent fitting.

    See Also
    --------
    ReferenceResults.summaries : The summary of every row.

    Examples
    --------
    >>> from skinvariant.reproduce import Protocol, run_reference_experiment
    >>> tiny = Protocol("tiny", split="grouped", max_iter=20, max_fun=40, tol=1e-4)
    >>> results = run_reference_experiment(
    ...     protocol=tiny, rows=["pixels_nobias"], seeds=2
    ... )
    >>> summary = results.summary("pixels_nobias")
    >>> summary.n_runs, summary.bound_holds
    (2, True)
    >>> summary.sum_max <= 1
    True
    """

    row: object
    n_runs: int
    accuracy_mean: float
    accuracy_std: float | None
    inverted_mean: float
    inverted_std: float | None
    sum_max: float
    bound_holds: bool | None
    n_identical: int
    n_converged: int
    n_iter_mean: float
    fit_time_mean: float

    def to_dict(self):
        """Return the summary as JSON-ready values, the row by its name."""
        values = asdict(self)
        values["row"] = self.row.name
        return values


def _mean_std(values):
    values = np.asarray(values, dtype=float)
    std = float(np.std(values, ddof=1)) if len(values) > 1 else None
    return float(np.mean(values)), std


def summarize_runs(row, runs):
    """Return the :class:`RowSummary` of `row` from its runs."""
    accuracy_mean, accuracy_std = _mean_std([run.accuracy for run in runs])
    inverted_mean, inverted_std = _mean_std([run.inverted_accuracy for run in runs])
    sums = [run.accuracy_sum for run in runs]

    # Accuracies are ratios of counts, so compare with a hair of slack for
    # the rounding of their sum.
    bound_holds = all(s <= 1.0 + 1e-12 for s in sums) if row.odd else None

    return RowSummary(
        row=row,
        n_runs=len(runs),
        accuracy_mean=accuracy_mean,
        accuracy_std=accuracy_std,
        inverted_mean=inverted_mean,
        inverted_std=inverted_std,
        sum_max=max(sums),
        bound_holds=bound_holds,
        n_identical=sum(run.identical_predictions for run in runs),
        n_converged=sum(run.converged for run in runs),
        n_iter_mean=float(np.mean([run.n_iter for run in runs])),
        fit_time_mean=float(np.mean([run.fit_time for run in runs])),
    )


@dataclass(frozen=True)
class ReferenceResults:
    """Everything measured by :func:`run_reference_experiment`.

    The runs in the order of the rows, then of the seeds, with the settings
    needed to tell how they were obtained. :meth:`summary` condenses a row
    over its seeds, :meth:`to_dict` gives every number as plain values.

    Attributes
    ----------
    protocol : Protocol
        How the data were split and the networks trained.

    rows : tuple of RowSpec
        The rows of the experiment, in table order.

    runs : tuple of RunResult
        One entry per row and seed, ordered by row, then seed.

    seeds : tuple of int
        The integer behind each seed, drawn from `random_state`.

    random_state : int or None
        The `random_state` the run was started with.

    n_jobs : int or None
        The number of parallel jobs used.

    run_time : float
        Wall-clock seconds of the whole run.

    versions : dict
        Versions of Python, the platform and the libraries involved.

    See Also
    --------
    format_tables : The tables of a run, as text.
    write_report : Write a run's report, numbers and figures to disk.

    Examples
    --------
    >>> from skinvariant.reproduce import Protocol, run_reference_experiment
    >>> tiny = Protocol("tiny", split="grouped", max_iter=20, max_fun=40, tol=1e-4)
    >>> results = run_reference_experiment(
    ...     protocol=tiny, rows=["pixels_nobias", "squares_nobias"], seeds=2
    ... )
    >>> [f"{run.row}/{run.seed_index}" for run in results.runs]
    ['pixels_nobias/0', 'pixels_nobias/1', 'squares_nobias/0', 'squares_nobias/1']
    >>> results.summary("squares_nobias").n_identical
    2
    >>> sorted(results.to_dict())
    ['n_jobs', 'protocol', 'random_state', 'rows', 'run_time', 'seeds', 'versions']
    """

    protocol: object
    rows: tuple
    runs: tuple
    seeds: tuple
    random_state: object
    n_jobs: object
    run_time: float
    versions: dict

    def row(self, name):
        """Return the row called `name`."""
        for row in self.rows:
            if row.name == name:
                return row
        names = [row.name for row in self.rows]
        raise KeyError(f"No row named {name!r}; the rows are {names}.")

    def runs_of(self, name):
        """Return the runs of the row called `name`, ordered by seed."""
        self.row(name)
        return [run for run in self.runs if run.row == name]

    def summary(self, name):
        """Return the :class:`RowSummary` of the row called `name`."""
        return summarize_runs(self.row(name), self.runs_of(name))

    def summaries(self):
        """Return the summary of every row, in table order."""
        return [self.summary(row.name) for row in self.rows]

    def to_dict(self):
        """Return every setting and number as JSON-ready values."""
        rows = []
        for row in self.rows:
            rows.append(
                {
                    **_row_to_dict(row),
                    "summary": self.summary(row.name).to_dict(),
                    "runs": [asdict(run) for run in self.runs_of(row.name)],
                }
            )
        return _finite(
            {
                "protocol": self.protocol.to_dict(),
                "seeds": list(self.seeds),
                "random_state": self.random_state,
                "n_jobs": self.n_jobs,
                "run_time": self.run_time,
                "versions": dict(self.versions),
                "rows": rows,
            }
        )


def _row_to_dict(row):
    paper = row.paper if row.paper is not None else (None, None)
    return {
        "name": row.name,
        "table": row.table,
        "features": row.features,
        "training": row.training,
        "training_label": row.training_label,
        "fraction": row.fraction,
        "fit_bias": row.fit_bias,
        "invariant": row.invariant,
        "odd": row.odd,
        "budget": row.budget,
        "paper": {"accuracy": paper[0], "inverted_accuracy": paper[1]},
    }


def _finite(value):
    # JSON has no NaN: a missing number becomes null.
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _finite(value.item())
    return value
