"""Speed and accuracy of NoBiasTanhMLPClassifier against scikit-learn's MLP.

Reference data: the signed 8x8 digits enlarged fivefold by one-pixel shifts
(:func:`skinvariant.datasets.load_signed_digits`), split 80/20 by source
image so that shifted copies of a test image never reach the training set.

Both classifiers get the same architecture (10, 5), tanh units, biases,
`alpha`, `max_iter` and, for Adam, the same batch size and step size. For
every solver and dtype the script reports the mean over seeds of the fit
time per L-BFGS iteration (or per Adam epoch) and of the test accuracy,
then one ratio line per comparison against ``MLPClassifier`` measured in
the same run. Times are given as wall time, what a user waits, and as CPU
time of the process (summed over its threads), which is steadier when
other programs share the machine.

The comparison runs twice: with the BLAS thread pools as installed, which
is what a user gets, and with both classifiers limited to one BLAS thread,
which compares the arithmetic alone (``NoBiasTanhMLPClassifier`` limits
itself to one thread during fit in both cases).

Finally the time of one L-BFGS iteration is broken down into the forward
pass, the softmax and loss, the backward pass and everything else (mostly
scipy's L-BFGS-B bookkeeping).

Run with ``python benchmarks/bench_mlp.py`` (``--help`` for options).
"""

import argparse
import time
import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupShuffleSplit
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from skinvariant import NoBiasTanhMLPClassifier
from skinvariant._tanh_network import LossGradient, weighted_one_hot
from skinvariant.datasets import load_signed_digits

HIDDEN = (10, 5)
ALPHA = 1e-4


def reference_split(seed=0):
    """Return the 80/20 split of the shifted signed digits, grouped by image."""
    digits = load_signed_digits()
    splitter = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)
    train, test = next(splitter.split(digits.data, digits.target, digits.groups))
    return (
        digits.data[train],
        digits.target[train],
        digits.data[test],
        digits.target[test],
    )


def make_pair(solver, max_iter, seed):
    """Return the skinvariant and scikit-learn classifiers for one run."""
    common = dict(alpha=ALPHA, max_iter=max_iter, random_state=seed)
    if solver == "adam":
        # Run every epoch so that the time per epoch compares like for like.
        common.update(batch_size=200, learning_rate_init=1e-3)
        common.update(n_iter_no_change=max_iter + 1)
    ours = NoBiasTanhMLPClassifier(HIDDEN, fit_bias=True, solver=solver, **common)
    theirs = MLPClassifier(HIDDEN, activation="tanh", solver=solver, **common)
    return ours, theirs


def time_fit(estimator, X, y, X_test, y_test):
    """Return wall and CPU milliseconds per iteration, and test accuracy."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        wall, cpu = time.perf_counter(), time.process_time()
        estimator.fit(X, y)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    per_iter = 1e3 / estimator.n_iter_
    return wall * per_iter, cpu * per_iter, estimator.score(X_test, y_test)


def compare(data, solver, dtype, max_iter, seeds):
    """Return the mean (wall ms, CPU ms, accuracy) of both classifiers."""
    X, y, X_test, y_test = data
    X, X_test = X.astype(dtype), X_test.astype(dtype)
    runs = {"skinvariant": [], "scikit-learn": []}
    for seed in range(seeds):
        ours, theirs = make_pair(solver, max_iter, seed)
        runs["skinvariant"].append(time_fit(ours, X, y, X_test, y_test))
        runs["scikit-learn"].append(time_fit(theirs, X, y, X_test, y_test))
    return {name: np.mean(values, axis=0) for name, values in runs.items()}


def report(data, max_iter_by_solver, seeds, threads):
    """Print the table and ratio lines for one thread setting."""
    label = "BLAS as installed" if threads is None else "one BLAS thread"
    print(f"\n== {label} ==")
    print(
        f"{'solver':<7}{'dtype':<9}{'library':<14}"
        f"{'wall ms/it':>11}{'CPU ms/it':>11}{'accuracy':>10}"
    )
    results = []
    with threadpool_limits(limits=threads, user_api="blas"):
        for solver, max_iter in max_iter_by_solver.items():
            for dtype in (np.float64, np.float32):
                result = compare(data, solver, dtype, max_iter, seeds)
                for name, (wall, cpu, accuracy) in result.items():
                    print(
                        f"{solver:<7}{np.dtype(dtype).name:<9}{name:<14}"
                        f"{wall:>11.2f}{cpu:>11.2f}{accuracy:>10.4f}"
                    )
                results.append((solver, dtype, result))
    _print_ratios(label, results)
    return results


def _print_ratios(label, results):
    """Print one ratio line per comparison, then float32 against float64."""
    unit = {"lbfgs": "iteration", "adam": "epoch"}
    for solver, dtype, result in results:
        (wall, cpu, accuracy), (base_wall, base_cpu, base_accuracy) = result.values()
        print(
            f"RATIO [{label}] {solver} {np.dtype(dtype).name}: "
            f"{base_wall / wall:.1f}x faster per {unit[solver]} than "
            f"MLPClassifier in wall time ({wall:.2f} vs {base_wall:.2f} ms), "
            f"{base_cpu / cpu:.1f}x in CPU time; accuracy {accuracy:.4f} vs "
            f"{base_accuracy:.4f} ({100 * (accuracy - base_accuracy):+.1f} points)"
        )
    for solver in unit:
        wall = {d: r["skinvariant"][0] for s, d, r in results if s == solver}
        cpu = {d: r["skinvariant"][1] for s, d, r in results if s == solver}
        print(
            f"RATIO [{label}] {solver} skinvariant float32 vs float64: "
            f"{wall[np.float64] / wall[np.float32]:.2f}x faster per "
            f"{unit[solver]} in wall time, "
            f"{cpu[np.float64] / cpu[np.float32]:.2f}x in CPU time"
        )


def _best_time(function, repeats=15, number=20):
    """Return the smallest mean CPU time of `function` in ms over several rounds.

    CPU time rather than wall time, because the pieces run on one thread
    and CPU time is less disturbed by other programs on the machine.
    """
    best = np.inf
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(number):
            function()
        best = min(best, (time.process_time() - start) / number)
    return 1e3 * best


def _count_evaluations(X, y, max_iter):
    """Fit once; return the classifier and loss evaluations per iteration."""
    clf = NoBiasTanhMLPClassifier(
        HIDDEN, fit_bias=True, max_iter=max_iter, random_state=0
    )
    calls = []
    original = LossGradient.__call__

    def counting(self, *args):
        calls.append(1)
        return original(self, *args)

    LossGradient.__call__ = counting
    try:
        ms_per_iter, _, _ = time_fit(clf, X, y, X[:10], y[:10])
    finally:
        LossGradient.__call__ = original
    return clf, ms_per_iter, len(calls) / clf.n_iter_


def _lbfgs_bookkeeping(n_params, n_iter=100):
    """Return L-BFGS-B's own time per iteration, on a cheap quadratic."""
    curvature = np.linspace(0.1, 10.0, n_params)

    def quadratic(theta):
        gradient = curvature * theta
        return 0.5 * float(theta @ gradient), gradient

    start = np.ones(n_params)
    options = {"maxiter": n_iter, "gtol": 0.0, "ftol": 0.0}

    def run():
        minimize(quadratic, start, method="L-BFGS-B", jac=True, options=options)

    return _best_time(run, repeats=5, number=1) / n_iter


