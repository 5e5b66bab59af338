"""The book's own rules, checked on every notebook in book/.

These are the conventions a reader and an instructor rely on: each chapter has learning
objectives, a summary, exercises with solutions in the strippable format, executed outputs,
asserts that check its results, and no network installs.

They are the rules of the instructor source, the only edition kept in the repository: here
every exercise has exactly one solution.  The student edition (``python -m tools.student_edition``)
has none by design and its own checks: it builds with -W -n, every notebook executes under
strict nbval, and no solution text is left in it (tests/test_student_edition.py,
tests/test_leaks.py, the student-edition block of .ci/run).
"""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("ch*.ipynb"))

EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}", re.M)
SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution\}\s+(\S+)", re.M)
LABEL = re.compile(r"^:label:\s*(\S+)", re.M)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def is_written(path):
    """A chapter still being written is a one-cell placeholder; the rules apply once it has code."""
    return any(c["cell_type"] == "code" for c in load(path)["cells"])


def written_chapters():
    return [p for p in CHAPTERS if is_written(p)]


def test_every_chapter_in_the_toc_exists_and_every_chapter_is_in_the_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {ch["file"] for part in toc["parts"] for ch in part["chapters"]}
    listed = {f for f in files if f.startswith("book/ch")}
    on_disk = {f"book/{p.stem}" for p in CHAPTERS}
    assert listed == on_disk
    for f in files | {toc["root"]}:
        assert any((ROOT / (f + ext)).exists() for ext in (".md", ".ipynb")), f


SETUP_CELL = (Path(__file__).parent / "setup_cell.py").read_text()


