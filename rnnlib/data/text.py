"""Character vocabularies and batching for truncated BPTT.

:class:`Vocab` maps characters to integer ids; :func:`batchify` cuts one long id
sequence into B contiguous streams and :func:`iterate_chunks` walks them in time, so a
model can carry its hidden state from one chunk to the next (truncated BPTT).
"""

import numpy as np

from .._checks import check_positive_int


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
            If ``text`` has a character that is not in the vocabulary (named in the
            message).
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
        ``targets[t] == inputs[t + 1]`` within a chunk, and the last target of a chunk
        is the first input of the next.
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
