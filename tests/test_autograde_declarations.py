"""The auto-grading declarations of every chapter, run without otter (fast, no kernel).

For each chapter (tools/autograde.py), as the autograder runs it (all setup and answer cells in
one namespace, then the tests): the reference answers pass every public and hidden test, and
with every answer replaced by its declared typical mistake each question fails a public test
(so a student learns something before submitting) and a hidden test.
tests/test_assignments.py grades Chapters 1 and 4 end to end with real ``otter run``s.
"""

import pytest

from editions import CHAPTERS, ROOT  # noqa: F401  (puts the repository on sys.path)
from tools import assignments, autograde, solutions


def code_of(src, meta, hidden):
    return assignments.test_source(src, meta.get("points"), hidden=hidden, block=meta.get("block", ()))


def test_every_chapter_declares_at_least_four_auto_graded_questions():
    per_chapter = {p.stem: len(autograde.declarations(solutions.load(p))) for p in CHAPTERS}
    assert all(v >= 4 for v in per_chapter.values()), per_chapter


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_references_pass_and_the_typical_mistakes_fail_a_public_test(path):
    decls = autograde.declarations(solutions.load(path))
    results = autograde.run_chapter(decls, {k: d["answer"][0][0] for k, d in decls.items()}, code_of)
    for label, (public, hidden) in results.items():
        assert all(public) and all(hidden), f"{label}: reference answer fails (public {public}, hidden {hidden})"
    results = autograde.run_chapter(decls, {k: d["mistake"][0] for k, d in decls.items()}, code_of)
    for label, (public, hidden) in results.items():
        assert not all(public), f"{label}: the typical mistake passes every public test"
        assert not all(hidden), f"{label}: the typical mistake passes every hidden test"
