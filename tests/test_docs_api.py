"""Tests that the documentation covers the public API and stays runnable.

The API reference (``doc/api.rst``) must list every public name, every
public class and function must carry a numpydoc docstring with an Examples
section (the examples themselves run as doctests through
``--doctest-modules``), the snippets of the user guide must run, and every
gallery script must open with the title sphinx-gallery needs.
"""

import ast
import dataclasses
import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc
from numpydoc.validate import validate

import skinvariant

ROOT = Path(__file__).resolve().parent.parent
DOC_DIR = ROOT / "doc"
API_RST = DOC_DIR / "api.rst"
EXAMPLES_DIR = ROOT / "examples"

# numpydoc validation codes that a public docstring must not raise: it
# exists, has a summary, documents exactly the signature's parameters,
# uses known sections in the standard order, and has examples.
REQUIRED_CHECKS = {
    "GL06": "unknown section",
    "GL07": "sections in the wrong order",
    "GL08": "no docstring",
    "SS01": "no summary",
    "PR01": "parameters not documented",
    "PR02": "documented parameters not in the signature",
    "EX01": "no Examples section",
}


def _public_modules():
    """Return the package and its public subpackages and modules."""
    names = ["skinvariant"]
    for info in pkgutil.iter_modules(skinvariant.__path__):
        if not info.name.startswith("_"):
            names.append(f"skinvariant.{info.name}")
    return names


def _public_names():
    """Return ``(module, name)`` for every name in a public ``__all__``."""
    pairs = []
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            if name != "__version__":
                pairs.append((module_name, name))
    return pairs


def _public_callables():
    """Return ``(module, name)`` for public classes and functions, once each."""
    seen = set()
    pairs = []
    for module_name, name in _public_names():
        obj = getattr(importlib.import_module(module_name), name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if id(obj) not in seen:
            seen.add(id(obj))
            pairs.append((module_name, name))
    return pairs


def _documented_names(text):
    """Return the qualified names an API page documents.

    Reads the entries of ``autosummary`` blocks and the ``auto*`` and
    ``data`` directives, each qualified by the ``currentmodule`` in force.
    """
    documented = set()
    current = ""
    in_autosummary = False
    for line in text.splitlines():
        stripped = line.strip()
        module = re.match(r"\.\. (?:current)?module::\s+(\S+)", stripped)
        if module:
            current = module.group(1)
        if stripped.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if in_autosummary:
            if line and not line.startswith(" "):
                in_autosummary = False
            elif stripped and not stripped.startswith(":"):
                documented.add(f"{current}.{stripped}")
                continue
        directive = re.match(
            r"\.\. (?:auto)?(?:class|function|data)::\s+(\S+)", stripped
        )
        if directive:
            documented.add(f"{current}.{directive.group(1)}")
    return documented


def _resolve(qualified_name):
    """Import the object a qualified name points to, or None."""
    module_name, _, name = qualified_name.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError):
        return None


def test_documented_names_parser_reads_autosummary_and_directives():
    """Check that the API page parser finds entries, not options or prose."""
    text = """
.. currentmodule:: pkg.sub

.. autosummary::
   :toctree: generated/

   Alpha
   beta

Some prose naming Gamma.

.. data:: DELTA
"""
    assert _documented_names(text) == {"pkg.sub.Alpha", "pkg.sub.beta", "pkg.sub.DELTA"}


def test_public_modules_are_found():
    """Check that the public subpackages are discovered, not private modules."""
    modules = _public_modules()

    assert "skinvariant.features" in modules
    assert "skinvariant.groups" in modules
    assert not any(name.rpartition(".")[2].startswith("_") for name in modules)


