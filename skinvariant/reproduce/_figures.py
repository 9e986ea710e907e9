"""Figures of the reference experiment, drawn with matplotlib's Agg canvas.

matplotlib is an optional dependency: it is imported only when a figure is
drawn, and figures are drawn on their own Agg canvas so that the caller's
pyplot backend and state are left alone.
"""

import numpy as np

from skinvariant.datasets import load_signed_digits
from skinvariant.reproduce._rows import (
    permutation_products,
    right_neighbour_products,
    squares,
)

MATPLOTLIB_MESSAGE = (
    "Drawing figures requires matplotlib, which is not installed. Install it "
    'with `pip install "skinvariant[plot]"`, or skip the figures: pass '
    "`figures=False` to `write_report`, or `--no-figures` on the command line."
)

_IMAGE_SHAPE = (8, 8)

# Every panel shares one scale: background -1 is white, full ink +1 black,
# as in the original digits.
_COLORS = {"cmap": "gray_r", "vmin": -1.0, "vmax": 1.0}


def check_matplotlib():
    """Raise ImportError with installation advice unless matplotlib imports."""
    _figure_class()


def _figure_class():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(MATPLOTLIB_MESSAGE) from exc

    def new_figure(**kwargs):
        figure = Figure(**kwargs)
        FigureCanvasAgg(figure)
        return figure

    return new_figure


def reference_digit():
    """Return the first 6 of the signed digits, as a row of 64 pixels."""
    digits = load_signed_digits(shifts=False)
    return digits.data[np.flatnonzero(digits.target == 6)[0]]


def plot_feature_maps(image=None, *, random_state=0):
    """Draw a digit, its inversion and its image under each feature map.

    The panels show, side by side on one gray scale, the raw pixels
    ``x``, the inverted digit ``-x``, and the invariant features
    ``x_i**2``, ``x_i * x_(right neighbour)`` (wrapped) and
    ``x_i * x_P(i)``, each drawn at the position of pixel ``i``. Every
    feature image is the same for ``x`` and ``-x``.

    Parameters
    ----------
    image : array-like of shape (64,) or (8, 8), default=None
        A signed 8x8 digit. None takes the first 6 of
        :func:`~skinvariant.datasets.load_signed_digits`.

    random_state : int, RandomState instance or None, default=0
        Draws the permutation ``P``.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, on an Agg canvas; save it with ``figure.savefig``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    write_report : Saves this figure as ``figure1.png``.

    Examples
    --------
    >>> from skinvariant.reproduce import plot_feature_maps
    >>> figure = plot_feature_maps()
    >>> [ax.get_title() for ax in figure.axes if ax.images]
    ['x', '-x, inverted', 'x_i**2', 'x_i * x_right (wrapped)', 'x_i * x_P(i)']
    """
    new_figure = _figure_class()
    x = _check_image(image)
    panels = [("x", x), ("-x, inverted", -x)]
    for title, factory in (
        ("x_i**2", squares),
        ("x_i * x_right (wrapped)", right_neighbour_products),
        ("x_i * x_P(i)", permutation_products),
    ):
        features = factory(random_state).fit_transform(x[np.newaxis, :])
        panels.append((title, features[0]))

    figure = new_figure(figsize=(2.2 * len(panels) + 1.0, 2.9), layout="constrained")
    axes = figure.subplots(1, len(panels))
    for ax, (title, values) in zip(axes, panels, strict=True):
        shown = ax.imshow(np.reshape(values, _IMAGE_SHAPE), **_COLORS)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    figure.colorbar(shown, ax=axes, shrink=0.8)
    figure.suptitle("One digit under each feature map: features of x and -x agree")
    return figure


def _check_image(image):
    if image is None:
        return reference_digit()
    x = np.asarray(image, dtype=np.float64).ravel()
    if x.size != 64:
        raise ValueError(
            "`image` must hold the 64 pixels of one 8x8 digit; got "
            f"an array of shape {np.shape(image)}."
        )
    return x


def plot_accuracies(results):
    """Draw the accuracy of every row on X_test and -X_test as bars.

    Each row of the experiment gets two horizontal bars, the mean accuracy
    on ``X_test`` and on ``-X_test`` with the standard deviation over seeds
    as error bar; the published values are marked where the paper has
    them, and chance (0.1) is drawn as a dashed line.

    Parameters
    ----------
    results : ReferenceResults
        A run of :func:`run_reference_experiment`.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, on an Agg canvas; save it with ``figure.savefig``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    write_report : Saves this figure as ``accuracy.png``.

    Examples
    --------
    >>> from skinvariant.reproduce import (
    ...     Protocol, plot_accuracies, run_reference_experiment
    ... )
    >>> tiny = Protocol("tiny", split="grouped", max_iter=20, max_fun=40, tol=1e-4)
    >>> results = run_reference_experiment(
    ...     protocol=tiny, rows=["pixels_nobias", "squares_nobias"], seeds=1
    ... )
    >>> figure = plot_accuracies(results)
    >>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
    ['x_i; X; no bias', 'x_i**2; X; no bias']
    """
    new_figure = _figure_class()
    summaries = results.summaries()
    positions = np.arange(len(summaries))[::-1]
    height = 0.38

    figure = new_figure(
        figsize=(9.0, 1.2 + 0.42 * len(summaries)), layout="constrained"
    )
    ax = figure.subplots()
    for offset, name, mean, std, column in (
        (height / 2, "X_test", "accuracy_mean", "accuracy_std", 0),
        (-height / 2, "-X_test", "inverted_mean", "inverted_std", 1),
    ):
        means = [getattr(s, mean) for s in summaries]
        errors = [getattr(s, std) or 0.0 for s in summaries]
        ax.barh(positions + offset, means, height, xerr=errors, label=name)
        _mark_paper(ax, positions + offset, summaries, column, first=column == 0)

    ax.axvline(0.1, color="0.4", linestyle="--", linewidth=1, label="chance")
    ax.set_yticks(positions, [s.row.label for s in summaries], fontsize=8)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("accuracy")
    ax.set_title(
        f"Reference experiment, {results.protocol.name} protocol, "
        f"{len(results.seeds)} seeds"
    )
    ax.legend(loc="lower right", fontsize=8)
    return figure


def _mark_paper(ax, positions, summaries, column, *, first):
    points = [
        (s.row.paper[column], y)
        for s, y in zip(summaries, positions, strict=True)
        if s.row.paper is not None and s.row.paper[column] is not None
    ]
    if points:
        values, ys = zip(*points, strict=True)
        label = "paper" if first else None
        ax.scatter(values, ys, marker="D", s=18, color="black", zorder=3, label=label)
