"""Auto-grading declarations of the chapter notebooks: find them, strip them, re-insert them.

An exercise that a machine can grade declares, in its own chapter, what the assignment built by
``python -m tools.assignments`` needs: the answer interface with the reference answer, the
setup the answer needs, public tests, hidden tests with their points, and a typical-mistake
version of the answer.  Each part is a *raw* cell placed directly after the exercise's solution
cells (or after another declaration cell of the same exercise), with

- the tag ``remove-cell``: the reader's HTML never shows it;
- metadata ``{"autograde": {"exercise": <label>, "part": <part>, ...}}``.

Raw cells never execute, so a chapter's run, its outputs and its strict nbval are unchanged;
``tests/test_assignments.py`` runs the reference answers against the tests with ``otter run``.
The parts, in the order they appear:

``setup``    code the student's notebook runs before the answer cell (imports, symbols, data).
``answer``   the answer cell with the reference answer between otter's solution markers
             (``# BEGIN SOLUTION`` / ``# END SOLUTION`` or a trailing ``# SOLUTION``);
             metadata ``points`` is the question's total, and ``name`` the otter question name.
``test``     a public test: silent statements (``assert``), run by ``grader.check``.
``hidden``   a hidden test, with metadata ``points``; run only by the autograder.
``mistake``  the answer cell as a student making the chapter's typical mistake writes it; the
             grading tests check that it loses points and that a public test fails on it.

The student edition strips every declaration cell (:func:`strip`), and the leak test treats
their text like solution text (:func:`declaration_text`).
"""

import copy

from tools.solutions import SOLUTION, source, tags

KEY = "autograde"
PARTS = ("setup", "answer", "test", "hidden", "mistake")
HIDE_TAG = "remove-cell"


def declaration(cell):
    """The cell's ``autograde`` metadata, or None for every other cell."""
    meta = cell.get("metadata", {}).get(KEY)
    return meta if isinstance(meta, dict) else None


def is_declaration(cell):
    return declaration(cell) is not None


def declarations(nb):
    """{label: {"setup": [src], "answer": [(src, meta)], "test": [src], "hidden": [(src, meta)],
    "mistake": [src]}} in notebook order."""
    out = {}
    for cell in nb["cells"]:
        meta = declaration(cell)
        if meta is None:
            continue
        label, part = meta.get("exercise"), meta.get("part")
        if part not in PARTS:
            raise ValueError(f"autograde cell of {label!r}: part must be one of {PARTS}, got {part!r}")
        entry = out.setdefault(label, {p: [] for p in PARTS})
        entry[part].append((source(cell), meta) if part in ("answer", "hidden") else source(cell))
    return out


def strip(nb):
    """A copy of ``nb`` without its declaration cells."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"] if not is_declaration(c)]
    return nb


def declaration_text(nb):
    """(label, text) of every declaration cell: what the leak test looks for."""
    return [(declaration(c)["exercise"], source(c)) for c in nb["cells"] if is_declaration(c)]


def new_cell(label, part, text, cell_id, **meta):
    return {
        "cell_type": "raw",
        "id": cell_id,
        "metadata": {KEY: {"exercise": label, "part": part, **meta}, "tags": [HIDE_TAG]},
        "source": text.strip("\n").splitlines(keepends=True),
    }


def insertion_index(cells, label):
    """Where a declaration cell of ``label`` goes: after the exercise's solution cell, its
    ``solution``-tagged code cells and any declaration cells of the same exercise."""
    for i, cell in enumerate(cells):
        m = SOLUTION.search(source(cell)) if cell["cell_type"] == "markdown" else None
        if m and m.group(2) == label:
            j = i + 1
            while j < len(cells) and (
                (cells[j]["cell_type"] == "code" and "solution" in tags(cells[j]))
                or (declaration(cells[j]) or {}).get("exercise") == label
            ):
                j += 1
            return j
    raise ValueError(f"no {{solution}} cell for exercise {label!r}")


def reinsert(source_nb, target_nb):
    """Copy every declaration cell of ``source_nb`` into ``target_nb`` (a copy of it is
    returned), each after its exercise's solution in the target, in the source's order.
    Declaration cells already in the target (same id) are replaced.  For the integrator: after
    a merge that lost them, ``python -m tools.assignments reinsert OLD.ipynb NEW.ipynb``."""
    target = copy.deepcopy(target_nb)
    ids = {c.get("id") for c in source_nb["cells"] if is_declaration(c)}
    target["cells"] = [c for c in target["cells"] if not (is_declaration(c) and c.get("id") in ids)]
    for cell in source_nb["cells"]:
        if is_declaration(cell):
            i = insertion_index(target["cells"], declaration(cell)["exercise"])
            target["cells"].insert(i, copy.deepcopy(cell))
    return target


def run_chapter(decls, answers, test_source):
    """Run a chapter's declared questions without otter, as the autograder does: every setup
    and answer cell in order in one namespace (so two questions that bind the same name clash
    here as in the student's notebook), then every test against the final namespace.

    ``answers`` maps a label to the answer source to use (the reference or the mistake);
    ``test_source(src, meta, hidden)`` gives the code otter runs for a test
    (tools.assignments.test_source), so the hidden tests' blocking is exercised too.
    Returns {label: (public results, hidden results)}, lists of booleans (True: passed)."""
    env = {"__name__": "__autograde__"}
    for label, parts in decls.items():
        for src in parts["setup"]:
            exec(compile(src, f"<setup {label}>", "exec"), env)
        try:
            exec(compile(answers[label], f"<answer {label}>", "exec"), env)
        except Exception:  # an answer that fails to run fails its tests, as in a notebook
            pass

    def passes(code):
        try:
            exec(compile(code, "<test>", "exec"), dict(env))
            return True
        except Exception:  # a failing assert, or an error: the test fails
            return False

    return {
        label: ([passes(test_source(src, {}, False)) for src in parts["test"]],
                [passes(test_source(src, meta, True)) for src, meta in parts["hidden"]])
        for label, parts in decls.items()
    }