@pytest.mark.parametrize(("module_name", "name"), _public_names())
def test_public_name_in_api_reference(module_name, name):
    """Check that every public name is listed in doc/api.rst.

    A name re-exported from a subpackage counts as listed when the same
    object is documented under its subpackage.
    """
    documented = _documented_names(API_RST.read_text(encoding="utf-8"))
    obj = getattr(importlib.import_module(module_name), name)

    qualified = f"{module_name}.{name}"
    same_object = any(_resolve(entry) is obj for entry in documented)
    assert qualified in documented or same_object, (
        f"{qualified} is public but missing from doc/api.rst"
    )


def test_api_reference_lists_only_existing_names():
    """Check that every entry of doc/api.rst imports."""
    documented = _documented_names(API_RST.read_text(encoding="utf-8"))

    missing = sorted(name for name in documented if _resolve(name) is None)
    assert not missing, f"doc/api.rst lists names that do not exist: {missing}"


def _documented_as_attributes(obj, errors):
    """Drop PR01 for dataclass fields that the docstring lists as attributes."""
    if not dataclasses.is_dataclass(obj):
        return errors
    attributes = {item.name for item in ClassDoc(obj)["Attributes"]}
    fields = {field.name for field in dataclasses.fields(obj)}
    if fields <= attributes:
        return [(code, message) for code, message in errors if code != "PR01"]
    return errors


@pytest.mark.parametrize(("module_name", "name"), _public_callables())
def test_public_docstring_is_numpydoc_with_examples(module_name, name):
    """Check that a public class or function has a complete numpydoc docstring.

    Dataclasses may document their fields under Attributes instead of
    Parameters.
    """
    qualified = f"{module_name}.{name}"
    obj = getattr(importlib.import_module(module_name), name)

    result = validate(qualified)
    errors = [
        (code, message) for code, message in result["errors"] if code in REQUIRED_CHECKS
    ]
    errors = _documented_as_attributes(obj, errors)
    assert not errors, f"{qualified}: {errors}"


@pytest.mark.parametrize(("module_name", "name"), _public_callables())
def test_public_examples_are_doctests(module_name, name):
    """Check that the Examples section holds code that the doctests run."""
    obj = getattr(importlib.import_module(module_name), name)
    parsed = ClassDoc(obj) if inspect.isclass(obj) else FunctionDoc(obj)

    examples = "\n".join(parsed["Examples"])
    assert ">>>" in examples, f"{module_name}.{name} has no doctest example"


def _guide_pages():
    """Return the documentation pages that contain doctest snippets."""
    pages = sorted(DOC_DIR.glob("**/*.rst"))
    return [
        page
        for page in pages
        if "_build" not in page.parts
        and "generated" not in page.parts
        and "auto_examples" not in page.parts
        and ">>>" in page.read_text(encoding="utf-8")
    ]


def test_guide_has_doctests():
    """Check that the user guide pages with snippets are found."""
    names = {page.name for page in _guide_pages()}

    assert {"symmetry.rst", "invariant_features.rst"} <= names


@pytest.mark.parametrize("page", _guide_pages(), ids=lambda page: page.name)
def test_guide_snippets_run(page):
    """Check that the ``>>>`` snippets of a documentation page run as shown."""
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testfile(
        str(page), module_relative=False, optionflags=flags, verbose=False
    )

    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} snippet(s) of {page.name} failed"


def _gallery_scripts():
    return sorted(EXAMPLES_DIR.glob("plot_*.py"))


@pytest.mark.parametrize("script", _gallery_scripts(), ids=lambda path: path.name)
def test_gallery_script_has_title(script):
    """Check that a gallery script opens with a docstring and an RST title."""
    docstring = _module_docstring(script)
    lines = [line for line in docstring.splitlines() if line.strip()]

    title_at = 1 if set(lines[0]) == {"="} else 0
    title, underline = lines[title_at], lines[title_at + 1]
    assert set(underline) == {"="}, f"{script.name}: no '=' underline"
    assert len(underline) >= len(title), f"{script.name}: underline too short"


def _module_docstring(path):
    """Return the docstring of a script without running it."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path.name} has no module docstring"
    return docstring
