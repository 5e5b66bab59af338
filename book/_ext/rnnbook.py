"""Sphinx-side fixes for the book's HTML, loaded by ``sphinx.local_extensions`` in _config.yml.

1. MathJax from a local copy (the ``sphinx-mathjax-offline`` package ships MathJax 3.2.2),
   so the HTML needs no network: the default.  ``RNN_BOOK_MATHJAX=cdn`` at build time
   uses the CDN instead (a lighter ``_build/html`` for hosting; readers then need a
   connection for the formulas).
2. Each inline script is emitted once (sphinx-thebe registers its config script again on
   every read phase, which declares ``THEBE_JS_URL`` twice: a JavaScript error on every page).
3. Bibliography labels in the text's author-year style ("Hochreiter and Schmidhuber, 1997")
   instead of pybtex's alpha labels ("[HS97]").
4. The API pages: NamedTuple fields documented by the comment beside them in the source
   instead of "Alias for field number N", a package's re-exported constants documented
   by the ``#:`` comment where they are defined,
   module constants without a raw dump of their value, a check that every public
   rnnlib module has its page under book/api/, and references to a name at an old
   import path (``rnnlib.spectral.fit_log_rate``) sent to its page at the new path.
5. Punctuation kept on the line of the inline formula it follows: "($x$)" never wraps with
   the ")" alone at the start of the next line.
"""

import importlib.util
import os
import pathlib
import pkgutil
import re

from sphinx.util import logging

logger = logging.getLogger(__name__)

# --- 1. MathJax ---------------------------------------------------------------------------


def _mathjax_dir():
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = pathlib.Path(list(spec.submodule_search_locations)[0]) / "static"
    return static if (static / "mathjax" / "tex-chtml.js").is_file() else None


def _use_local_mathjax(app, config):
    mode = os.environ.get("RNN_BOOK_MATHJAX", "local").strip().lower()
    if mode == "cdn":
        return
    if mode != "local":
        raise ValueError(f"RNN_BOOK_MATHJAX must be 'local' or 'cdn', got {mode!r}")
    static = _mathjax_dir()
    if static is None:
        raise RuntimeError(
            "the offline MathJax is missing: pip install sphinx-mathjax-offline "
            "(requirements.txt has it), or build with RNN_BOOK_MATHJAX=cdn"
        )
    # Sphinx copies <static>/mathjax to _build/html/_static/mathjax.
    config.html_static_path = list(config.html_static_path) + [str(static)]
    config.mathjax_path = "mathjax/tex-chtml.js"


