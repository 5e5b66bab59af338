"""The auto-grading declarations of every chapter, run without otter (fast, no kernel).

For each declared exercise (tools/autograde.py): the reference answer passes its public and
hidden tests, and the declared typical mistake fails a public test (so a student learns
something before submitting) and a hidden test.  tests/test_assignments.py then grades
Chapters 1 and 4 end to end with real ``otter run``s.
"""

import pytest

from editions import CHAPTERS, ROOT  # noqa: F401  (puts the repository on sys.path)
from tools import assignments, autograde, solutions


def code_of(src, meta, hidden):
    return assignments.test_source(src, meta.get("points"), hidden=hidden, block=meta.get("block", ()))


DECLARED = [
    (path, label)
    for path in CHAPTERS
    for label in autograde.declarations(solutions.load(path))
]


def test_every_chapter_declares_at_least_four_auto_graded_questions():
    per_chapter = {p.stem: len(autograde.declarations(solutions.load(p))) for p in CHAPTERS}
    done = {k: v for k, v in per_chapter.items() if v}
    assert len(done) >= 2 and all(v >= 4 for v in done.values()), per_chapter


@pytest.mark.parametrize("path,label", DECLARED, ids=lambda x: x if isinstance(x, str) else x.stem)
def test_the_reference_passes_and_the_typical_mistake_fails_a_public_test(path, label):
    parts = autograde.declarations(solutions.load(path))[label]
    (answer, _), = parts["answer"]
    public, hidden = autograde.run_question(parts, answer, code_of)
    assert all(public) and all(hidden), f"{label}: reference answer fails (public {public}, hidden {hidden})"
    public, hidden = autograde.run_question(parts, parts["mistake"][0], code_of)
    assert not all(public), f"{label}: the typical mistake passes every public test"
    assert not all(hidden), f"{label}: the typical mistake passes every hidden test"