def code_cells(path):
    return [c for c in load(path)["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_shared_setup_cell_hidden_from_the_page(path):
    first = code_cells(path)[0]
    assert source(first) == SETUP_CELL.rstrip("\n"), "copy tests/setup_cell.py into the chapter"
    assert "remove-cell" in tags(first)
    assert first.get("outputs") == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_uses_the_python3_kernel_and_installs_nothing(path):
    """No cell installs anything; the one exception is the setup cell's Colab-only branch,
    which tests/test_setup_cell.py shows to be a no-op everywhere else."""
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in code_cells(path)[1:]:
        if cell["cell_type"] == "code":
            src = source(cell)
            assert not re.search(r"^\s*[!%]\s*(pip|conda)\b", src, re.M), src
            assert "pip install" not in src, src


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_chapter_is_executed_with_outputs_committed(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), "re-execute the notebook before committing"
    for c in code:
        for out in c.get("outputs", []):
            assert out["output_type"] != "error", source(c)


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_chapter_has_objectives_summary_pitfalls_and_references(path):
    text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown").lower()
    assert "learning objectives" in text
    assert "summary" in text
    assert "pitfall" in text
    assert "{cite" in text


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_chapter_checks_its_results_with_asserts(path):
    code = [source(c) for c in load(path)["cells"] if c["cell_type"] == "code"]
    n_asserts = sum(len(re.findall(r"^\s*assert\b", s, re.M)) for s in code)
    assert n_asserts >= 10, f"{path.name} has only {n_asserts} assert statements"


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_exercises_have_solutions_in_the_strippable_format(path):
    """A solution is a markdown cell holding only a {solution} block, optionally followed
    directly by code cells tagged 'solution'; solution text appears nowhere else."""
    cells = load(path)["cells"]
    exercise_labels, solved = [], []
    previous_was_solution = False
    for cell in cells:
        src = source(cell)
        assert "solution-start" not in src and "solution-end" not in src
        if cell["cell_type"] == "markdown":
            for m in EXERCISE.finditer(src):
                block = src[m.start():]
                label = LABEL.search(block)
                assert label, f"exercise without :label: in {path.name}"
                exercise_labels.append(label.group(1))
            sols = SOLUTION.findall(src)
            if sols:
                assert len(sols) == 1, "one {solution} block per markdown cell"
                fence = sols[0][0]
                stripped = src.strip()
                assert stripped.startswith(fence) and stripped.endswith(fence), (
                    "a solution cell holds the {solution} block and nothing else:\n" + src
                )
                solved.append(sols[0][1])
                previous_was_solution = True
            else:
                previous_was_solution = False
        else:
            if "solution" in tags(cell):
                assert previous_was_solution, (
                    "a code cell tagged 'solution' must sit directly under a {solution} block:\n" + src
                )
            else:
                previous_was_solution = False
    assert len(exercise_labels) >= 5, f"{path.name} has {len(exercise_labels)} exercises"
    assert sorted(solved) == sorted(exercise_labels), "every exercise has exactly one solution"


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_the_student_edition_tool_reads_the_same_exercises_and_solutions(path):
    """tools/solutions.py strips what this file's rules define: the same labels, in order."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tools import solutions

    nb = load(path)
    labels = [label for label, _ in solutions.exercises(nb)]
    assert [s.label for s in solutions.solutions(nb)] == labels
    n_code = sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "solution" in tags(c))
    assert sum(len(s.code) for s in solutions.solutions(nb)) == n_code


# The book's text column holds 88 characters of code at desktop width (the browser test,
# tests/browser, measures the overflow): a longer line scrolls sideways, and a reader misses
# its end.  Cells hidden from the page do not count.
COLUMN = 88


def visible_lines(cell):
    """The lines a reader sees of a code cell: its source and its text outputs."""
    if {"remove-cell", "remove-input"} & set(tags(cell)):
        source_lines = []
    else:
        source_lines = source(cell).splitlines()
    output_lines = []
    if "remove-output" not in tags(cell):
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            output_lines += ("".join(text) if isinstance(text, list) else text).splitlines()
    return source_lines + output_lines


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_code_and_printed_output_fit_the_column(path):
    too_wide = [
        f"cell {index}: {len(line)} characters: {line[:60]}..."
        for index, cell in enumerate(load(path)["cells"])
        if cell["cell_type"] == "code"
        for line in visible_lines(cell)
        if len(line) > COLUMN
    ]
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.parametrize("path", written_chapters(), ids=lambda p: p.stem)
def test_autograde_declarations_sit_after_their_exercise_solution_and_are_hidden(path):
    """The auto-grading declaration cells (tools/autograde.py) are the exercise's instructor
    material, like its solution: raw cells (they never run in the chapter), removed from the
    page (``remove-cell``), each directly after its own exercise's solution cells or after
    another declaration cell of the same exercise, naming a part and an existing exercise; an
    exercise declared for auto-grading has exactly one answer cell, public and hidden tests and
    a typical mistake."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tools import autograde

    cells = load(path)["cells"]
    labels = [label for cell in cells if cell["cell_type"] == "markdown"
              for label in LABEL.findall(source(cell)) if EXERCISE.search(source(cell))]
    current = None  # the label whose solution (or declaration) the previous cell belongs to
    for cell in cells:
        meta = autograde.declaration(cell)
        src = source(cell)
        if meta is not None:
            assert cell["cell_type"] == "raw", f"a declaration is a raw cell: {src[:80]!r}"
            assert "remove-cell" in tags(cell), f"a declaration is removed from the page: {src[:80]!r}"
            assert meta.get("exercise") in labels, f"unknown exercise {meta.get('exercise')!r}"
            assert meta.get("part") in autograde.PARTS, meta
            assert current == meta["exercise"], (
                f"the declaration of {meta['exercise']} must sit directly after its solution:\n{src[:200]}"
            )
            continue
        m = SOLUTION.search(src) if cell["cell_type"] == "markdown" else None
        if m:
            current = m.group(2)
        elif not (cell["cell_type"] == "code" and "solution" in tags(cell)):
            current = None
    for label, parts in autograde.declarations(load(path)).items():
        assert len(parts["answer"]) == 1, f"{label}: one answer cell"
        assert parts["answer"][0][1].get("name") and parts["answer"][0][1].get("points"), label
        assert parts["test"] and parts["hidden"] and parts["mistake"], f"{label}: tests, hidden tests, a mistake"
