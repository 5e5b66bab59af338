"""The leak test: no solution text anywhere in the student edition, all of it in the full book.

Fragments (tools/solutions.py): every line of at least 30 characters of solution code and of
what that code prints, and every run of 7 words of solution prose; those the chapters' body
also contains are set aside (a seeded ``rng = ...`` line is no leak).  Every file of a build
is searched (tools/leaks.py): pages, searchindex.js, _sources, notebooks, the library.
"""

import json
import re

from editions import CHAPTERS, FULL, ROOT, STUDENT, need
from tools import leaks, solutions


def fragments():
    return solutions.solution_fragments(CHAPTERS, leaks.book_pages(ROOT / "book"))


def count(frags):
    return len(frags["code"]) + len(frags["output"]), len(frags["prose"])


def test_there_is_something_to_find():
    n_code, n_prose = count(fragments())
    assert n_code >= 200 and n_prose >= 500, (n_code, n_prose)


def test_positive_control_the_full_book_contains_every_fragment_in_its_pages():
    """In the rendered pages alone (no _sources, no notebooks): this shows that the search
    sees through HTML markup, so its 0 on the student edition means something."""
    frags = fragments()
    corpus = leaks.Corpus(need(FULL))
    corpus.files = [f for f in corpus.files if f[0].endswith(".html") and "_sources" not in f[0]]
    code = corpus.find_code([f for _, _, f in frags["code"] + frags["output"]])
    prose = corpus.find_prose([f for _, _, f in frags["prose"]])
    n_code, n_prose = count(frags)
    print(f"full book: {len(code)} of {n_code} code/output lines, {len(prose)} of {n_prose} prose runs")
    assert (len(code), len(prose)) == (n_code, n_prose)


def test_the_student_edition_contains_no_fragment_in_any_file():
    frags = fragments()
    code, prose = leaks.search(need(STUDENT), frags)
    n_code, n_prose = count(frags)
    print(f"student edition: {len(code)} of {n_code} code/output lines, {len(prose)} of {n_prose} prose runs")
    assert not code and not prose, {**code, **prose}


def _search_terms(path):
    text = path.read_text(encoding="utf-8")
    index = json.loads(text[text.find("(") + 1 : text.rfind(")")])
    return set(index["terms"]) | set(index.get("titleterms", {}))


def test_searchindex_has_no_word_found_only_in_solutions():
    """searchindex.js holds stemmed words, not sentences: the fragments above cannot be in it
    as such.  So: the words that occur in solutions and nowhere else in the book (nor in
    rnnlib) must be terms of the full book's index and of no student index."""
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish({}).stem
    word = re.compile(r"[A-Za-z][a-z]{3,}")
    sol_text, body = [], [solutions.body_text(CHAPTERS, leaks.book_pages(ROOT / "book"))]
    body += [p.read_text(encoding="utf-8") for p in (ROOT / "rnnlib").rglob("*.py")]
    body += [(ROOT / "book" / "references.bib").read_text(encoding="utf-8")]
    for path in CHAPTERS:
        for sol in solutions.solutions(solutions.load(path)):
            sol_text += [solutions.prose_of(sol.markdown), *sol.code, *sol.outputs]
    body_stems = {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", "\n".join(body))}
    only = {stem(w.lower()) for w in word.findall("\n".join(sol_text))} - body_stems
    full = _search_terms(need(FULL) / "searchindex.js")
    candidates = only & full
    student = _search_terms(need(STUDENT) / "html" / "searchindex.js")
    print(f"{len(candidates)} words only in solutions; in the student index: {sorted(candidates & student)}")
    assert len(candidates) >= 20
    assert not candidates & student
