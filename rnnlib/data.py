"""The data the book trains on: character vocabularies, batching, and three data sets.

Text
    :class:`Vocab` maps characters to integer ids; :func:`batchify` cuts one long id
    sequence into B contiguous streams and :func:`iterate_chunks` walks them in time,
    so a model can carry its hidden state from one chunk to the next (truncated BPTT).
    :func:`load_pride_and_prejudice` reads the novel from the copy that ships inside
    the package (no network), checked against its SHA-256.

Sequences
    :func:`make_adding_problem` draws the adding problem of Hochreiter & Schmidhuber
    (1997); :func:`load_goog` reads Google's daily prices, 2004-2008, from the sample
    data that ships with Matplotlib; :func:`make_windows` turns a series into
    (window, next value) pairs.

All sequence arrays are time-major, ``(T, B, ...)``, as everywhere in ``rnnlib``.
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

import numpy as np

from ._checks import as_rng, check_float_dtype, check_positive_int

# --------------------------------------------------------------------------------------
# Character vocabulary and batching
# --------------------------------------------------------------------------------------


class Vocab:
    """A character vocabulary: the distinct characters of a text, sorted by code point.

    Sorting makes the order (and so every id) depend only on the set of characters,
    never on where they first occur, so the same text always gives the same ids.

    Parameters
    ----------
    chars : str or iterable of str
        The characters; duplicates are ignored.  Use :meth:`from_text` to build the
        vocabulary of a text.

    Examples
    --------
    >>> v = Vocab.from_text("hello")
    >>> v.chars, len(v)
    ('ehlo', 4)
    >>> v.encode("hole").tolist()
    [2, 3, 1, 0]
    >>> v.decode([2, 3, 1, 0])
    'hole'
    """

    def __init__(self, chars):
        chars = list(chars)
        bad = [c for c in chars if not (isinstance(c, str) and len(c) == 1)]
        if bad:
            raise TypeError(f"chars must be single characters, got {bad[0]!r}")
        if not chars:
            raise ValueError("chars is empty: a vocabulary needs at least one character")
        self.chars = "".join(sorted(set(chars)))
        self._codes = np.array([ord(c) for c in self.chars], dtype=np.int64)  # (V,) sorted
        self._index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text):
        """The vocabulary of the distinct characters in ``text`` (a non-empty str)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return cls(text)

    def __len__(self):
        return len(self.chars)

    def __repr__(self):
        return f"Vocab({len(self)} chars: {self.chars[:40]!r}{'...' if len(self) > 40 else ''})"

    def __eq__(self, other):
        return isinstance(other, Vocab) and self.chars == other.chars

    def __hash__(self):
        return hash(self.chars)

    def encode(self, text):
        """Map a string to ids.

        Parameters
        ----------
        text : str

        Returns
        -------
        ids : ndarray of int64, shape (len(text),)

        Raises
        ------
        ValueError
            If ``text`` has a character that is not in the vocabulary (named in the message).
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        # Code points of the text, looked up by binary search in the sorted codes: fast
        # on a whole novel, where a Python loop over a dict would take a second.
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)  # (N,)
        ids = np.searchsorted(self._codes, codes)  # (N,)
        ids_clipped = np.minimum(ids, len(self) - 1)
        unknown = self._codes[ids_clipped] != codes
        if unknown.any():
            pos = int(np.argmax(unknown))
            raise ValueError(
                f"character {text[pos]!r} (U+{ord(text[pos]):04X}) at position {pos} of text "
                f"is not in the vocabulary of {len(self)} characters"
            )
        return ids.astype(np.int64)

    def decode(self, ids):
        """Map ids back to a string.

        Parameters
        ----------
        ids : array_like of int, shape (N,)
            Each in ``range(len(self))``.

        Returns
        -------
        text : str
        """
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {ids.shape}")
        if ids.size and ids.dtype.kind not in "iu":
            raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
        bad = (ids < 0) | (ids >= len(self))
        if bad.any():
            pos = int(np.argmax(bad))
            raise ValueError(
                f"ids[{pos}] = {int(ids[pos])} is out of range for a vocabulary of {len(self)} characters"
            )
        return "".join(self.chars[i] for i in ids.tolist())


def _check_ids(name, ids):
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of token ids, got shape {ids.shape}")
    if ids.size and ids.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer ids, got dtype {ids.dtype}")
    return ids.astype(np.int64, copy=False)


def batchify(ids, batch_size):
    """Cut one long sequence into ``batch_size`` contiguous streams, one per column.

    Stream b is ``ids[b*N : (b+1)*N]`` with ``N = len(ids) // batch_size``; the last
    ``len(ids) % batch_size`` ids are dropped.  Because each column is contiguous text,
    the hidden state at the end of one chunk of a column is the right initial state for
    the next chunk of the same column.

    Parameters
    ----------
    ids : array_like of int, shape (L,)
    batch_size : int
        B.

    Returns
    -------
    streams : ndarray of int64, shape (N, B)

    Raises
    ------
    ValueError
        If the streams would be shorter than 2 (no input/target pair).
    """
    ids = _check_ids("ids", ids)
    b = check_positive_int("batch_size", batch_size)
    n = len(ids) // b
    if n < 2:
        raise ValueError(
            f"ids has {len(ids)} tokens, too short for batch_size={b}: each stream needs at "
            f"least 2 tokens (one input and its target), so at least {2 * b} tokens"
        )
    return ids[: n * b].reshape(b, n).T.copy()  # (B, N) -> (N, B)


def iterate_chunks(streams, seq_len):
    """Walk the streams in time, yielding consecutive (input, target) chunks.

    The targets are the inputs shifted one step ahead.  Chunk k covers time steps
    ``[k*seq_len, (k+1)*seq_len)`` of the inputs, so the chunks follow each other
    without a gap or an overlap; the last chunk is shorter when ``seq_len`` does not
    divide ``N - 1``.

    Parameters
    ----------
    streams : ndarray of int, shape (N, B)
        From :func:`batchify`.
    seq_len : int
        T, the chunk length.

    Yields
    ------
    inputs : ndarray of int64, shape (T, B)
    targets : ndarray of int64, shape (T, B)
        ``targets[t] == inputs[t + 1]`` within a chunk, and the last target of a chunk is
        the first input of the next.
    """
    streams = np.asarray(streams)
    if streams.ndim != 2:
        raise ValueError(f"streams must be 2-D (N, B), got shape {streams.shape}; use batchify()")
    if streams.dtype.kind not in "iu":
        raise TypeError(f"streams must hold integer ids, got dtype {streams.dtype}")
    if streams.shape[0] < 2:
        raise ValueError(f"streams has {streams.shape[0]} time steps; at least 2 are needed")
    seq_len = check_positive_int("seq_len", seq_len)
    n_inputs = streams.shape[0] - 1
    for start in range(0, n_inputs, seq_len):
        stop = min(start + seq_len, n_inputs)
        yield streams[start:stop], streams[start + 1 : stop + 1]


# --------------------------------------------------------------------------------------
# Synthetic and numeric sequences
# --------------------------------------------------------------------------------------


def make_adding_problem(n, T, *, rng=None, dtype=np.float64):
    """The adding problem, in the variant of Le et al. (2015) and Arjovsky et al. (2016).

    Each sequence has two channels: a value drawn from U(0, 1) and a marker that is 1 at
    exactly two steps (one in the first half of the sequence, one in the second) and 0
    elsewhere.  The target is the plain sum of the two marked values.  Predicting the mean,
    1.0, gives a mean squared error of 1/6, the baseline a model must beat.  The target is
    read after step T, so the first marked value has to be kept for about 3T/4 steps on
    average (it sits at about T/4).

    The task itself is Hochreiter & Schmidhuber's (1997), whose version differs: values in
    [-1, 1], the first marker among the first ten steps, and the target
    0.5 + (X1 + X2) / 4.

    Parameters
    ----------
    n : int
        Number of sequences.
    T : int
        Sequence length, at least 2.
    rng : np.random.Generator or int or None
    dtype : float32 or float64

    Returns
    -------
    xs : ndarray, shape (T, n, 2)
        ``xs[..., 0]`` the values, ``xs[..., 1]`` the markers.
    ys : ndarray, shape (n, 1)
        The sums of the marked values.
    """
    n = check_positive_int("n", n)
    T = check_positive_int("T", T)
    if T < 2:
        raise ValueError(f"T must be at least 2 (two marked steps), got {T}")
    dt = check_float_dtype("dtype", dtype)
    rng = as_rng(rng)
    values = rng.uniform(0.0, 1.0, size=(T, n))  # (T, n)
    half = T // 2
    first = rng.integers(0, half, size=n)  # (n,) in [0, T/2)
    second = rng.integers(half, T, size=n)  # (n,) in [T/2, T)
    markers = np.zeros((T, n))
    cols = np.arange(n)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    xs = np.stack([values, markers], axis=-1).astype(dt)  # (T, n, 2)
    ys = (values[first, cols] + values[second, cols])[:, None].astype(dt)  # (n, 1)
    return xs, ys


class GoogPrices(NamedTuple):
    """Google's daily share prices, 2004-08-19 to 2008-10-14 (1047 trading days)."""

    dates: np.ndarray  # (N,) datetime64[D]
    open: np.ndarray  # (N,) float64, US dollars
    high: np.ndarray  # (N,)
    low: np.ndarray  # (N,)
    close: np.ndarray  # (N,)
    volume: np.ndarray  # (N,) int64, shares traded
    adj_close: np.ndarray  # (N,) close adjusted for splits and dividends


