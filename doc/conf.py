"""Sphinx configuration for the skinvariant documentation.

Build with ``make -C doc html``: warnings are errors, every
``examples/plot_*.py`` runs, and the site lands in ``doc/_build/html``.
"""

import os
import sys
from pathlib import Path

import skinvariant

DOC_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOC_DIR / "sphinxext"))

# -- Project -----------------------------------------------------------------

project = "skinvariant"
author = "The skinvariant developers"
copyright = "2026, The skinvariant developers"
release = skinvariant.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # MathJax ships with the docs, so formulas render without a network.
    "sphinx-mathjax-offline",
    # scikit-learn's glossary and API pages, linked without intersphinx.
    "sklearn_links",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# -- API reference -----------------------------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# The class template lists methods itself; numpydoc's own member tables
# would list them a second time.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skinvariant {release}"
html_static_path = ["_static"]
html_css_files = ["skinvariant.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "install": []}

# -- Gallery -----------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every plot_*.py runs at each build; a failing example fails the build.
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "within_subsection_order": "gallery_order.StoryOrder",
    "doc_module": ("skinvariant",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "min_reported_time": 1,
    "remove_config_comments": True,
    "show_memory": False,
}

# Non-interactive plotting inside the examples; the Agg backend has no GUI.
os.environ.setdefault("MPLBACKEND", "Agg")
