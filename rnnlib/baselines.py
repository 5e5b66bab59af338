"""The baselines a trained model has to beat, and the scores they are compared with.

Text
    :func:`unigram_cross_entropy` fits character frequencies on a training text and scores
    a held-out text with them: the loss of a model that ignores all context.  On its own
    training text (and without smoothing) it is the entropy of the frequencies,
    :func:`rnnlib.metrics.unigram_entropy`.

Series
    The two naive forecasts of a series of returns r_1, r_2, ...: :func:`zero_forecast`
    predicts r_t = 0 (no change), :func:`last_value_forecast` predicts r_t = r_{t-1}
    ("tomorrow is like today").  Both read only the series, so they are computed
    independently of any windows built for a model.  :func:`mse` and
    :func:`directional_accuracy` score any forecast.

All scores are Python floats, in float64.
"""

import numpy as np

from ._checks import check_ids, check_positive_int


def unigram_cross_entropy(train_ids, eval_ids, vocab_size, *, alpha=1.0):
    """Cross-entropy, in nats per symbol, of training-text frequencies on another text.

    The unigram model predicts symbol k with probability::

        q_k = (n_k + alpha) / (N + alpha * V)

    where n_k counts symbol k in the N training ids (add-``alpha`` smoothing, so that a
    symbol missing from the training text does not get probability 0 and an infinite
    loss).  The result is ``-mean over eval_ids of log q``.

    Parameters
    ----------
    train_ids : array_like of int, shape (N,)
        Ids in [0, V) the frequencies are counted on.
    eval_ids : array_like of int, shape (M,)
        Ids in [0, V) that are scored.
    vocab_size : int
        V.
    alpha : float
        >= 0.  With 0, a symbol of ``eval_ids`` that never occurs in ``train_ids`` raises.

    Returns
    -------
    loss : float
        Nats per symbol of ``eval_ids``.

    Examples
    --------
    >>> round(unigram_cross_entropy([0, 0, 1, 1], [0, 1], 2, alpha=0.0), 6)  # ln 2
    0.693147
    """
    v = check_positive_int("vocab_size", vocab_size)
    train = _ids_1d("train_ids", train_ids, v)
    test = _ids_1d("eval_ids", eval_ids, v)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) or not alpha >= 0:
        raise ValueError(f"alpha must be a number >= 0, got {alpha!r}")
    counts = np.bincount(train, minlength=v).astype(np.float64)  # (V,)
    q = (counts + alpha) / (counts.sum() + alpha * v)  # (V,)
    q_test = q[test]  # (M,)
    if not (q_test > 0).all():
        k = int(test[np.argmax(q_test <= 0)])
        raise ValueError(
            f"symbol {k} occurs in eval_ids but never in train_ids, so with alpha=0 its "
            f"probability is 0 and the loss is infinite; use alpha > 0"
        )
    return float(-np.mean(np.log(q_test)))


def zero_forecast(series, start):
    """Predict 0 for every value ``series[start:]``: "no change", for a series of returns.

    Parameters
    ----------
    series : array_like, shape (L,)
    start : int
        The first index predicted, 1 <= start < L.

    Returns
    -------
    pred : ndarray of float64, shape (L - start,)
    """
    series, start = _series_and_start(series, start)
    return np.zeros(len(series) - start)


def last_value_forecast(series, start):
    """Predict each value ``series[t]``, t >= start, by the one before it, ``series[t - 1]``.

    Parameters
    ----------
    series : array_like, shape (L,)
    start : int
        The first index predicted, 1 <= start < L.

    Returns
    -------
    pred : ndarray of float64, shape (L - start,)
        ``series[start - 1 : L - 1]``.
    """
    series, start = _series_and_start(series, start)
    return series[start - 1 : -1].copy()


def mse(pred, target):
    """Mean squared error ``mean((pred - target)**2)`` of two arrays of the same shape."""
    pred, target = _pair(pred, target)
    return float(np.mean((pred - target) ** 2))


def directional_accuracy(pred, target):
    """The fraction of positions where the forecast gets the direction right.

    A forecast says "up" where ``pred > 0`` and "not up" elsewhere (so the zero forecast
    always says "not up"); it is right where ``target > 0`` agrees.

    Parameters
    ----------
    pred, target : array_like, the same shape, non-empty

    Returns
    -------
    accuracy : float
        In [0, 1].
    """
    pred, target = _pair(pred, target)
    return float(np.mean((pred > 0) == (target > 0)))


def _ids_1d(name, ids, v):
    arr = check_ids(name, ids, v, what="symbols")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of ids, got shape {arr.shape}")
    return arr.astype(np.int64, copy=False)


def _series_and_start(series, start):
    s = np.asarray(series)
    if s.ndim != 1 or s.dtype.kind not in "iuf":
        raise ValueError(f"series must be a 1-D numeric array, got shape {s.shape} and dtype {s.dtype}")
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or not 1 <= start < len(s):
        raise ValueError(f"start must be an int with 1 <= start < len(series) = {len(s)}, got {start!r}")
    return s.astype(np.float64), int(start)


def _pair(pred, target):
    p = np.asarray(pred, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64)
    if p.shape != t.shape:
        raise ValueError(f"pred has shape {p.shape} but target has shape {t.shape}; they must match")
    if p.size == 0:
        raise ValueError("pred and target are empty: there is nothing to score")
    if not (np.isfinite(p).all() and np.isfinite(t).all()):
        raise ValueError("pred and target must be finite")
    return p, t
