"""The data the book trains on: character vocabularies, batching, and three data sets.

Text
    :class:`Vocab` maps characters to integer ids; :func:`batchify` cuts one long id
    sequence into B contiguous streams and :func:`iterate_chunks` walks them in time,
    so a model can carry its hidden state from one chunk to the next (truncated BPTT).
    :func:`load_pride_and_prejudice` downloads and caches the novel, with an offline
    fallback text that ships with Python.

Sequences
    :func:`make_adding_problem` draws the adding problem of Hochreiter & Schmidhuber
    (1997); :func:`load_goog` reads Google's daily prices, 2004-2008, from the sample
    data that ships with Matplotlib; :func:`make_windows` turns a series into
    (window, next value) pairs.

All sequence arrays are time-major, ``(T, B, ...)``, as everywhere in ``rnnlib``.
"""

import hashlib
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
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
# Pride and Prejudice, with an offline fallback
# --------------------------------------------------------------------------------------

GUTENBERG_ID = 1342
GUTENBERG_URL = "https://www.gutenberg.org/cache/epub/1342/pg1342.txt"
TITLE = "Pride and Prejudice"
MIN_BOOK_CHARS = 500_000  # the novel is about 700k characters; anything shorter is wrong


class Corpus(NamedTuple):
    """A text and where it came from."""

    text: str
    title: str  # "Pride and Prejudice", or the fallback's title
    source: str  # the URL or cache file it came from, or why the fallback was used
    is_fallback: bool  # True when ``text`` is NOT the novel


class ChecksumError(ValueError):
    """A file's SHA-256 does not match the checksum it should have."""


def default_cache_dir():
    """``$RNNLIB_CACHE`` if set, else ``~/.cache/rnnlib``."""
    env = os.environ.get("RNNLIB_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "rnnlib"


def load_pride_and_prejudice(
    *, offline=False, cache_dir=None, timeout=30, sha256=None, url=GUTENBERG_URL
):
    """Jane Austen's *Pride and Prejudice* (Project Gutenberg #1342), cached on disk.

    What happens, in order:

    1. ``offline=True`` or the environment variable ``RNNLIB_OFFLINE=1``: return the
       fallback text (below) without touching the network or the cache, so that a
       notebook run offline gives the same result on every machine.
    2. A cached copy exists (``pg1342.txt`` in the cache directory): check it (below)
       and return it.
    3. Otherwise download ``url`` with ``urllib`` and ``timeout`` seconds, check it, and
       write it to the cache atomically (a temporary file renamed into place, so an
       interrupted run never leaves half a file behind).  If the download fails because
       the network cannot be reached, return the fallback text; ``source`` says why.

    The Gutenberg licence header and footer are removed: the text returned is what lies
    between the ``*** START OF`` and ``*** END OF`` marker lines.

    Checksums, honestly
        This library was written where Project Gutenberg could not be reached, so it
        does not pin the SHA-256 of the file (Gutenberg also re-issues its files from
        time to time, which would break a pinned value).  Three checks stand in:

        * **Pinned checksum, if you give one.**  Pass ``sha256="..."`` and a download,
          or a cached copy, whose SHA-256 differs raises :class:`ChecksumError`.
        * **Corruption of the cache.**  At download time the SHA-256 of the file is
          written beside it (``pg1342.txt.sha256``); every later load recomputes it and
          raises :class:`ChecksumError` if the file has changed since.  A cached file
          without its checksum file is treated as not cached and downloaded again.
        * **Content.**  The file must contain the title *Pride and Prejudice*, both
          Gutenberg markers, and at least ``MIN_BOOK_CHARS`` characters between them,
          else :class:`ValueError`: a proxy's error page or a truncated file is caught.

        So: without ``sha256`` you are protected from corruption and from the wrong
        kind of file, not from a deliberately altered copy of the book.

    The fallback
        When the novel cannot be had, the text is the English help text that ships with
        Python (``pydoc_data.topics``, the text of ``help("if")`` and friends): all
        topics in sorted order, with heading underlines dropped and runs of blank lines
        collapsed, about 450k characters of English prose and code.  It is the same on
        every run of a given Python version (it changes between Python releases).
        ``is_fallback`` is True and ``title`` names it.

    Parameters
    ----------
    offline : bool
        Never use the network; return the fallback.
    cache_dir : str or Path or None
        Where to keep the download; None means :func:`default_cache_dir`.
    timeout : float
        Seconds before a download attempt gives up.
    sha256 : str or None
        Expected SHA-256 (hex) of the downloaded file, if you know it.
    url : str
        Where to download from (tests use a ``file://`` URL).

    Returns
    -------
    corpus : Corpus
        ``text``, ``title``, ``source`` and ``is_fallback``.

    Raises
    ------
    ChecksumError
        The file does not match ``sha256``, or the cache no longer matches the checksum
        recorded when it was downloaded.
    ValueError
        The file does not look like the novel.
    """
    if offline or os.environ.get("RNNLIB_OFFLINE", "") not in ("", "0"):
        why = "offline=True" if offline else "RNNLIB_OFFLINE is set"
        return _fallback_corpus(why)
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if sha256 is not None:
        sha256 = _check_hex_digest(sha256)
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    path = cache / f"pg{GUTENBERG_ID}.txt"
    record = path.with_name(path.name + ".sha256")

    if path.exists() and record.exists():
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        recorded = record.read_text(encoding="ascii").split()[0] if record.stat().st_size else ""
        if digest != recorded:
            raise ChecksumError(
                f"the cached file {path} is corrupt: its SHA-256 is {digest} but {recorded!r} was "
                f"recorded when it was downloaded; delete it to download it again"
            )
        if sha256 is not None and digest != sha256:
            raise ChecksumError(
                f"the cached file {path} has SHA-256 {digest}, not the expected {sha256}; "
                f"delete it to download it again"
            )
        return Corpus(_strip_gutenberg(_decode(raw), str(path)), TITLE, str(path), False)

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            raw = response.read()
    except (urllib.error.URLError, OSError) as err:  # no network, DNS failure, timeout
        return _fallback_corpus(f"download of {url} failed ({type(err).__name__}: {err})")
    digest = hashlib.sha256(raw).hexdigest()
    if sha256 is not None and digest != sha256:
        raise ChecksumError(
            f"the file downloaded from {url} has SHA-256 {digest}, not the expected {sha256}"
        )
    text = _strip_gutenberg(_decode(raw), url)  # check the content before caching it
    _atomic_write(path, raw)
    _atomic_write(record, f"{digest}  {path.name}\n".encode("ascii"))
    return Corpus(text, TITLE, url, False)


def _check_hex_digest(sha256):
    if not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha256)):
        raise ValueError(f"sha256 must be 64 hexadecimal digits, got {sha256!r}")
    return sha256.lower()


