"""Run the reference experiment: every row on every seed, optionally in parallel."""

import numbers
import platform
import sys
import time
import warnings
from collections import Counter

import joblib
import numpy as np
import scipy
import sklearn
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

from skinvariant import AugmentedClassifier, GroupAveragedClassifier, __version__
from skinvariant.datasets import load_signed_digits
from skinvariant.reproduce._protocols import get_protocol, make_network, split_indices
from skinvariant.reproduce._results import ReferenceResults, RunResult
from skinvariant.reproduce._rows import RowSpec, reference_rows

DEFAULT_SEEDS = 5
QUICK_SEEDS = 2


def run_reference_experiment(
    *,
    protocol="clean",
    seeds=None,
    quick=False,
    rows=None,
    n_jobs=None,
    verbose=0,
    random_state=0,
):
    """Fit and score every row of the reference experiment over several seeds.

    The reference experiment trains a (10, 5) tanh network with a softmax
    output, with and without biases, on the signed 8x8 digits enlarged by
    one-pixel shifts (:func:`~skinvariant.datasets.load_signed_digits`),
    and measures its accuracy on the test images and on their grayscale
    inversions. Each row of the experiment feeds the network through a
    different feature map or trains it differently (see
    :func:`reference_rows`); every model is a
    :class:`~sklearn.pipeline.Pipeline` of the package's public estimators.

    Each seed draws its own train/test split and its own initialisation of
    the networks (and permutation for the permutation products); all rows
    share the splits, so they are compared on the same test images.

    Parameters
    ----------
    protocol : {"clean", "paper"} or Protocol, default="clean"
        ``"clean"`` splits by source image, so the shifted copies of a test
        image are never trained on, and gives L-BFGS a generous budget.
        ``"paper"`` repeats the published setup: a random 80/20 split of
        the enlarged rows and about 200 function evaluations of L-BFGS.
        A :class:`Protocol` sets split and budget freely.

    seeds : int, default=None
        The number of seeds; None means 5, or 2 when `quick` is True.

    quick : bool, default=False
        Whether to cut the training budget of a named protocol down (and
        the default number of seeds) for a run of under a minute that still
        shows every qualitative finding.

    rows : list of RowSpec or str, default=None
        The rows to run, as specifications or names of reference rows.
        None runs all of :func:`reference_rows`.

    n_jobs : int, default=None
        The number of fits run in parallel through :mod:`joblib`; None
        means 1 unless in a :func:`joblib.parallel_backend` context, -1
        means all processors. The numbers do not depend on it.

    verbose : int, default=0
        If positive, print one progress line per fit to stderr: the row,
        the seed, the elapsed time and an estimate of the time left.

    random_state : int, RandomState instance or None, default=0
        Draws the integer seeds. The same value gives the same numbers.

    Returns
    -------
    results : ReferenceResults
        Every measurement, with per-row summaries and the settings.

    See Also
    --------
    write_report : Write the tables, numbers and figures of a run to disk.
    format_tables : The tables of a run as text.

    Notes
    -----
    With the ``"paper"`` protocol most networks stop at the evaluation
    budget; the resulting :class:`~sklearn.exceptions.ConvergenceWarning`
    is expected and not shown: whether each fit converged is recorded in
    ``results.runs`` instead. Other warnings are passed on.

    References
    ----------
    .. [1] Bergman, D. L. (2019). "Symmetry constrained machine learning".
       Tables I and II report the experiment reproduced here.

    Examples
    --------
    >>> from skinvariant.reproduce import run_reference_experiment
    >>> results = run_reference_experiment(
    ...     rows=["pixels_nobias"], seeds=1, quick=True
    ... )
    >>> summary = results.summary("pixels_nobias")
    >>> summary.accuracy_mean > 0.7, summary.inverted_mean < 0.05
    (True, True)
    >>> summary.bound_holds
    True
    """
    protocol = get_protocol(protocol, quick=quick)
    rows = _check_rows(rows)
    _check_random_state(random_state)
    seed_values = _draw_seeds(random_state, _check_seeds(seeds, quick))
    _check_verbose(verbose)
    _check_n_jobs(n_jobs)

    digits = load_signed_digits()
    data = (digits.data, digits.target, digits.groups)

    # Seeds outermost: after the first seed every row has been timed once,
    # which keeps the estimate of the time left honest.
    tasks = [
        (row, index, seed) for index, seed in enumerate(seed_values) for row in rows
    ]
    costs = {row.name: _relative_cost(row, digits.data[:1]) for row in rows}
    progress = _Progress(tasks, len(seed_values), costs, verbose)
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    jobs = (
        delayed(fit_and_score)(row, protocol, *data, index, seed)
        for row, index, seed in tasks
    )

    runs = []
    for run in parallel(jobs):
        runs.append(run)
        progress.update(run)

    position = {row.name: k for k, row in enumerate(rows)}
    runs.sort(key=lambda run: (position[run.row], run.seed_index))
    return ReferenceResults(
        protocol=protocol,
        rows=tuple(rows),
        runs=tuple(runs),
        seeds=tuple(seed_values),
        random_state=random_state if _is_plain(random_state) else None,
        n_jobs=n_jobs,
        run_time=progress.elapsed(),
        versions=library_versions(),
    )


