"""Exercises and solutions of the chapter notebooks: find them, strip them, fingerprint them.

The source format (tests/test_book_conventions.py enforces it): an exercise is a
``{exercise}`` block with a ``:label:`` in a markdown cell; its solution is one markdown cell
holding only a ``{solution} <label>`` block, optionally followed directly by code cells tagged
``solution``.  That makes stripping mechanical, and this module is the one place that knows
the format:

- :func:`strip_notebook` removes every solution and, where the solution had code, leaves an
  empty answer cell with a one-line prompt;
- :func:`solution_fragments` lists what the leak test looks for: every line of solution code
  of at least ``MIN_CODE_CHARS`` characters, every such line of what the solution's code
  prints, and every run of ``MIN_WORDS`` words of solution prose.
"""

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}", re.M)
SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution\}\s+(\S+)", re.M)
LABEL = re.compile(r"^:label:\s*(\S+)", re.M)
TITLE = re.compile(r"^(?:`{3,}|:{3,})\{exercise\}[ \t]*(.*)$", re.M)

AUTOGRADE = "autograde"  # metadata key of the auto-grading declaration cells (tools/autograde.py)
MIN_CODE_CHARS = 30
MIN_WORDS = 7
ANSWER_TAG = "answer"
WORD = re.compile(r"[A-Za-z0-9]+")


def source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def is_declaration(cell):
    """An auto-grading declaration cell (tools/autograde.py): answer, tests, hidden tests.

    Instructor material like a solution: the student edition drops it, the leak test looks for
    its text."""
    return isinstance(cell.get("metadata", {}).get(AUTOGRADE), dict)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(nb, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


@dataclass
class Solution:
    label: str  # the exercise's label, e.g. ch2-ex-bias
    markdown: str  # the {solution} cell's source
    code: list = field(default_factory=list)  # sources of the solution-tagged code cells
    outputs: list = field(default_factory=list)  # text of those cells' outputs


def solutions(nb):
    """Every solution of a notebook, in order."""
    found, current = [], None
    for cell in nb["cells"]:
        src = source(cell)
        if is_declaration(cell):
            continue
        if cell["cell_type"] == "markdown":
            m = SOLUTION.search(src)
            current = Solution(m.group(2), src) if m else None
            if current:
                found.append(current)
        elif "solution" in tags(cell) and current is not None:
            current.code.append(src)
            current.outputs.append(output_text(cell))
        else:
            current = None
    return found


def exercises(nb):
    """(label, title) of every exercise of a notebook, in order."""
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = source(cell)
        for m in EXERCISE.finditer(src):
            block = src[m.start():]
            label = LABEL.search(block)
            title = TITLE.search(block)
            out.append((label.group(1) if label else None, title.group(1).strip() if title else ""))
    return out


def output_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(source({"source": out.get("text", "")}))
        data = out.get("data", {})
        # What a page shows of a result: its LaTeX or Markdown if it has one (the math
        # delimiters become MathJax's), else its plain text unless it is a figure's repr.
        for mime in ("text/latex", "text/markdown", "text/plain"):
            if mime in data:
                if mime == "text/plain" and any(m.startswith("image/") for m in data):
                    break
                text = source({"source": data[mime]})
                parts.append(text.strip().strip("$") if mime == "text/latex" else text)
                break
    return "\n".join(parts)


def answer_prompt(label, number=None):
    """The one line of an empty answer cell; ``number`` as the page shows it, e.g. "2.3"."""
    return f"# Exercise {number} ({label}): your code here." if number else f"# Exercise {label}: your code here."


def answer_cell(label, number=None):
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"answer-{label}"[:64],
        "metadata": {"tags": [ANSWER_TAG]},
        "outputs": [],
        "source": [answer_prompt(label, number)],
    }


def strip_notebook(nb, chapter=None):
    """A copy of ``nb`` with every solution removed.

    A solution's markdown cell and the ``solution``-tagged code cells under it go; where there
    was code, an empty answer cell (tagged ``answer``) with a one-line prompt takes its place.
    The auto-grading declaration cells (:func:`is_declaration`) go too.
    Every other cell, outputs included, is kept as it is.  With the ``chapter`` number, the
    prompt names the exercise as the page numbers it ("Exercise 2.3").  Returns (notebook,
    labels removed).
    """
    nb = copy.deepcopy(nb)
    numbers = {label: f"{chapter}.{k}" for k, (label, _) in enumerate(exercises(nb), 1)} if chapter else {}
    cells, removed = [], []
    current, had_code = None, False

    def close():
        if current is not None and had_code:
            cells.append(answer_cell(current, numbers.get(current)))

    for cell in nb["cells"]:
        src = source(cell)
        if is_declaration(cell):
            continue
        if cell["cell_type"] == "markdown" and SOLUTION.search(src):
            close()
            current, had_code = SOLUTION.search(src).group(2), False
            removed.append(current)
            continue
        if cell["cell_type"] == "code" and "solution" in tags(cell):
            if current is None:
                raise ValueError(
                    "a code cell tagged 'solution' must follow a {solution} block; got one "
                    f"after a non-solution cell: {src[:80]!r}"
                )
            had_code = True
            continue
        close()
        current, had_code = None, False
        cells.append(cell)
    close()
    nb["cells"] = cells
    return nb, removed


