"""Throughput of the invariant feature transformers against plain numpy.

For each transformer, input shape and dtype, time ``transform`` and the same
arithmetic written as one numpy expression, and print one ratio line per
comparison (median of ``--repeats`` interleaved runs). Times are CPU times of
this process (user and system, so page faults count): on a machine shared
with other jobs they vary far less than wall times, and every contender runs
on one thread (BLAS included), so the two agree on an idle machine.

- ``numpy, preallocated out``: the expression writing into an output that
  was allocated, and touched, before timing: the memory-bandwidth
  reference. Target: ``transform`` within 1.5x.
- ``numpy, new output``: the same expression allocating its result, which
  ``transform`` has to do too: fresh memory costs a page fault and a
  zero-fill by the kernel on first touch.
- for QuadraticFeatures, whose numpy expression gathers two output-sized
  copies and so is far from memory speed, also ``out.fill(1.0)`` on the
  preallocated output: writing that much memory once, the real floor;
- for QuadraticFeatures, ``PolynomialFeatures(degree=(2, 2),
  include_bias=False)``, which computes the same columns. Targets: at least
  2x faster, with a peak memory (measured by tracemalloc, which numpy
  reports its allocations to) no more than output + one input copy.

Validation counts against ``transform``: its share is printed, split into
the finite check (``transform`` timed with and without
``sklearn.config_context(assume_finite=True)``; the check sums each block of
rows while it is in cache for the products, so it adds no pass over memory;
SquareFeatures takes the maximum of its squares instead)
and the other checks of ``validate_data`` (feature count and names, dtype).

QuadraticFeatures on 10,000 x 784 would need 24.6 GB in float64, more than
this benchmark should take; it runs on 1,000 x 784 (2.5 GB in float64) and
on 4,000 x 256 instead, next to 100,000 x 64.

Run from the repository root::

    python benchmarks/bench_features.py            # about 5 minutes
    python benchmarks/bench_features.py --quick    # smaller inputs
"""

import argparse
import os
import platform
import time
import tracemalloc

import numpy as np
import sklearn
from sklearn.preprocessing import PolynomialFeatures

from skinvariant import (
    NeighborProductFeatures,
    PermutationProductFeatures,
    QuadraticFeatures,
    SquareFeatures,
)
from skinvariant.features._base import validate_features

# (n_samples, image_shape) of the linear-size transformers' inputs
SHAPES = [(100_000, (8, 8)), (10_000, (28, 28))]
QUADRATIC_SHAPES = [(100_000, 64), (4_000, 256), (1_000, 784)]
QUICK_SHAPES = [(10_000, (8, 8)), (1_000, (28, 28))]
QUICK_QUADRATIC_SHAPES = [(10_000, 64), (400, 256), (100, 784)]
DTYPES = [np.float32, np.float64]


def median_times(functions, repeats):
    """Median CPU time of each function, interleaving their runs so that a
    change of machine load affects all of them alike."""
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.process_time()
            function()
            times[name].append(time.process_time() - start)
    return {name: float(np.median(values)) for name, values in times.items()}


def transform_assuming_finite(transformer, X):
    with sklearn.config_context(assume_finite=True):
        return transformer.transform(X)


def peak_bytes(function):
    """Peak memory that `function` allocates through numpy or Python."""
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def numpy_references(name, transformer, X, out):
    """The transformer's arithmetic as one numpy expression, writing into a
    preallocated output and into a new one."""
    if name == "SquareFeatures":
        return (
            lambda: np.multiply(X, X, out=out),
            lambda: np.multiply(X, X),
        )

    if name == "NeighborProductFeatures":
        images = X.reshape(X.shape[0], *transformer.image_shape_)
        return (
            lambda: np.multiply(X, np.roll(images, -1, -1).reshape(X.shape), out=out),
            lambda: np.multiply(X, np.roll(images, -1, -1).reshape(X.shape)),
        )

    if name == "PermutationProductFeatures":
        permutation = transformer.permutations_[0]
        return (
            lambda: np.multiply(X, X[:, permutation], out=out),
            lambda: np.multiply(X, X[:, permutation]),
        )

    # QuadraticFeatures: the gathered copies already take twice the output,
    # so a third copy for a new output is left out.
    left, right = np.triu_indices(X.shape[1])
    return lambda: np.multiply(X[:, left], X[:, right], out=out), None