def fit_and_score(row, protocol, X, y, groups, seed_index, seed):
    """Fit `row` on one seed's training split; score it on X_test and -X_test."""
    train, test = split_indices(protocol, y, groups, seed)
    model = build_pipeline(row, protocol, seed)

    start = time.perf_counter()
    converged = _fit_recording_convergence(model, X[train], y[train])
    fit_time = time.perf_counter() - start

    # Inversion of the test images: the symmetry under test.
    X_test, y_test = X[test], y[test]
    predicted = model.predict(X_test)
    predicted_inverted = model.predict(-X_test)
    score_time = time.perf_counter() - start - fit_time

    return RunResult(
        row=row.name,
        seed_index=seed_index,
        seed=seed,
        accuracy=float(np.mean(predicted == y_test)),
        inverted_accuracy=float(np.mean(predicted_inverted == y_test)),
        identical_predictions=bool(np.array_equal(predicted, predicted_inverted)),
        agreement=float(np.mean(predicted == predicted_inverted)),
        n_iter=int(_network(model).n_iter_),
        converged=converged,
        fit_time=fit_time,
        score_time=score_time,
        n_train=len(train),
        n_test=len(test),
    )


def build_pipeline(row, protocol, seed):
    """Return the unfitted pipeline of `row`: feature map, then classifier."""
    network = make_network(protocol, row.fit_bias, seed, budget=row.budget)
    if row.training == "augmented":
        classifier = AugmentedClassifier(
            network, fraction=row.fraction, random_state=seed
        )
    elif row.training == "averaged":
        classifier = GroupAveragedClassifier(network)
    else:
        classifier = network

    return Pipeline([("features", row.make_features(seed)), ("classifier", classifier)])


def _network(model):
    classifier = model[-1]
    return getattr(classifier, "estimator_", classifier)


def _fit_recording_convergence(model, X, y):
    # A run out of budget is an expected outcome under the paper's protocol:
    # record it rather than let one warning per fit flood the terminal.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)

    converged = True
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            converged = False
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return converged