def _decode(raw):
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def _strip_gutenberg(text, where):
    """The text between the ``*** START OF`` and ``*** END OF`` lines, checked."""
    start = re.search(r"^\*\*\* ?START OF.*$", text, flags=re.MULTILINE)
    end = re.search(r"^\*\*\* ?END OF.*$", text, flags=re.MULTILINE)
    if start is None or end is None or end.start() < start.end():
        raise ValueError(
            f"{where} does not look like a Project Gutenberg text: the '*** START OF' and "
            f"'*** END OF' marker lines are missing or out of order"
        )
    if TITLE.lower() not in text[: start.end()].lower():
        raise ValueError(f"{where} is not {TITLE}: the title is not in its header")
    body = text[start.end() : end.start()].strip()
    if len(body) < MIN_BOOK_CHARS:
        raise ValueError(
            f"{where} holds only {len(body)} characters between the Gutenberg markers; "
            f"{TITLE} has about 700k (at least {MIN_BOOK_CHARS} expected): truncated download?"
        )
    return body + "\n"


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


_UNDERLINE = re.compile(r"^\s*([*=\-~^#])\1{2,}\s*$")  # reST heading underlines: *****, ====


def fallback_text():
    """The offline fallback corpus: Python's English help topics, deterministic.

    Returns
    -------
    text : str
        All of ``pydoc_data.topics.topics`` in sorted key order, tabs expanded, trailing
        spaces and heading underlines removed, runs of blank lines collapsed to one.
    """
    from pydoc_data.topics import topics

    parts = []
    for key in sorted(topics):
        lines = [line.rstrip() for line in topics[key].expandtabs(4).splitlines()]
        lines = [line for line in lines if not _UNDERLINE.match(line)]
        parts.append(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())
    return "\n\n".join(parts) + "\n"


def _fallback_corpus(why):
    version = ".".join(map(str, sys.version_info[:3]))
    return Corpus(
        text=fallback_text(),
        title=f"Python {version} help topics (pydoc_data.topics)",
        source=f"offline fallback, because {why}",
        is_fallback=True,
    )
