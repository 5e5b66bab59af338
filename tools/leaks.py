"""Search a built edition for solution text.

Every text file under a directory (HTML pages, ``searchindex.js``, the ``_sources``
downloads, notebooks, scripts, styles...) is read in three views: as written, with HTML tags
removed and entities decoded, and with the JSON strings of ``.ipynb``/``.json``/
``searchindex.js`` decoded.  A code fragment (a line of solution code) is found when it occurs
in a view with whitespace collapsed; a prose fragment (a run of words of solution prose) when
its words occur consecutively in a view's word sequence, whatever markup lies between them.

    python -m tools.leaks _build/student          # the student edition: expect 0
    python -m tools.leaks _build/html             # the full book: expect every fragment
"""

import argparse
import html
import json
import re
import sys
from pathlib import Path

from tools import solutions

BINARY = {
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".mo",
    ".zip", ".gz", ".pdf", ".pickle", ".doctree", ".pyc", ".db",
}
_TAG = re.compile(r"<[^>]*>")


def _json_strings(obj, out):
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.append(k)
            _json_strings(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _json_strings(v, out)


def views(path, text):
    """The ways a file can hold a piece of text: raw, de-tagged, JSON-decoded."""
    out = [text]
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm", ".xml", ".svg"} or "<" in text:
        out.append(html.unescape(_TAG.sub(" ", text)))
        out.append(html.unescape(_TAG.sub("", text)))
    if suffix in {".ipynb", ".json", ".js"}:
        body = text
        if suffix == ".js":
            start, end = text.find("("), text.rfind(")")
            body = text[start + 1 : end] if 0 <= start < end else ""
        try:
            strings = []
            _json_strings(json.loads(body), strings)
            out.append("\n".join(strings))
            # Markdown cells and HTML outputs inside a notebook, de-tagged as well.
            joined = "\n".join(strings)
            out.append(html.unescape(_TAG.sub(" ", joined)))
        except ValueError:
            pass
    return out


class Corpus:
    """The normalised text of every text file under ``root``."""

    def __init__(self, root):
        self.root = Path(root)
        self.files = []  # (relative path, [collapsed views], [word lists])
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            if path.suffix.lower() in BINARY:
                continue
            raw = path.read_bytes()
            if b"\0" in raw[:4096]:
                continue
            text = raw.decode("utf-8", errors="ignore")
            vs = views(path, text)
            self.files.append(
                (
                    str(path.relative_to(self.root)),
                    [solutions.normalise(v) for v in vs],
                    [[w.lower() for w in solutions.WORD.findall(v)] for v in vs],
                )
            )

    def find_code(self, lines):
        """{line: [files]} for the lines found."""
        hits = {}
        for name, texts, _ in self.files:
            for line in lines:
                if any(line in t for t in texts):
                    hits.setdefault(line, []).append(name)
        return hits

    def find_prose(self, runs, n=solutions.MIN_WORDS):
        """{run: [files]} for the runs of ``n`` words found."""
        wanted = set(runs)
        first = {r.split(" ", 1)[0] for r in wanted}
        hits = {}
        for name, _, wordlists in self.files:
            found = set()
            for words in wordlists:
                for i in range(len(words) - n + 1):
                    if words[i] in first:
                        run = " ".join(words[i : i + n])
                        if run in wanted:
                            found.add(run)
            for run in found:
                hits.setdefault(run, []).append(name)
        return hits


def book_pages(book):
    """The Markdown pages a student edition keeps (the instructor guide is not one)."""
    return sorted(p for p in Path(book).glob("*.md") if p.name != "instructors.md")


def search(root, fragments):
    """(code hits, prose hits) of ``fragments`` (from solutions.solution_fragments) in root."""
    corpus = Corpus(root)
    lines = fragments["code"] + fragments["output"] + fragments.get("declaration", [])
    code = corpus.find_code([f for _, _, f in lines])
    prose = corpus.find_prose([f for _, _, f in fragments["prose"]])
    return code, prose


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", help="a directory to search, e.g. _build/student")
    parser.add_argument("--book", default="book", help="the instructor notebooks (book/)")
    parser.add_argument("--expect", choices=["none", "all"], default="none")
    args = parser.parse_args(argv)
    notebooks = sorted(Path(args.book).glob("ch*.ipynb"))
    fragments = solutions.solution_fragments(notebooks, book_pages(args.book))
    code, prose = search(args.build, fragments)
    n_code, n_prose = len(fragments["code"]) + len(fragments["output"]), len(fragments["prose"])
    if args.expect == "none":  # the declaration cells' lines are looked for in a student build
        n_code += len(fragments["declaration"])
    print(
        f"{args.build}: {len(code)} of {n_code} lines of solution code and output and "
        f"{len(prose)} of {n_prose} runs of {solutions.MIN_WORDS} words of solution prose found"
        f" ({len(fragments['shared'])} more fragments are also in the chapters' body text,"
        " so they are not searched)"
    )
    for kind, hits in (("code", code), ("prose", prose)):
        for frag, files in list(hits.items())[:20] if args.expect == "none" else []:
            print(f"  {kind}: {frag!r} in {', '.join(files[:3])}")
    if args.expect == "none":
        return 1 if code or prose else 0
    missing = [f for _, _, f in fragments["code"] + fragments["output"] if f not in code]
    missing += [f for _, _, f in fragments["prose"] if f not in prose]
    for frag in missing[:20]:
        print(f"  not found: {frag!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