# --- fingerprints of solution text, for the leak test ----------------------------------------

_FENCE_LINE = re.compile(r"^\s*(`{3,}|:{3,})(\{solution\}.*)?\s*$")
_OPTION_LINE = re.compile(r"^:[a-z-]+:.*$")
# Pieces of MyST that a page does not show as written: roles ({doc}`x` shows x's title),
# link targets, HTML.  A run of prose words never crosses one of them.
_BREAKS = re.compile(
    r"\{[a-z:-]+\}`[^`]*`"  # roles
    r"|\]\([^)]*\)"  # link targets
    r"|<[^>]+>"  # inline HTML
    r"|\$\$.*?\$\$|\$[^$]*\$"  # math: rendered by MathJax, kept out of prose runs
    r"|`[^`]*`",  # inline code
    re.S,
)


def prose_of(markdown):
    """The solution's text without the fence and its options."""
    lines = [
        ln for ln in markdown.splitlines() if not _FENCE_LINE.match(ln) and not _OPTION_LINE.match(ln)
    ]
    return "\n".join(lines)


def prose_runs(markdown, n=MIN_WORDS):
    """Every run of ``n`` consecutive words of plain prose, as lowercase strings."""
    runs = []
    for segment in _BREAKS.split(prose_of(markdown)):
        words = [w.lower() for w in WORD.findall(segment)]
        runs += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return runs


def normalise(text):
    return " ".join(text.split())


def code_lines(code, n=MIN_CODE_CHARS):
    """Every line of a code cell at least ``n`` characters long, whitespace collapsed."""
    return [normalise(ln) for ln in code.splitlines() if len(normalise(ln)) >= n]


def body_text(notebooks, pages=()):
    """Everything of the instructor source that is not a solution: the notebooks' other cells
    (sources and outputs) and the Markdown pages.  Found without :func:`strip_notebook`, so
    that a fault of the stripping cannot hide itself from the leak test."""
    parts = []
    for path in notebooks:
        for cell in load(path)["cells"]:
            if SOLUTION.search(source(cell)) or "solution" in tags(cell) or is_declaration(cell):
                continue
            parts += [source(cell), output_text(cell)]
    parts += [Path(p).read_text(encoding="utf-8") for p in pages]
    return "\n".join(parts)


def solution_fragments(notebooks, pages=()):
    """The fragments of every solution of ``notebooks`` the leak test looks for.

    {"code": [...], "output": [...], "prose": [...], "shared": [...]}, each a list of
    (notebook name, label, fragment) triples, each fragment once, in order: lines of solution
    code, lines of the text those cells print (both at least ``MIN_CODE_CHARS`` long), runs
    of ``MIN_WORDS`` words of solution prose.  A fragment that the body of the book
    (:func:`body_text`, the Markdown ``pages`` included) also contains, such as a seeded
    ``rng = np.random.default_rng(2)`` or a sentence a solution repeats from the chapter,
    is no sign of a leak: it goes to "shared" instead.  "declaration" lists the lines of the
    auto-grading declaration cells (reference answers, tests, hidden tests), which the reader's
    HTML never shows either (they are removed cells): the student edition must not contain
    them, and the full book's pages do not.
    """
    body = body_text(notebooks, pages)
    body_code = normalise(body)
    words = [w.lower() for w in WORD.findall(body)]
    body_runs = {" ".join(words[i : i + MIN_WORDS]) for i in range(len(words) - MIN_WORDS + 1)}
    code, output, prose, shared, declared, seen = [], [], [], [], [], set()
    for path in notebooks:
        for cell in load(path)["cells"]:
            if is_declaration(cell):
                label = cell["metadata"][AUTOGRADE].get("exercise")
                for line in code_lines(source(cell)):
                    if ("code", line) not in seen and line not in body_code:
                        seen.add(("code", line))
                        declared.append((Path(path).name, label, line))
    for path in notebooks:
        for sol in solutions(load(path)):
            for text in sol.code:
                for line in code_lines(text):
                    if ("code", line) not in seen:
                        seen.add(("code", line))
                        where = shared if line in body_code else code
                        where.append((Path(path).name, sol.label, line))
            for text in sol.outputs:
                for line in code_lines(text):
                    if ("code", line) not in seen:
                        seen.add(("code", line))
                        where = shared if line in body_code else output
                        where.append((Path(path).name, sol.label, line))
            for run in prose_runs(sol.markdown):
                if ("prose", run) not in seen:
                    seen.add(("prose", run))
                    where = shared if run in body_runs else prose
                    where.append((Path(path).name, sol.label, run))
    return {"code": code, "output": output, "prose": prose, "shared": shared, "declaration": declared}
