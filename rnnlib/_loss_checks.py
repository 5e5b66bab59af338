"""The input checks and the reduction shared by :mod:`rnnlib.losses` (private).

Kept apart so that ``losses.py`` reads as the losses and their gradients alone.
"""

import numpy as np

from ._checks import as_float_array, check_shape

REDUCTIONS = ("mean", "sum")


def _reduce(per_position, dlogits, reduction, mask=None):
    """Sum or average per-position losses; scale the gradient the same way.

    With a ``mask``, masked positions contribute 0 to the loss and get a gradient of exactly
    0, and the mean is taken over the ``mask.sum()`` unmasked positions.
    """
    n = per_position.size
    if mask is not None:
        per_position = np.where(mask, per_position, 0)
        dlogits = np.where(mask[..., None], dlogits, 0)
        n = int(mask.sum())
    loss = float(np.sum(per_position, dtype=np.float64))
    if reduction == "mean":
        return loss / n, dlogits / dlogits.dtype.type(n)
    return loss, dlogits


def _check_mask(mask, shape, reduction):
    """None, or ``mask`` as a boolean array of the positions' ``shape``."""
    if mask is None:
        return None
    arr = np.asarray(mask)
    if arr.dtype.kind not in "biu":
        raise TypeError(
            f"mask must be a boolean array (True where a position counts), got dtype "
            f"{arr.dtype}; a mask marks positions, it does not weight them"
        )
    check_shape("mask", arr, shape, hint="one entry per position, the shape of logits[..., 0]")
    if arr.dtype.kind != "b":
        bad = (arr != 0) & (arr != 1)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"mask must hold only 0 and 1 (or booleans), but {_at('mask', where)} = {arr[where]}"
            )
        arr = arr.astype(bool)
    if reduction == "mean" and not arr.any():
        raise ValueError(
            "mask has no True entry, so the mean over the unmasked positions is 0/0; "
            "unmask at least one position or use reduction='sum'"
        )
    return arr


def _at(name, index):
    """``name[i, j]`` for an index tuple (just ``name`` for the empty tuple)."""
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def _check_float(name, value):
    """Return ``value`` as a finite float32/float64 array (integers become float64)."""
    arr = np.asarray(value)
    dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64
    if arr.dtype.kind == "f" and arr.dtype != dtype:
        raise TypeError(f"{name} must be float32 or float64, got {arr.dtype}")
    return as_float_array(name, arr, ndim=arr.ndim, dtype=dtype)


def _like(name, value, other_name, other):
    """``value`` as a finite array of ``other``'s dtype and number of axes (ints are converted)."""
    arr = np.asarray(value)
    if arr.dtype.kind == "f" and arr.dtype != other.dtype:
        raise TypeError(
            f"{name} has dtype {arr.dtype} but {other_name} has dtype {other.dtype}; "
            f"convert one of them, e.g. {name}.astype(np.{other.dtype.name})"
        )
    return as_float_array(name, arr, ndim=other.ndim, dtype=other.dtype)


def _check_logits(logits, allow_empty=True):
    z = _check_float("logits", logits)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"logits must have at least one class along the last axis, got shape {z.shape}")
    if not allow_empty and z.size == 0:
        raise ValueError(f"logits has no positions (shape {z.shape}); the loss of nothing is undefined")
    return z


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _check_fraction(name, value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a float in [0, 1], got {type(value).__name__} {value!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return value
