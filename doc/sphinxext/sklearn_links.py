"""Link references to scikit-learn's documentation without a network.

The docstrings use scikit-learn's vocabulary (``:term:`fit```), link to its
classes, and inherit methods whose docstrings point into its user guide.
``sphinx.ext.intersphinx`` would resolve these by downloading
scikit-learn's inventory at build time, but the documentation must build
offline, so this extension resolves them from the fixed URL patterns of
scikit-learn's site instead. A reference it cannot resolve is left to
Sphinx, which then warns (and, with ``-W``, fails the build) as usual,
except for user-guide labels inside docstrings inherited from
scikit-learn, which are shown as plain text.
"""

import importlib
import inspect

from docutils import nodes

SKLEARN_URL = "https://scikit-learn.org/stable/"

# User-guide labels that docstrings inherited from scikit-learn refer to.
SKLEARN_LABELS = {
    "metadata_routing": "metadata_routing.html",
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py": (
        "auto_examples/miscellaneous/plot_set_output.html"
    ),
}


def _link(contnode, url):
    """Wrap the rendered text of a reference in an external link."""
    reference = nodes.reference("", "", internal=False, refuri=url)
    reference += contnode
    return reference


def _sklearn_object_url(target):
    """Return the API page of a public scikit-learn class or function."""
    module_name, _, name = target.rpartition(".")
    if not module_name.startswith("sklearn"):
        return None
    try:
        obj = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        return None
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return None
    return f"{SKLEARN_URL}modules/generated/{target}.html"


def _inherited_from_sklearn(node):
    """Whether a node comes from a docstring written in scikit-learn."""
    source = node.source or getattr(node.parent, "source", None) or ""
    return "docstring of sklearn." in source


def resolve_sklearn_reference(app, env, node, contnode):
    """Resolve a reference Sphinx could not, if it points to scikit-learn."""
    domain = node.get("refdomain")
    reftype = node.get("reftype")
    target = node.get("reftarget", "")

    if domain == "std" and reftype == "term":
        anchor = "-".join(target.lower().split())
        return _link(contnode, f"{SKLEARN_URL}glossary.html#term-{anchor}")

    if domain == "std" and reftype == "ref":
        if target in SKLEARN_LABELS:
            if not node.get("refexplicit"):
                # The bare label would show; name the destination instead.
                contnode = nodes.inline("", "scikit-learn's documentation")
            return _link(contnode, SKLEARN_URL + SKLEARN_LABELS[target])
        if _inherited_from_sklearn(node):
            return contnode
        return None

    if domain == "py":
        url = _sklearn_object_url(target)
        if url is not None:
            return _link(contnode, url)
    return None


def setup(app):
    app.connect("missing-reference", resolve_sklearn_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
