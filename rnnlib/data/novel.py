"""*Pride and Prejudice*, read from the copy that ships inside the package.

:func:`load_pride_and_prejudice` reads the gzip-compressed text in
``rnnlib/_datafiles`` (no network), checks it against its SHA-256 and returns the novel
proper, with the offsets of its chapters.
"""

import gzip
import hashlib
import os
import re
import tempfile
import zlib
from importlib import resources
from pathlib import Path
from typing import NamedTuple


GUTENBERG_ID = 1342
TITLE = "Pride and Prejudice"
NOVEL_FILE = "pride-and-prejudice.txt.gz"  # in rnnlib/_datafiles, beside its PROVENANCE.md
NOVEL_BYTES = 737_944  # the uncompressed file, UTF-8
NOVEL_SHA256 = "86dab871eec9c0cef97f4cb6313f86c6cc48f6f7809534e65cd3f1c1d486d247"
NOVEL_CHAPTERS = 61
_NOVEL_SOURCE = f"Project Gutenberg eBook #{GUTENBERG_ID}, as shipped with rnnlib"


class Corpus(NamedTuple):
    """A text, what it is, and where its chapters start."""

    text: str
    title: str  # "Pride and Prejudice"
    source: str  # where the text comes from
    chapters: tuple  # character offsets into ``text`` at which each chapter starts


class ChecksumError(ValueError):
    """A file's SHA-256 does not match the checksum it should have."""


def _novel_resource():
    """The packaged, gzip-compressed text (a Traversable; the tests replace it)."""
    return resources.files("rnnlib") / "_datafiles" / NOVEL_FILE


def load_pride_and_prejudice():
    """Jane Austen's *Pride and Prejudice*, from the copy that ships inside ``rnnlib``.

    The package holds the public-domain text of Project Gutenberg eBook #1342 (the
    George Allen edition of 1894, without any Gutenberg header or licence),
    gzip-compressed; ``rnnlib/_datafiles/PROVENANCE.md`` says where it comes from.
    Nothing is downloaded: this function reads only that file, so it gives the same text
    on every machine, offline or not.

    The file is checked before it is used: at most ``NOVEL_BYTES`` bytes are
    decompressed, and their SHA-256 must equal ``NOVEL_SHA256``.  What is returned is
    the novel proper: from "It is a truth universally acknowledged" to the last
    paragraph, with the edition's title pages, preface, list of illustrations, every
    ``[Illustration: ...]`` marker and the printer's colophon removed, trailing spaces
    stripped and runs of blank lines collapsed to one.  The chapter headings
    (``CHAPTER II.`` and so on) stay; the first chapter's heading was part of an
    illustration, so the text starts with the novel's first sentence.

    Returns
    -------
    corpus : Corpus
        ``text`` (about 688,000 characters, ending in a newline), ``title``, ``source``,
        and ``chapters``: the 61 offsets into ``text`` at which chapters I to LXI start
        (``chapters[0] == 0``; the others point at their ``CHAPTER`` heading).

    Raises
    ------
    FileNotFoundError
        The packaged file is missing (an installation without the package data).
    ChecksumError
        The packaged file is not the text it should be.
    """
    resource = _novel_resource()
    try:
        with resource.open("rb") as handle, gzip.GzipFile(fileobj=handle, mode="rb") as gz:
            raw = gz.read(NOVEL_BYTES + 1)  # never more than one byte too many
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"the text of {TITLE} is missing from the rnnlib package ({resource}); "
            f"reinstall rnnlib with its package data"
        ) from err
    except (OSError, EOFError, zlib.error) as err:
        raise ChecksumError(f"{resource} is not a readable gzip file: {err}") from err
    digest = hashlib.sha256(raw[:NOVEL_BYTES]).hexdigest()
    if len(raw) != NOVEL_BYTES or digest != NOVEL_SHA256:
        size = f"more than {NOVEL_BYTES:,}" if len(raw) > NOVEL_BYTES else f"{len(raw):,}"
        raise ChecksumError(
            f"{resource} is not the expected text of {TITLE}: it holds {size} bytes with "
            f"SHA-256 {digest}, expected {NOVEL_BYTES:,} bytes with SHA-256 {NOVEL_SHA256}"
        )
    text = _novel_proper(raw.decode("utf-8"))
    return Corpus(text, TITLE, _NOVEL_SOURCE, _chapter_starts(text))


_FIRST_WORDS = "It is a truth universally acknowledged"
_THE_END = re.compile(r"\[Illustration:\s*THE\s+END\s*\]")
_CHAPTER_HEADING = re.compile(r"^CHAPTER [IVXL]+\.?$", flags=re.MULTILINE | re.IGNORECASE)


def _novel_proper(text):
    """The novel without front matter, illustration markers and colophon (see above)."""
    start = text.find(_FIRST_WORDS)
    ends = list(_THE_END.finditer(text))
    if start < 0 or not ends:
        raise ValueError(f"the packaged text lacks the first sentence or the end of {TITLE}")
    body = text[start : ends[-1].start()]
    pieces, i = [], 0
    while (j := body.find("[Illustration", i)) >= 0:  # markers can hold [nested] brackets
        pieces.append(body[i:j])
        depth, k = 0, j
        while True:
            if k == len(body):
                raise ValueError(f"an [Illustration marker at offset {j} is never closed")
            depth += {"[": 1, "]": -1}.get(body[k], 0)
            if depth == 0:
                break
            k += 1
        i = k + 1
    pieces.append(body[i:])
    lines = [line.rstrip() for line in "".join(pieces).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _chapter_starts(text):
    starts = (0, *(m.start() for m in _CHAPTER_HEADING.finditer(text)))
    if len(starts) != NOVEL_CHAPTERS:
        raise ValueError(f"found {len(starts)} chapters in {TITLE}, expected {NOVEL_CHAPTERS}")
    return starts


def _atomic_write(path, data):
    """Write bytes to ``path`` through a temporary file beside it and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
