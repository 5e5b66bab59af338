"""The global norm of a set of gradients, and clipping by norm or by value."""

import math

import numpy as np

from ._common import _check_positive, _float_leaves, _map

_FLOAT64_MAX = float(np.finfo(np.float64).max)


def global_norm(grads):
    """The L2 norm of all gradients together, as if concatenated into one vector.

    ``sqrt(sum over arrays of sum(g**2))``, computed in float64 and scaled by the
    largest entry first, so huge gradients give a huge norm rather than ``inf``; a norm
    beyond the float64 range is returned as the largest float64 (about 1.8e308).

    Parameters
    ----------
    grads : dict
        Arrays, possibly in nested dicts.

    Returns
    -------
    norm : float
    """
    scale, root = _norm_parts(grads)
    # A norm beyond the float64 range is reported as the largest float64, never inf.
    return min(scale * root, _FLOAT64_MAX)


def _norm_parts(grads):
    """``(scale, root)`` with the global norm = scale * root, both finite."""
    arrays = [a.astype(np.float64, copy=False) for _, a in _float_leaves(grads, "grads")]
    scale = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    if scale == 0.0:
        return 0.0, 0.0
    return scale, math.sqrt(sum(float(np.sum((a / scale) ** 2)) for a in arrays))


def clip_grad_norm(grads, max_norm):
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    ``g <- g * min(1, max_norm / ||g||)`` with ||g|| the :func:`global_norm` (Pascanu,
    Mikolov & Bengio, 2013).  One factor for every array keeps the direction of the full
    gradient vector; the factor is at most 1, so the norm never grows.

    Parameters
    ----------
    grads : dict
        Arrays, possibly in nested dicts.  Not modified.
    max_norm : float
        The largest norm allowed, > 0.

    Returns
    -------
    clipped : dict
        New arrays, same structure, shapes and dtypes as ``grads``.
    norm : float
        The global norm *before* clipping (worth logging: it shows when clipping acts).
    """
    max_norm = _check_positive("max_norm", max_norm)
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0.0 else 1.0
    if norm == _FLOAT64_MAX:  # beyond float64: divide by the norm's two parts in turn
        peak, root = _norm_parts(grads)
        scale = max_norm / peak / root
    return _map(lambda g: np.asarray(g) * np.asarray(g).dtype.type(scale), grads), norm


def clip_grad_value(grads, clip_value):
    """Clip every gradient entry to [-clip_value, clip_value].

    Unlike :func:`clip_grad_norm` this changes the direction of the gradient.

    Parameters
    ----------
    grads : dict
        Arrays, possibly in nested dicts.  Not modified.
    clip_value : float
        > 0.

    Returns
    -------
    clipped : dict
        New arrays, same structure, shapes and dtypes as ``grads``.
    """
    c = _check_positive("clip_value", clip_value)
    _float_leaves(grads, "grads")
    return _map(lambda g: np.clip(g, -c, c).astype(np.asarray(g).dtype, copy=False), grads)
