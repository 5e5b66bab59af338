"""Both editions: solutions collapsed in the full book, removed from the student edition.

Unit tests of the stripping run on the instructor notebooks; the others read the built HTML
(_build/html from README command 1, _build/student from ``python -m tools.student_edition``)
and are skipped when it is absent, except in CI (tests/editions.py).
"""

import json
import re
from html.parser import HTMLParser

import pytest
import yaml

from editions import CHAPTERS, FULL, ROOT, STUDENT, need
from tools import leaks, solutions, student_edition

N_EXERCISES = sum(len(solutions.exercises(solutions.load(p))) for p in CHAPTERS)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stripping_removes_every_solution_and_keeps_everything_else(path):
    nb = solutions.load(path)
    stripped, removed = solutions.strip_notebook(nb, chapter=9)
    sols = solutions.solutions(nb)
    assert removed == [s.label for s in sols] == [label for label, _ in solutions.exercises(nb)]
    for cell in stripped["cells"]:
        assert not solutions.SOLUTION.search(solutions.source(cell))
        assert "solution" not in solutions.tags(cell)
    answers = [c for c in stripped["cells"] if solutions.ANSWER_TAG in solutions.tags(c)]
    assert [solutions.source(c) for c in answers] == [
        solutions.answer_prompt(s.label, f"9.{k}") for k, s in enumerate(sols, 1) if s.code
    ]
    kept = [c for c in nb["cells"]
            if not solutions.SOLUTION.search(solutions.source(c)) and "solution" not in solutions.tags(c)
            and not solutions.is_declaration(c)]  # the auto-grading declarations go too
    assert [c for c in stripped["cells"] if c not in answers] == kept  # outputs and all


def test_stripping_rejects_a_solution_cell_that_follows_no_solution():
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "x = 1",
                     "outputs": [], "execution_count": 1}]}
    with pytest.raises(ValueError, match="must follow a \\{solution\\} block"):
        solutions.strip_notebook(nb)