def library_versions():
    """Return the versions of Python, the platform and the libraries used."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "skinvariant": __version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def _check_rows(rows):
    if rows is None:
        return reference_rows()

    known = {row.name: row for row in reference_rows()}
    checked = []
    for row in rows:
        if isinstance(row, str) and row not in known:
            raise ValueError(
                f"`rows` must hold RowSpec objects or names of reference rows "
                f"{sorted(known)}; got {row!r}."
            )
        if not isinstance(row, str | RowSpec):
            raise TypeError(
                f"`rows` must hold RowSpec objects or row names; got {row!r}."
            )
        checked.append(known[row] if isinstance(row, str) else row)

    names = [row.name for row in checked]
    if not checked or len(set(names)) != len(names):
        raise ValueError(
            f"`rows` must hold at least one row and unique names; got {names}."
        )
    return checked


def _check_seeds(seeds, quick):
    if seeds is None:
        return QUICK_SEEDS if quick else DEFAULT_SEEDS
    if not _is_int(seeds) or seeds < 1:
        raise ValueError(f"`seeds` must be a positive integer; got {seeds!r}.")
    return int(seeds)


def _check_verbose(verbose):
    if not _is_int(verbose) and not isinstance(verbose, bool):
        raise TypeError(f"`verbose` must be an integer; got {verbose!r}.")


def _check_n_jobs(n_jobs):
    if n_jobs is not None and (not _is_int(n_jobs) or n_jobs == 0):
        raise ValueError(
            f"`n_jobs` must be None or a non-zero integer; got {n_jobs!r}."
        )


def _check_random_state(random_state):
    # numpy seeds its legacy generator from 32 bits only.
    if _is_int(random_state) and not 0 <= random_state < 2**32:
        raise ValueError(
            "`random_state` must be None, a RandomState instance or an integer "
            f"from 0 to {2**32 - 1}; got {random_state!r}."
        )


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_plain(random_state):
    return random_state is None or _is_int(random_state)


def _draw_seeds(random_state, n_seeds):
    generator = check_random_state(random_state)
    return [
        int(seed) for seed in generator.randint(np.iinfo(np.int32).max, size=n_seeds)
    ]


def _relative_cost(row, X_one):
    """Roughly how long `row` trains, in arbitrary units, before it is timed.

    An L-BFGS iteration costs about the training rows times the first
    layer's width: input features plus a few for the small later layers.
    """
    features = row.make_features(0)
    n_features = X_one.shape[1]
    if not isinstance(features, str):
        try:
            n_features = features.fit_transform(X_one).shape[1]
        except ValueError:
            # Some maps need more than one row; the estimate is only a guide.
            pass

    copies = 1.0 + row.fraction if row.training == "augmented" else 1.0
    return row.budget * copies * (n_features + 10)


class _Progress:
    """Progress lines on stderr with an estimate of the time left."""

    def __init__(self, tasks, n_seeds, costs, verbose):
        self.n_tasks = len(tasks)
        self.n_seeds = n_seeds
        self.costs = costs
        self.verbose = verbose
        self.labels = {row.name: row.label for row, _, _ in tasks}
        self.counts = Counter(row.name for row, _, _ in tasks)
        self.durations = {}
        self.start = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self.start

    def update(self, run):
        self.durations.setdefault(run.row, []).append(run.fit_time + run.score_time)
        if self.verbose <= 0:
            return

        done = sum(len(times) for times in self.durations.values())
        width = len(str(self.n_tasks))
        sys.stderr.write(
            f"[{done:>{width}}/{self.n_tasks}] seed {run.seed_index + 1}/"
            f"{self.n_seeds}  {self.labels[run.row]:<30} "
            f"{run.accuracy:.3f} | {run.inverted_accuracy:.3f} "
            f"{run.fit_time:5.1f} s  elapsed {_clock(self.elapsed())}, "
            f"~{_clock(self.time_left())} left\n"
        )
        sys.stderr.flush()

    def time_left(self):
        """Price pending fits at their row's mean so far, or by relative cost."""
        timed = sum(sum(times) for times in self.durations.values())
        timed_cost = sum(
            self.costs[name] * len(times) for name, times in self.durations.items()
        )
        seconds_per_cost = timed / timed_cost

        work = 0.0
        for name, total in self.counts.items():
            times = self.durations.get(name, [])
            if times:
                mean = float(np.mean(times))
            else:
                mean = self.costs[name] * seconds_per_cost
            work += (total - len(times)) * mean

        # Parallel fits finish faster than their summed durations.
        speed = timed / max(self.elapsed(), 1e-9)
        return work / speed


def _clock(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}:{seconds:02d}"
