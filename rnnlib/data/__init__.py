"""The data the book trains on: character vocabularies, batching, and three data sets.

Text (``text.py``, ``novel.py``)
    :class:`Vocab` maps characters to integer ids; :func:`batchify` cuts one long id
    sequence into B contiguous streams and :func:`iterate_chunks` walks them in time,
    so a model can carry its hidden state from one chunk to the next (truncated BPTT).
    :func:`load_pride_and_prejudice` reads the novel from the copy that ships inside
    the package (no network), checked against its SHA-256.

Sequences (``sequences.py``)
    :func:`make_adding_problem` draws the adding problem of Hochreiter & Schmidhuber
    (1997); :func:`load_goog` reads Google's daily prices, 2004-2008, from the sample
    data that ships with Matplotlib; :func:`make_windows` turns a series into
    (window, next value) pairs.

All sequence arrays are time-major, ``(T, B, ...)``, as everywhere in ``rnnlib``.
"""

from .novel import (
    GUTENBERG_ID,
    NOVEL_BYTES,
    NOVEL_CHAPTERS,
    NOVEL_FILE,
    NOVEL_SHA256,
    TITLE,
    ChecksumError,
    Corpus,
    load_pride_and_prejudice,
)
from .sequences import GoogPrices, load_goog, make_adding_problem, make_windows
from .text import Vocab, batchify, iterate_chunks

__all__ = [
    "Vocab",
    "batchify",
    "iterate_chunks",
    "make_adding_problem",
    "GoogPrices",
    "load_goog",
    "make_windows",
    "GUTENBERG_ID",
    "TITLE",
    "NOVEL_FILE",
    "NOVEL_BYTES",
    "NOVEL_SHA256",
    "NOVEL_CHAPTERS",
    "Corpus",
    "ChecksumError",
    "load_pride_and_prejudice",
]