def test_student_configuration_points_at_the_student_branch_and_drops_the_guide():
    settings = student_edition.load_settings()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    student = student_edition.student_config(config, settings)
    assert student["repository"]["branch"] == settings["repository"]["branch"] == "student"
    assert student["repository"]["url"] == config["repository"]["url"]
    toc = student_edition.student_toc(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "book/instructors" not in files and all(p.name != "instructors.md" for p in leaks.book_pages(ROOT / "book"))
    assert {f"book/{p.stem}" for p in CHAPTERS} <= set(files)


PLACEHOLDER = re.compile(r"example\.(edu|com|org|net)|<[a-z-]+>|your[-_]|placeholder", re.I)


def test_no_placeholder_hub_in_either_configuration():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    settings = student_edition.load_settings()
    for hub in (config.get("launch_buttons", {}).get("jupyterhub_url"),
                settings["launch_buttons"].get("jupyterhub_url")):
        assert not hub or (hub.startswith("https://") and not PLACEHOLDER.search(hub)), hub


class Regions(HTMLParser):
    """Text of a page, split into what lies inside a collapsed block and what does not.

    Collapsed: a ``.dropdown`` admonition (sphinx-togglebutton folds it on load) and a
    ``<details>`` without ``open``.  Also counts exercises, solutions and solution cells."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.inside, self.outside = [], [], []
        self.exercises, self.solutions, self.loose_solution_cells, self.solution_cells = [], [], 0, 0

    def collapsed(self):
        return any(folded for _, folded in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        folded = ("dropdown" in classes and "admonition" in classes) or (tag == "details" and "open" not in attrs)
        if "exercise" in classes and "admonition" in classes:
            self.exercises.append(attrs.get("id"))
        if "solution" in classes and "admonition" in classes:
            self.solutions.append((attrs.get("id"), "dropdown" in classes))
        if "tag_solution" in classes:
            self.solution_cells += 1
            if not any("solution" in c for c, _ in self.stack):
                self.loose_solution_cells += 1
        self.stack.append((classes if tag == "div" else [], folded))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        (self.inside if self.collapsed() else self.outside).append(data)


def parse(path):
    regions = Regions()
    regions.feed(path.read_text(encoding="utf-8"))
    return regions


def chapter_pages(build):
    return [build / "book" / f"{p.stem}.html" for p in CHAPTERS]


def test_full_book_every_solution_is_collapsed_with_its_code_and_outputs():
    full = need(FULL)
    frags = solutions.solution_fragments(CHAPTERS, leaks.book_pages(ROOT / "book"))
    n_ex = n_sol = n_cells = 0
    for page in chapter_pages(full):
        r = parse(page)
        n_ex += len(r.exercises)
        n_sol += len(r.solutions)
        n_cells += r.solution_cells
        assert all(folded for _, folded in r.solutions), (page.name, r.solutions)
        assert r.loose_solution_cells == 0, f"{page.name}: a solution cell outside its dropdown"
        visible = leaks.Corpus.__new__(leaks.Corpus)
        visible.files = [(page.name, [solutions.normalise("".join(r.outside))],
                          [[w.lower() for w in solutions.WORD.findall("".join(r.outside))]])]
        folded = leaks.Corpus.__new__(leaks.Corpus)
        folded.files = [(page.name, [solutions.normalise("".join(r.inside))],
                         [[w.lower() for w in solutions.WORD.findall("".join(r.inside))]])]
        mine = {k: [f for nb, _, f in v if nb == page.stem + ".ipynb"] for k, v in frags.items()}
        lines, runs = mine["code"] + mine["output"], mine["prose"]
        assert not visible.find_code(lines) and not visible.find_prose(runs), page.name
        assert len(folded.find_code(lines)) == len(lines) and len(folded.find_prose(runs)) == len(runs)
    n_code_cells = sum(len(s.code) for p in CHAPTERS for s in solutions.solutions(solutions.load(p)))
    print(f"{n_ex} exercises, {n_sol} collapsed solutions, {n_cells} solution cells inside them")
    assert n_ex == n_sol == N_EXERCISES >= 35
    assert n_cells == n_code_cells


def test_student_edition_has_exercises_but_no_solutions():
    student = need(STUDENT)
    n_ex = 0
    for page in chapter_pages(student / "html"):
        r = parse(page)
        n_ex += len(r.exercises)
        assert not r.solutions and not r.solution_cells, page.name
    assert n_ex == N_EXERCISES
    assert not (student / "html" / "book" / "instructors.html").exists()
    for path in CHAPTERS:
        nb = json.loads((student / "repo" / "book" / path.name).read_text())
        assert not solutions.solutions(nb)
        n_code = sum(1 for s in solutions.solutions(solutions.load(path)) if s.code)
        assert sum(solutions.ANSWER_TAG in solutions.tags(c) for c in nb["cells"]) == n_code
        sources = [s.name for s in (student / "html" / "_sources" / "book").glob(path.stem + ".*")]
        assert sources, path.name
        assert not solutions.solutions(json.loads((student / "html" / "_sources" / "book" / path.name).read_text()))


LINK = re.compile(r'href="(https?://[^"]+)"')


def launch_links(build):
    links = []
    for page in chapter_pages(build):
        links += [h for h in LINK.findall(page.read_text(encoding="utf-8"))
                  if re.search(r"binder|colab|git-pull", h)]
    return links


@pytest.mark.parametrize("edition", ["full", "student"])
def test_launch_buttons_open_the_right_notebooks_and_no_placeholder(edition):
    build = need(FULL) if edition == "full" else need(STUDENT) / "html"
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    settings = student_edition.load_settings()
    branch = config["repository"]["branch"] if edition == "full" else settings["repository"]["branch"]
    links = launch_links(build)
    assert any("mybinder.org" in h for h in links) and any("colab.research.google.com" in h for h in links)
    for h in links:
        assert not PLACEHOLDER.search(h), h
        if "mybinder.org" in h or "colab" in h:
            assert f"/{branch}" in h, h
    hub = (config.get("launch_buttons", {}).get("jupyterhub_url") if edition == "full"
           else settings["launch_buttons"].get("jupyterhub_url"))
    assert any("git-pull" in h for h in links) == bool(hub), "a JupyterHub button iff a hub is set"
    for page in build.rglob("*.html"):
        for h in LINK.findall(page.read_text(encoding="utf-8")):
            assert not re.search(r"example\.(edu|com|org|net)", h), (page.name, h)


def test_instructor_guide_is_in_the_toc_under_an_instructors_caption_and_complete():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    captions = [p["caption"] for p in toc["parts"] if any(c["file"] == "book/instructors" for c in p["chapters"])]
    assert captions and "instructor" in captions[0].lower()
    text = (ROOT / "book" / "instructors.md").read_text()
    for heading in ("Who the course suits", "Prerequisites", "Chapter by chapter", "Rubrics",
                    "The student edition", "Launch buttons", "Reuse"):
        assert re.search(rf"^#+ {heading}", text, re.M), heading
    assert "CC-BY-4.0" in text and "MIT" in text and "python -m tools.student_edition" in text
    assert not re.search(r"\b(TODO|TBD|to be written|coming soon)\b", text, re.I)
    # Every exercise of the book is in the guide's tables, and every label there exists.
    listed = set(re.findall(r"`(ch\d-ex-[a-z0-9-]+)`", text))
    labels = {label for p in CHAPTERS for label, _ in solutions.exercises(solutions.load(p))}
    assert listed == labels, (labels - listed, listed - labels)