# --- 2. One copy of each inline script ----------------------------------------------------


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # A body script has filename None or "" depending on who added it: the same script.
        name = os.fspath(getattr(js, "filename", js) or "")
        attributes = getattr(js, "attributes", {})
        key = (name, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


# --- 3. Author-year bibliography labels ---------------------------------------------------


def _register_author_year_style():
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle

    def last_names(person):
        return " ".join(str(part) for part in person.prelast_names + person.last_names)

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = list(self._labels(sorted_entries))
            # Two works of one author and year: 2015a, 2015b, as author-year lists do.
            counts = {}
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
            seen = {}
            for label in labels:
                if counts[label] > 1:
                    seen[label] = seen.get(label, 0) + 1
                    yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
                else:
                    yield label

        def _labels(self, sorted_entries):
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [re.sub(r"[{}]", "", last_names(p)) for p in people]
                if not names:
                    who = entry.fields.get("key", entry.key)
                elif len(names) == 1:
                    who = names[0]
                elif len(names) == 2:
                    who = f"{names[0]} and {names[1]}"
                else:
                    who = f"{names[0]} et al."
                yield f"{who}, {entry.fields.get('year', 'n.d.')}"

    class AuthorYearStyle(UnsrtStyle):
        default_label_style = "rnnbook_author_year"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "rnnbook_author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "rnnbook_author_year", AuthorYearStyle)


# --- 4. The API pages ---------------------------------------------------------------------

_FIELD_ALIAS = re.compile(r"^Alias for field number \d+$")


def _field_comment(qualified):
    """The ``# comment`` after a NamedTuple field in the source: ``x: np.ndarray  # (B, D)``."""
    import importlib
    import inspect

    parts = qualified.split(".")
    for i in range(len(parts) - 2, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:-1]:
                obj = getattr(obj, attr)
            source = inspect.getsource(obj)
        except (AttributeError, OSError, TypeError):
            return ""
        field = re.escape(parts[-1])
        match = re.search(rf"^\s+{field}\s*:[^#\n]*#\s*(.+)$", source, re.M)
        return match.group(1).strip() if match else ""
    return ""


def _field_docs(app, what, name, obj, options, lines):
    """NamedTuple fields: the comment beside the field in the source instead of the
    "Alias for field number N" that Python gives each field."""
    if _FIELD_ALIAS.match(" ".join(line.strip() for line in lines).strip()):
        comment = _field_comment(name)
        lines[:] = [comment] if comment else []


def _home_comment(name, obj):
    """The ``#:`` comment above constant ``name`` in the rnnlib module that defines it.

    A package re-exports a constant (``rnnlib.viz.IO_PATTERNS`` is defined in
    ``rnnlib/viz/unrolled.py``), but autodoc reads ``#:`` comments only in the source of
    the module it documents; this finds the comment where the constant is written.
    """
    import sys

    from sphinx.pycode import ModuleAnalyzer, PycodeError

    for modname, module in sorted(sys.modules.items()):
        if not modname.startswith("rnnlib.") or getattr(module, name, None) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return None


def _keep_reexported_constants(app, what, name, obj, skip, options):
    """Document a package's re-exported constant that has a ``#:`` comment at home."""
    if what != "module" or not skip or callable(obj) or isinstance(obj, type(pathlib)):
        return None
    return False if _home_comment(name, obj) else None


def _short_values_only():
    """A DataDocumenter that shows a constant's value only when it fits on one short line."""
    from sphinx.ext.autodoc import DataDocumenter
    from sphinx.util.inspect import object_description

    class ShortValueDataDocumenter(DataDocumenter):
        priority = DataDocumenter.priority + 1

        @classmethod
        def can_document_member(cls, member, membername, isattr, parent):
            if super().can_document_member(member, membername, isattr, parent):
                return True
            from sphinx.ext.autodoc import ModuleDocumenter

            return isinstance(parent, ModuleDocumenter) and bool(
                not callable(member) and _home_comment(membername, member)
            )

        def get_module_comment(self, attrname):
            own = super().get_module_comment(attrname)
            return own if own else _home_comment(attrname, self.object)

        def should_suppress_value_header(self):
            try:
                text = object_description(self.object)
            except Exception:  # noqa: BLE001 - an undescribable value is not shown either
                return True
            return len(text) > 60 or super().should_suppress_value_header()

    return ShortValueDataDocumenter


def _check_api_pages(app):
    """Every public module of rnnlib, subpackages included, is documented under book/api/.

    A module is documented by an ``automodule`` on some page, or through its package: a
    package page that documents the package's ``__all__`` covers a module of the package
    when every public name the module defines is in that ``__all__``.
    """
    import importlib

    api = pathlib.Path(app.srcdir) / "book" / "api"
    if not api.is_dir():
        return
    import rnnlib

    pages = "\n".join(p.read_text(encoding="utf-8") for p in sorted(api.glob("*.md")))
    documented = set(re.findall(r"automodule::\s+(rnnlib[\w.]*)", pages))
    for mod in pkgutil.walk_packages(rnnlib.__path__, "rnnlib."):
        name = mod.name
        if name in documented or any(p.startswith("_") for p in name.split(".")):
            continue
        package = name.rpartition(".")[0]
        if package in documented:
            module = importlib.import_module(name)
            defined = {
                key
                for key, obj in vars(module).items()
                if not key.startswith("_") and getattr(obj, "__module__", None) == name
            }
            listed = set(getattr(importlib.import_module(package), "__all__", ()))
            missing = sorted(defined - listed)
            if not missing:
                continue
            logger.warning("%s defines %s, which %s.__all__ does not list", name, missing, package)
            continue
        logger.warning(
            "%s has no API page: add book/api/<name>.md with its automodule (copy another page)",
            name,
        )


def _old_path_reference(app, env, node, contnode):
    """A reference to a name at an old import path, ``rnnlib.spectral.fit_log_rate``, goes to
    the page of the same object at its new path, ``rnnlib.analysis.spectral.fit_log_rate``
    (the chapters keep their links when a module moves).  Tried: the object's own module,
    then each package above it (``rnnlib.models`` documents ``rnnlib.models.charlm``)."""
    import importlib

    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("rnnlib."):
        return None
    module, _, attr = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        return None
    home, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not (isinstance(home, str) and home.startswith("rnnlib.") and qualname):
        return None
    domain = env.get_domain("py")
    parts = home.split(".")
    for i in range(len(parts), 1, -1):
        candidate = ".".join(parts[:i]) + "." + qualname
        if candidate != target and candidate in domain.objects:
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], candidate, node, contnode
            )
    return None


# --- 5. Punctuation after inline math -------------------------------------------------------

_CLOSING = tuple(")]},.;:!?'\u2019")


def _keep_punctuation_with_math(app, doctree, docname):
    """Wrap an inline formula and the punctuation right after it in one no-wrap span."""
    from docutils import nodes

    for math in list(doctree.findall(nodes.math)):
        parent = math.parent
        index = parent.index(math)
        if index + 1 >= len(parent) or not isinstance(parent[index + 1], nodes.Text):
            continue
        text = parent[index + 1].astext()
        if not text.startswith(_CLOSING):
            continue
        end = len(text) - len(text.lstrip("".join(_CLOSING)))  # the run of punctuation
        wrapper = nodes.inline(classes=["nowrap"])
        parent.remove(parent[index + 1])
        parent.remove(math)
        wrapper += math
        wrapper += nodes.Text(text[:end])
        parent.insert(index, wrapper)
        if text[end:]:
            parent.insert(index + 1, nodes.Text(text[end:]))


def setup(app):
    app.connect("config-inited", _use_local_mathjax)
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    _register_author_year_style()
    app.connect("autodoc-process-docstring", _field_docs, priority=100)
    app.add_autodocumenter(_short_values_only(), override=True)
    app.connect("autodoc-skip-member", _keep_reexported_constants)
    app.connect("builder-inited", _check_api_pages)
    app.connect("doctree-resolved", _keep_punctuation_with_math)
    app.connect("missing-reference", _old_path_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
