"""Textbook formulas that break in floating point, kept only to show *why* they break.

Nothing else in ``rnnlib`` uses this module: :mod:`rnnlib.losses` has the stable
versions.  Chapter 4 runs these side by side with the stable ones.

* :func:`naive_softmax` evaluates exp(o) / sum exp(o) as written.  exp overflows float64
  for arguments above about 709.78, so logits near 1000 give inf / inf = nan.
* :func:`log_of_softmax` takes the log *after* the softmax.  A probability below about
  1e-308 (a logit gap above about 745 nats) has already underflowed to 0, and
  log 0 = -inf.

Both call NumPy exactly as written and so emit NumPy's ``RuntimeWarning`` on the inputs
that break them; wrap a demonstration in ``np.errstate(all="ignore")`` to silence it.
"""

import numpy as np


def naive_softmax(logits):
    """exp(o) / sum_k exp(o_k) over the last axis, with no shift: overflows for large o.

    Parameters
    ----------
    logits : ndarray, shape (..., K)

    Returns
    -------
    probs : ndarray, shape (..., K)
        Correct for moderate logits; nan (or 0) where exp overflows (or underflows).
    """
    e = np.exp(np.asarray(logits))  # (..., K); inf once a logit exceeds ~709.78 in float64
    return e / e.sum(axis=-1, keepdims=True)


def log_of_softmax(logits):
    """log(softmax(o)): a *stable* softmax, then a log: -inf where one underflows.

    The softmax itself is computed with the max subtracted, so it never overflows; the
    damage is done by taking the log of a probability that has rounded to zero.

    Parameters
    ----------
    logits : ndarray, shape (..., K)

    Returns
    -------
    logp : ndarray, shape (..., K)
    """
    o = np.asarray(logits)
    e = np.exp(o - o.max(axis=-1, keepdims=True))  # (..., K), in (0, 1] or exactly 0
    return np.log(e / e.sum(axis=-1, keepdims=True))
