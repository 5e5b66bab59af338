"""Shared by the tests of the two editions: where the builds are, and skipping when absent.

The full book is _build/html (README command 1) and the student edition _build/student
(``python -m tools.student_edition``); the variables BOOK_HTML and STUDENT_BUILD point
elsewhere, as .ci/run does.  A test that needs a build it cannot find is skipped,
so ``python -m pytest`` passes on a checkout that built nothing; CI sets
``RNN_COURSE_EDITIONS=required`` after building both, and then a missing build fails.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# .ci/run builds elsewhere (so as to leave one's own _build alone) and says where.
FULL = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
STUDENT = Path(os.environ.get("STUDENT_BUILD", ROOT / "_build" / "student")).resolve()
CHAPTERS = sorted((ROOT / "book").glob("ch*.ipynb"))


def need(path):
    marker = path / "index.html" if path.name == "html" else path / "html" / "index.html"
    if marker.exists():
        return path
    if os.environ.get("RNN_COURSE_EDITIONS") == "required":
        pytest.fail(f"{marker} is missing (RNN_COURSE_EDITIONS=required)")
    pytest.skip(f"{marker} not built")
