"""Softmax, log-softmax and the losses the book trains with, each with its gradient.

Every loss returns ``(loss, d<input>)``: the scalar loss as a Python float and the gradient
of that scalar with respect to the input, with the input's shape and dtype.  Classes lie
along the *last* axis, so logits of shape (T, B, V) from a sequence model go in as they
are; "positions" are all the leading indices (here T*B of them).

Math, for one position with logits z (V,), p = softmax(z) and a target distribution q::

    log p_v = z_v - logsumexp(z)
    L       = -sum_v q_v log p_v
    dL/dz   = p - q                  (because sum_v q_v = 1)

With an integer target y, q is the one-hot vector e_y and L = -log p_y.

Padded batches: the two cross-entropies take ``mask``, a boolean array with the shape of
the positions ((T, B) for logits (T, B, V)), True where a position is real and False where
it is padding.  Masked positions add nothing to the loss, their gradient is exactly zero,
and ``reduction="mean"`` divides by the number of real positions, ``mask.sum()``, so a
padded batch gives the loss of its real positions alone.
"""

import numpy as np

from ._checks import check_ids, check_shape
from ._loss_checks import (  # noqa: F401 (REDUCTIONS is part of this module's API)
    REDUCTIONS,
    _at,
    _check_float,
    _check_fraction,
    _check_logits,
    _check_mask,
    _check_reduction,
    _like,
    _reduce,
)


# --- softmax and friends ---------------------------------------------------------------


def logsumexp(logits):
    """log(sum(exp(logits))) along the last axis, without overflow.

    Computed as ``m + log(sum(exp(logits - m)))`` with m the row maximum, so the largest
    exponent is exp(0) = 1 and nothing overflows, even for logits of size 1e4.

    Parameters
    ----------
    logits : ndarray, shape (..., V)

    Returns
    -------
    lse : ndarray, shape (...)
    """
    z = _check_logits(logits)
    m = z.max(axis=-1, keepdims=True)  # (..., 1)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


def log_softmax(logits):
    """log softmax(logits) along the last axis: ``logits - logsumexp(logits)``, stably.

    Parameters
    ----------
    logits : ndarray, shape (..., V)

    Returns
    -------
    log_p : ndarray, shape (..., V)
        Log-probabilities; every value is <= 0 and ``exp(log_p)`` sums to 1 on each row.
    """
    z = _check_logits(logits)
    shifted = z - z.max(axis=-1, keepdims=True)  # (..., V), the largest entry is 0
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits):
    """softmax(logits) along the last axis, ``exp(z - max z) / sum(exp(z - max z))``.

    Subtracting the row maximum changes nothing mathematically (it cancels between
    numerator and denominator) and keeps every exponent <= 0, so nothing overflows.

    Parameters
    ----------
    logits : ndarray, shape (..., V)

    Returns
    -------
    p : ndarray, shape (..., V)
        Probabilities: each row is non-negative and sums to 1.
    """
    z = _check_logits(logits)
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # (..., V), entries in (0, 1]
    return e / e.sum(axis=-1, keepdims=True)


# --- cross-entropy ---------------------------------------------------------------------


def softmax_cross_entropy(logits, targets, reduction="mean", label_smoothing=0.0, mask=None):
    """Cross-entropy of softmax(logits) against integer class targets, and its gradient.

    For each position with logits z (V,), target class y and smoothing eps, the target
    distribution is ``q = (1 - eps) * onehot(y) + eps / V`` (as
    ``torch.nn.functional.cross_entropy(..., label_smoothing=eps)``) and::

        loss    = -sum_v q_v log softmax(z)_v
        dlogits = softmax(z) - q

    With eps = 0 this is ``-log softmax(z)_y``.

    Parameters
    ----------
    logits : ndarray, shape (..., V)
        Unnormalised scores, float32 or float64.
    targets : ndarray of int, shape (...)
        Class indices in [0, V), one per position.  At masked positions any integer (a
        padding id such as -1) is accepted and ignored.
    reduction : {"mean", "sum"}
        "mean" averages over all positions (the product of the leading dimensions), or over
        the unmasked ones if ``mask`` is given; "sum" adds them up.  The gradient is scaled
        the same way.
    label_smoothing : float
        eps in [0, 1].
    mask : ndarray of bool, shape (...), or None
        True for the positions that count, False for padding (shape (T, B) for logits
        (T, B, V)).  Integers 0 and 1 are accepted too.  None means every position counts.

    Returns
    -------
    loss : float
    dlogits : ndarray, shape (..., V)
        dloss/dlogits, with the dtype of ``logits``.

    Raises
    ------
    ValueError
        If a target is outside [0, V), shapes disagree, logits are not finite, or
        ``reduction`` / ``label_smoothing`` / ``mask`` is invalid.
    """
    z = _check_logits(logits, allow_empty=False)
    v = z.shape[-1]
    mask = _check_mask(mask, z.shape[:-1], reduction)
    targets = np.asarray(targets)
    if mask is not None and targets.dtype.kind in "iu" and targets.shape == mask.shape:
        targets = np.where(mask, targets, 0)  # a padding id is never used as an index
    targets = check_ids("targets", targets, v, what="classes")
    check_shape("targets", targets, z.shape[:-1], hint=f"one class index per row of logits {z.shape}")
    _check_reduction(reduction)
    eps = _check_fraction("label_smoothing", label_smoothing)

    log_p = log_softmax(z)  # (..., V)
    log_p_target = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]  # (...)
    per_position = -(1.0 - eps) * log_p_target  # (...)
    if eps > 0.0:
        per_position = per_position - (eps / v) * log_p.sum(axis=-1)

    q = np.full(z.shape, eps / v, dtype=z.dtype)  # (..., V), the target distribution
    np.put_along_axis(q, targets[..., None], 1.0 - eps + eps / v, axis=-1)
    dlogits = np.exp(log_p) - q  # (..., V), p - q
    return _reduce(per_position, dlogits, reduction, mask)