def load_goog():
    """Google's daily prices from the ``goog.npz`` sample file that ships with Matplotlib.

    No network is needed.  The file holds one structured array, ``price_data``, with
    the fields date, open, high, low, close, volume and adj_close; this function returns
    them as separate plain arrays, oldest day first.

    Returns
    -------
    prices : GoogPrices
        ``dates`` (N,) datetime64[D] and the columns ``open``, ``high``, ``low``,
        ``close``, ``adj_close`` (N,) float64 and ``volume`` (N,) int64, N = 1047.
    """
    try:
        from matplotlib import cbook
    except ImportError as err:  # pragma: no cover - matplotlib is a dependency of the book
        raise ImportError("load_goog() needs Matplotlib: pip install 'rnnlib[viz]'") from err
    with cbook.get_sample_data("goog.npz") as npz:
        data = npz["price_data"]  # structured array, shape (N,)
    order = np.argsort(data["date"], kind="stable")  # it is sorted already; make sure
    data = data[order]
    return GoogPrices(
        dates=data["date"].astype("datetime64[D]"),
        open=data["open"].astype(np.float64),
        high=data["high"].astype(np.float64),
        low=data["low"].astype(np.float64),
        close=data["close"].astype(np.float64),
        volume=data["volume"].astype(np.int64),
        adj_close=data["adj_close"].astype(np.float64),
    )


