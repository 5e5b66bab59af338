"""What the optimisers and the clipping functions share: walking nested dicts of
arrays, and checking hyperparameters."""

import math

import numpy as np

from .._checks import check_finite


def _leaves(tree, name, prefix=""):
    """List ``(path, array)`` for every array in a nested dict, in insertion order."""
    if not isinstance(tree, dict):
        raise TypeError(f"{name} must be a dict of arrays (possibly nested), got {type(tree).__name__}")
    out = []
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_leaves(value, name, prefix=path + "/"))
        else:
            out.append((path, value))
    return out


def _map(fn, tree):
    """A new dict of the same structure with ``fn(array)`` at every leaf."""
    return {k: _map(fn, v) if isinstance(v, dict) else fn(v) for k, v in tree.items()}


def _float_leaves(tree, name):
    """Like :func:`_leaves`, with every leaf checked to be a finite float array."""
    out = []
    for path, value in _leaves(tree, name):
        arr = np.asarray(value)
        if arr.dtype.kind != "f":
            raise TypeError(f"{name}['{path}'] must be a float array, got dtype {arr.dtype}")
        check_finite(f"{name}['{path}']", arr)
        out.append((path, arr))
    return out


# --- validation ------------------------------------------------------------------------


def _check_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _check_positive(name, value):
    value = _check_number(name, value)
    if value <= 0.0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def _check_unit_interval(name, value):
    value = _check_number(name, value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must lie in [0, 1), got {value}")
    return value