def breakdown(data, dtype, max_iter):
    """Print where the time of one L-BFGS iteration goes."""
    X, y, _, _ = data
    X = np.ascontiguousarray(X, dtype=dtype)
    XT = np.ascontiguousarray(X.T)
    clf, ms_per_iter, evaluations = _count_evaluations(X, y, max_iter)

    # The fused function and its pieces, at the fitted weights.
    shapes = [coef.shape for coef in clf.coefs_]
    objective = LossGradient(shapes, True, dtype, X.shape[0])
    objective.params[:] = np.concatenate(
        [c.ravel() for c in clf.coefs_] + [b.ravel() for b in clf.intercepts_]
    )
    share = np.full(X.shape[0], 1.0 / X.shape[0], dtype=dtype)
    target = weighted_one_hot(np.searchsorted(clf.classes_, y), share, 10, dtype)
    outputs = objective._outputs
    delta = objective._softmax
    logits = outputs[-1].copy()

    def reset_logits():
        outputs[-1][:] = logits

    def softmax_loss():
        reset_logits()
        objective._log_loss_and_delta(outputs[-1], delta, target, share)

    with threadpool_limits(limits=1, user_api="blas"):
        whole = _best_time(lambda: objective(X, XT, target, share, 1e-4))
        forward = _best_time(lambda: objective._forward(XT, outputs))
        loss = _best_time(softmax_loss) - _best_time(reset_logits)
        backward = _best_time(lambda: objective._backward(X, outputs, delta))
        bookkeeping = _lbfgs_bookkeeping(objective.params.size)

    other = whole - forward - loss - backward
    print(
        f"\n== where one L-BFGS iteration goes ({np.dtype(dtype).name}; "
        "pieces in CPU time, best of 15 rounds) =="
    )
    print(f"wall time per iteration (one fit)       {ms_per_iter:6.3f} ms")
    print(f"loss evaluations per iteration          {evaluations:6.2f}")
    print(f"one fused loss and gradient (best)      {whole:6.3f} ms")
    print(f"  forward pass                          {forward:6.3f} ms")
    print(f"  softmax, log-loss, output delta       {loss:6.3f} ms")
    print(f"  backward pass                         {backward:6.3f} ms")
    print(f"  penalty, zeroing, call overhead       {other:6.3f} ms")
    print(f"L-BFGS-B bookkeeping per iteration      {bookkeeping:6.3f} ms")
    modelled = evaluations * whole + bookkeeping
    print(f"modelled time per iteration             {modelled:6.3f} ms")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--lbfgs-iter", type=int, default=200)
    parser.add_argument("--adam-epochs", type=int, default=30)
    args = parser.parse_args(argv)

    data = reference_split()
    print(
        f"signed digits, shifted: {data[0].shape[0]} train, "
        f"{data[2].shape[0]} test rows; hidden {HIDDEN}; alpha {ALPHA}; "
        f"mean of {args.seeds} seeds"
    )
    max_iter = {"lbfgs": args.lbfgs_iter, "adam": args.adam_epochs}
    for threads in (None, 1):
        report(data, max_iter, args.seeds, threads)

    for dtype in (np.float64, np.float32):
        breakdown(data, dtype, args.lbfgs_iter)


if __name__ == "__main__":
    main()
