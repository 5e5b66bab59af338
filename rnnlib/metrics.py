"""What a cross-entropy means: nats, bits, perplexity and the unigram baseline.

A language model's loss is an average of -log q(next symbol) in *nats* (natural log).
The same number in other units:

    bits per symbol = nats / ln 2
    perplexity      = exp(nats)          (= 2 ** bits)

A model that ignores its input entirely can do no better than the *unigram* model, which
predicts every symbol with its frequency in the text; its loss on that text is the Shannon
entropy of the frequencies, -sum_k f_k ln f_k, at most ln V for V distinct symbols (reached
when all V are equally common).  Chapter 7 uses it as the bar a recurrent model must clear.

All functions return NumPy floats (or arrays, for array input) in float64.
"""

import math
from collections import Counter

import numpy as np

LN2 = math.log(2.0)


def nats_to_bits(nats):
    """Convert a loss (or entropy) from nats to bits: divide by ln 2.

    Parameters
    ----------
    nats : float or ndarray, any shape

    Returns
    -------
    bits : float or ndarray, same shape
    """
    return np.asarray(nats, dtype=np.float64) / LN2


def bits_to_nats(bits):
    """Convert from bits to nats: multiply by ln 2 (the inverse of :func:`nats_to_bits`)."""
    return np.asarray(bits, dtype=np.float64) * LN2


def perplexity(nats):
    """Perplexity exp(loss) of a mean cross-entropy given in nats.

    A model with perplexity P is, on average, as uncertain as a uniform choice among P
    symbols: the uniform predictor over V symbols has loss ln V and perplexity V.

    Parameters
    ----------
    nats : float or ndarray, any shape
        Mean cross-entropy per symbol, in nats (not summed over the sequence).

    Returns
    -------
    ppl : float or ndarray, same shape
        inf where ``nats`` exceeds about 709.78, beyond which exp overflows float64.
    """
    return np.exp(np.asarray(nats, dtype=np.float64))


def entropy(probs, axis=-1):
    """Shannon entropy -sum_k p_k ln p_k, in nats, with 0 ln 0 taken as 0.

    Parameters
    ----------
    probs : ndarray, shape (..., K)
        Probabilities along ``axis``, each >= 0 and summing to 1 (to within 1e-6).
    axis : int
        The axis that holds the K probabilities.

    Returns
    -------
    H : float or ndarray, shape (...)

    Raises
    ------
    ValueError
        If a probability is negative or non-finite, or a distribution does not sum to 1.
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim == 0:
        raise ValueError("probs must have at least one axis holding the K probabilities, got a scalar")
    if not np.isfinite(p).all() or (p < 0).any():
        raise ValueError("probs must be finite and >= 0")
    total = p.sum(axis=axis)
    if not np.allclose(total, 1.0, rtol=0.0, atol=1e-6):
        worst = float(np.max(np.abs(total - 1.0)))
        raise ValueError(f"probs must sum to 1 along axis {axis}; the worst sum is off by {worst:.3g}")
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)  # 0 ln 0 = 0, without warnings
    return -plogp.sum(axis=axis)


def unigram_entropy(ids=None, *, counts=None):
    """Entropy, in nats, of the symbol frequencies of a text: the unigram model's loss on it.

    Give exactly one of ``ids`` and ``counts``.

    Parameters
    ----------
    ids : str, or array-like of ints of any shape
        The text itself: a string (each character is a symbol) or integer symbol ids
        (for example a ``(T, B)`` batch; every entry counts once).
    counts : array-like of shape (V,), keyword only
        How often each symbol occurs (non-negative; zeros are allowed and ignored).

    Returns
    -------
    H : float
        -sum_k f_k ln f_k with f_k = counts_k / sum(counts).  0 for a one-symbol text,
        and at most ln V where V is the number of symbols that occur.

    Examples
    --------
    >>> float(unigram_entropy("abab"))  # two symbols, equally often: ln 2
    0.6931471805599453
    >>> float(unigram_entropy(counts=[2, 2, 0]))
    0.6931471805599453
    """
    if (ids is None) == (counts is None):
        raise ValueError("give exactly one of ids and counts")
    if ids is not None:
        counts = symbol_counts(ids)
    c = np.asarray(counts)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D array of shape (V,), got shape {c.shape}")
    if c.dtype.kind not in "iuf" or not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("counts must be finite non-negative numbers")
    total = c.sum(dtype=np.float64)
    if total <= 0:
        raise ValueError("counts must not all be zero: an empty text has no unigram entropy")
    return entropy(c.astype(np.float64) / total)


def symbol_counts(ids):
    """How often each distinct symbol occurs, as a 1-D int64 array (order: sorted symbols).

    Parameters
    ----------
    ids : str, or array-like of ints of any shape

    Returns
    -------
    counts : ndarray of int64, shape (V_seen,)
        One entry per distinct symbol that occurs (symbols that never occur are absent).
    """
    if isinstance(ids, str):
        if not ids:
            raise ValueError("ids is an empty string: an empty text has no symbol counts")
        return np.array([n for _, n in sorted(Counter(ids).items())], dtype=np.int64)
    arr = np.asarray(ids)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"ids must be a str or an array of integer ids, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"ids is empty (shape {arr.shape}): an empty text has no symbol counts")
    _, counts = np.unique(arr.ravel(), return_counts=True)
    return counts.astype(np.int64)
