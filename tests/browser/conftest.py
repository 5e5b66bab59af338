"""Fixtures for the browser test: the built book, served from 127.0.0.1, and Debian's Chromium.

The test is not part of the default ``python -m pytest`` run (``norecursedirs`` in
pyproject.toml keeps pytest out of this folder); run it on a built book with

    python -m pytest -p no:cacheprovider -o addopts="" tests/browser

Environment:

- ``BOOK_HTML``: the built HTML to test (default ``_build/html``);
- ``BOOK_SCREENSHOTS``: where the screenshots go (default ``<BOOK_HTML>/../browser``);
- ``CHROMIUM``: the browser binary (default ``/usr/bin/chromium``);
- ``BROWSER_TEST_REQUIRED=1``: a missing book, browser or Playwright is an error rather than
  a skip (``.ci/run`` sets it).
"""

import functools
import http.server
import os
import threading

import pytest
from book_site import HTML, SHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("BROWSER_TEST_REQUIRED") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _unavailable(reason):
    if REQUIRED:
        pytest.fail(f"browser test required but {reason}", pytrace=False)
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site():
    """(base URL, root folder) of the built book, served over HTTP on a free local port."""
    if not (HTML / "index.html").is_file():
        _unavailable(f"no built book at {HTML} (run jupyter-book build . first)")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", HTML
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
