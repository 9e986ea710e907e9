"""How the reference experiment splits the data and trains each network.

Two protocols are offered. ``"paper"`` repeats the published setup: the
shift-enlarged data are split at random, so shifted copies of a test image
sit in the training set, and L-BFGS stops after about 200 function
evaluations. ``"clean"`` keeps every copy of an image on one side of the
split and gives L-BFGS five times the paper's budget, recording which fits
converged.
"""

from dataclasses import asdict, dataclass, replace

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from skinvariant import NoBiasTanhMLPClassifier

PROTOCOL_NAMES = ("clean", "paper")

SPLITS = ("grouped", "random")

HIDDEN_LAYER_SIZES = (10, 5)

# The published runs stopped after about this many L-BFGS evaluations.
PAPER_MAX_FUN = 200


@dataclass(frozen=True)
class Protocol:
    """A way of splitting the reference data and training the networks.

    Parameters
    ----------
    name : str
        The protocol's name: ``"clean"`` and ``"paper"`` are built in (see
        :func:`get_protocol`); a protocol of one's own may take any name.

    split : {"grouped", "random"}
        ``"grouped"`` keeps the shifted copies of an image together
        (:class:`~sklearn.model_selection.GroupShuffleSplit` on ``groups``);
        ``"random"`` splits rows at random.

    max_iter, max_fun : int
        The L-BFGS budgets of iterations and of function evaluations.

    tol : float
        The L-BFGS tolerance.

    alpha : float, default=1e-5
        The L2 penalty.

    test_size : float, default=0.2
        The fraction of source images (``"grouped"``) or rows (``"random"``)
        held out for testing.

    quick : bool, default=False
        Whether the budget was cut down for a quick run.

    See Also
    --------
    get_protocol : The built-in protocols by name.
    run_reference_experiment : Takes a protocol name or instance.

    Examples
    --------
    >>> from skinvariant.reproduce import Protocol
    >>> longer = Protocol(
    ...     "longer", split="grouped", max_iter=5000, max_fun=10000, tol=1e-4
    ... )
    >>> longer.budget(0.25)
    (1250, 2500)
    >>> print(longer.describe())
    A group-aware split holds out 20% of the 1797 source images ...
    """

    name: str
    split: str
    max_iter: int
    max_fun: int
    tol: float
    alpha: float = 1e-5
    test_size: float = 0.2
    quick: bool = False

    def __post_init__(self):
        if self.split not in SPLITS:
            raise ValueError(f"`split` must be one of {SPLITS}; got {self.split!r}.")
        for name in ("max_iter", "max_fun"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer; got {value!r}.")
        if not 0.0 < self.test_size < 1.0:
            raise ValueError(f"`test_size` must be in (0, 1); got {self.test_size!r}.")

    def to_dict(self):
        """Return the protocol's settings as a plain dictionary."""
        return asdict(self)

    def budget(self, share=1.0):
        """Return ``(max_iter, max_fun)`` for a row given `share` of the budget."""
        return (
            max(1, round(share * self.max_iter)),
            max(1, round(share * self.max_fun)),
        )

    def describe(self):
        """Return a few sentences that say how this protocol works."""
        if self.split == "grouped":
            split = (
                f"A group-aware split holds out {self.test_size:.0%} of the "
                "1797 source images together with all their shifted copies, "
                "so no near duplicate of a test image is trained on."
            )
        else:
            split = (
                "The shift-enlarged rows are split at random, "
                f"{self.test_size:.0%} for testing, as in the paper: shifted "
                "copies of most test images sit in the training set."
            )
        budget = (
            f"Each network is trained with L-BFGS, alpha={self.alpha:g}, "
            f"tol={self.tol:g}, for at most {self.max_iter} iterations and "
            f"{self.max_fun} function evaluations."
        )
        return f"{split} {budget}"


# L-BFGS on these networks creeps on for thousands of iterations (the loss
# keeps falling slowly), so "clean" takes five times the paper's budget: past
# it, the raw-pixel network gains about one point of test accuracy in the
# next 2000 iterations, and a full run stays within ten minutes.
_PROTOCOLS = {
    "paper": Protocol(
        name="paper",
        split="random",
        max_iter=PAPER_MAX_FUN,
        max_fun=PAPER_MAX_FUN,
        tol=1e-4,
    ),
    "clean": Protocol(
        name="clean", split="grouped", max_iter=1000, max_fun=2000, tol=1e-4
    ),
}

# The quick budgets keep every qualitative finding of the full run.
_QUICK_BUDGETS = {
    "paper": {"max_iter": 100, "max_fun": 100},
    "clean": {"max_iter": 150, "max_fun": 300},
}


def get_protocol(protocol, *, quick=False):
    """Return the named protocol, with the quick budget if asked.

    Parameters
    ----------
    protocol : {"clean", "paper"} or Protocol
        A protocol name, or a :class:`Protocol`, returned as it is.

    quick : bool, default=False
        Whether to cut the budget of a named protocol down.

    Returns
    -------
    protocol : Protocol
        The protocol's settings.

    Examples
    --------
    >>> from skinvariant.reproduce import get_protocol
    >>> protocol = get_protocol("paper")
    >>> protocol.split, protocol.max_fun
    ('random', 200)
    """
    if isinstance(protocol, Protocol):
        if quick:
            raise ValueError(
                "`quick` only applies to the protocols named "
                f"{PROTOCOL_NAMES}; set the budget of a Protocol instead. "
                f"Got quick=True with {protocol!r}."
            )
        return protocol

    if not isinstance(protocol, str) or protocol not in _PROTOCOLS:
        raise ValueError(
            f"`protocol` must be one of {PROTOCOL_NAMES} or a Protocol; "
            f"got {protocol!r}."
        )
    if quick:
        return replace(_PROTOCOLS[protocol], quick=True, **_QUICK_BUDGETS[protocol])
    return _PROTOCOLS[protocol]


def split_indices(protocol, y, groups, seed):
    """Return the train and test row indices of one seed's split."""
    if protocol.split == "grouped":
        splitter = GroupShuffleSplit(
            n_splits=1, test_size=protocol.test_size, random_state=seed
        )
        return next(splitter.split(y, y, groups=groups))

    rows = np.arange(len(y))
    return train_test_split(rows, test_size=protocol.test_size, random_state=seed)


def make_network(protocol, fit_bias, seed, *, budget=1.0):
    """Return the reference (10, 5) tanh network trained as `protocol` says.

    `budget` is the share of the protocol's iterations and function
    evaluations the network gets.
    """
    max_iter, max_fun = protocol.budget(budget)
    return NoBiasTanhMLPClassifier(
        hidden_layer_sizes=HIDDEN_LAYER_SIZES,
        fit_bias=fit_bias,
        solver="lbfgs",
        alpha=protocol.alpha,
        max_iter=max_iter,
        max_fun=max_fun,
        tol=protocol.tol,
        random_state=seed,
    )