def make_windows(series, window, *, dtype=np.float64):
    """Turn a series into (window, next value) pairs for a many-to-one regressor.

    Example i is ``series[i : i + window]`` as input and ``series[i + window]`` as
    target, for ``i = 0 .. L - window - 1``.

    Parameters
    ----------
    series : array_like, shape (L,)
    window : int
        T, the length of each input window; at most L - 1.
    dtype : float32 or float64

    Returns
    -------
    xs : ndarray, shape (T, n, 1)
        Time-major windows, n = L - T.
    ys : ndarray, shape (n, 1)
    """
    dt = check_float_dtype("dtype", dtype)
    series = np.asarray(series)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {series.shape}")
    if series.dtype.kind not in "iuf":
        raise TypeError(f"series must be numeric, got dtype {series.dtype}")
    window = check_positive_int("window", window)
    if window >= len(series):
        raise ValueError(
            f"window={window} needs a series of at least {window + 1} values, got {len(series)}"
        )
    if not np.isfinite(series).all():
        raise ValueError("series must be finite")
    series = series.astype(dt)
    n = len(series) - window
    windows = np.lib.stride_tricks.sliding_window_view(series[:-1], window)  # (n, T)
    xs = np.ascontiguousarray(windows.T)[:, :, None]  # (T, n, 1)
    ys = series[window:].reshape(n, 1).copy()  # (n, 1)
    return xs, ys


# --------------------------------------------------------------------------------------
# Pride and Prejudice, shipped with the package
# --------------------------------------------------------------------------------------

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
    """The packaged, gzip-compressed text (a Traversable; tests replace this function)."""
    return resources.files("rnnlib") / "_datafiles" / NOVEL_FILE


def load_pride_and_prejudice():
    """Jane Austen's *Pride and Prejudice*, from the copy that ships inside ``rnnlib``.

    The package holds the public-domain text of Project Gutenberg eBook #1342 (the George
    Allen edition of 1894, without any Gutenberg header or licence), gzip-compressed;
    ``rnnlib/_datafiles/PROVENANCE.md`` says where it comes from.  Nothing is downloaded:
    this function reads only that file, so it gives the same text on every machine,
    offline or not.

    The file is checked before it is used: at most ``NOVEL_BYTES`` bytes are
    decompressed, and their SHA-256 must equal ``NOVEL_SHA256``.  What is returned is the
    novel proper: from "It is a truth universally acknowledged" to the last paragraph,
    with the edition's title pages, preface, list of illustrations, every
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
    """Write bytes to ``path`` via a temporary file in the same directory and a rename."""
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