def report(label, seconds, baseline, seconds_baseline, target=""):
    ratio = seconds / seconds_baseline
    print(
        f"{label}  transform {seconds * 1e3:8.1f} ms vs {baseline:<24}"
        f"{seconds_baseline * 1e3:8.1f} ms  ratio {ratio:5.2f}  {target}",
        flush=True,
    )


def time_contenders(transformer, X, repeats, polynomial=None):
    """Median times of transform, its numpy references and its checks."""
    name = type(transformer).__name__
    n_columns = transformer.transform(X[:1]).shape[1]
    out = np.ones((X.shape[0], n_columns), dtype=X.dtype)
    preallocated, new_output = numpy_references(name, transformer, X, out)

    functions = {
        "transform": lambda: transformer.transform(X),
        "preallocated": preallocated,
        "assume finite": lambda: transform_assuming_finite(transformer, X),
        "validate_data": lambda: validate_features(
            transformer, X, reset=False, ensure_all_finite=False
        ),
    }
    if new_output is not None:
        functions["new output"] = new_output
    if polynomial is not None:
        functions["polynomial"] = lambda: polynomial.transform(X)
        functions["fill"] = lambda: out.fill(1.0)
    return median_times(functions, repeats)


def bench_transformer(transformer, X, repeats, compare_polynomial=False):
    name = type(transformer).__name__
    label = f"{name:<26} {'x'.join(map(str, X.shape)):<10} {X.dtype.name:<7}"
    transformer = transformer.fit(X[:2])
    polynomial = None
    if compare_polynomial:
        polynomial = PolynomialFeatures(degree=(2, 2), include_bias=False).fit(X[:2])
        bench_peak_memory(label, transformer, polynomial, X)

    times = time_contenders(transformer, X, repeats, polynomial)
    seconds = times["transform"]
    reference = times["preallocated"]
    report(label, seconds, "numpy, preallocated out", reference, "(target <= 1.5)")
    if "new output" in times:
        report(label, seconds, "numpy, new output", times["new output"])
    if compare_polynomial:
        report(label, seconds, "writing the output once", times["fill"])
        report(
            label, seconds, "PolynomialFeatures", times["polynomial"], "(target <= 0.5)"
        )

    finite_check = max(0.0, seconds - times["assume finite"]) / seconds
    other_checks = times["validate_data"] / seconds
    print(
        f"{label}  validation takes {finite_check + other_checks:.0%} of transform: "
        f"finite check {finite_check:.0%}, other checks {other_checks:.0%}"
    )


def bench_peak_memory(label, transformer, polynomial, X):
    n_output = transformer.transform(X[:1]).nbytes * X.shape[0]
    budget = n_output + X.nbytes
    ours = peak_bytes(lambda: transformer.transform(X))
    theirs = peak_bytes(lambda: polynomial.transform(X))
    print(
        f"{label}  peak memory: QuadraticFeatures {ours / 1e9:.2f} GB = "
        f"{ours / budget:.2f} x (output + input), PolynomialFeatures "
        f"{theirs / 1e9:.2f} GB = {theirs / budget:.2f} x  (target <= 1.00)",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    args = parser.parse_args()

    print(
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; median of {args.repeats} "
        "runs (at most 3 for quadratic)"
    )
    rng = np.random.default_rng(0)
    shapes = QUICK_SHAPES if args.quick else SHAPES
    quadratic_shapes = QUICK_QUADRATIC_SHAPES if args.quick else QUADRATIC_SHAPES

    for n_samples, image_shape in shapes:
        for dtype in DTYPES:
            X = rng.standard_normal((n_samples, np.prod(image_shape))).astype(dtype)
            for transformer in [
                SquareFeatures(),
                NeighborProductFeatures(image_shape=image_shape),
                PermutationProductFeatures(random_state=0),
            ]:
                bench_transformer(transformer, X, args.repeats)

    for n_samples, n_features in quadratic_shapes:
        for dtype in DTYPES:
            X = rng.standard_normal((n_samples, n_features)).astype(dtype)
            transformer = QuadraticFeatures(max_output_bytes=None)
            repeats = min(args.repeats, 3)  # the numpy reference takes seconds
            bench_transformer(transformer, X, repeats, compare_polynomial=True)

    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