def cross_entropy_soft(logits, target_probs, reduction="mean", mask=None):
    """Cross-entropy of softmax(logits) against target distributions, and its gradient.

    For each position, ``loss = -sum_v q_v log softmax(z)_v`` and ``dlogits = softmax(z) - q``
    where q is that position's row of ``target_probs``.

    Parameters
    ----------
    logits : ndarray, shape (..., V)
    target_probs : ndarray, shape (..., V)
        Each row a probability distribution: non-negative, summing to 1 (within 1e-6 in
        float64, 1e-4 in float32).  Same dtype as ``logits``.
    reduction : {"mean", "sum"}
        As in :func:`softmax_cross_entropy`.
    mask : ndarray of bool, shape (...), or None
        As in :func:`softmax_cross_entropy`; rows of ``target_probs`` at masked positions
        are not checked and not used.

    Returns
    -------
    loss : float
    dlogits : ndarray, shape (..., V)
        With the dtype of ``logits``.
    """
    z = _check_logits(logits, allow_empty=False)
    mask = _check_mask(mask, z.shape[:-1], reduction)
    q = _like("target_probs", target_probs, "logits", z)
    check_shape("target_probs", q, z.shape, hint="the shape of logits")
    _check_reduction(reduction)
    if mask is not None:  # padding rows may hold anything finite; use a uniform row there
        q = np.where(mask[..., None], q, z.dtype.type(1 / z.shape[-1]))
    if (q < 0).any():
        where = tuple(int(i) for i in np.argwhere(q < 0)[0])
        raise ValueError(f"target_probs must be non-negative, but {_at('target_probs', where)} = {q[where]}")
    sums = q.sum(axis=-1)  # (...)
    tol = 1e-6 if z.dtype == np.float64 else 1e-4
    bad = np.abs(sums - 1.0) > tol
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"each row of target_probs must sum to 1 (within {tol:g}), but "
            f"{_at('target_probs', where + (':',))} sums to {float(sums[where]):.6g}"
        )

    log_p = log_softmax(z)  # (..., V)
    per_position = -(q * log_p).sum(axis=-1)  # (...)
    dlogits = np.exp(log_p) * sums[..., None] - q  # (..., V), p * sum(q) - q = p - q
    return _reduce(per_position, dlogits, reduction, mask)


# --- regression ------------------------------------------------------------------------


def squared_error(pred, target, reduction="sum"):
    """Squared error with the 1/2 convention, and its gradient.

    ``loss = sum 1/2 (pred - target)^2`` over every element, so that the gradient is
    simply ``dpred = pred - target`` (no factor 2).  With ``reduction="mean"`` both are
    divided by the number of elements.

    Parameters
    ----------
    pred : ndarray, any shape
        float32 or float64.
    target : ndarray, shape of ``pred``
        Same dtype as ``pred`` (integers are converted).
    reduction : {"sum", "mean"}

    Returns
    -------
    loss : float
    dpred : ndarray, shape of ``pred``
        With the dtype of ``pred``.
    """
    pred = _check_float("pred", pred)
    target = _like("target", target, "pred", pred)
    check_shape("target", target, pred.shape, hint="the shape of pred")
    _check_reduction(reduction)
    if pred.size == 0:
        raise ValueError(f"pred is empty (shape {pred.shape}); there is nothing to compare")
    diff = pred - target  # same shape as pred
    loss = 0.5 * float(np.sum(diff.astype(np.float64) ** 2))
    if reduction == "mean":
        return loss / diff.size, diff / diff.dtype.type(diff.size)
    return loss, diff
