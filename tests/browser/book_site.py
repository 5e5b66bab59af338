"""Where the browser test finds the built book (shared by conftest.py and test_pages.py)."""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
HTML = pathlib.Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
SHOTS = pathlib.Path(os.environ.get("BOOK_SCREENSHOTS", HTML.parent / "browser")).resolve()
