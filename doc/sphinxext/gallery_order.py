"""Order the gallery as a story rather than alphabetically."""

from pathlib import Path

# The failure first, then its fixes, then how to choose and measure.
STORY = (
    "plot_inversion_failure.py",
    "plot_invariant_features.py",
    "plot_feature_maps.py",
    "plot_compare_symmetrization.py",
    "plot_select_features_gridsearch.py",
    "plot_sampled_augmentation.py",
    "plot_loss_landscape.py",
    "plot_dask_gridsearch.py",
)


class StoryOrder:
    """Sort key for sphinx-gallery: listed examples first, then the rest.

    Parameters
    ----------
    src_dir : str
        The gallery directory, passed by sphinx-gallery.
    """

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        if name in STORY:
            return (0, STORY.index(name), name)
        return (1, 0, name)

    def __repr__(self):
        return f"<{type(self).__name__}>"
