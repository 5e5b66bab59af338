"""What the models and their training loops share: the cells by name, and the guard
against divergence.

:func:`get_cell` turns ``"rnn"``, ``"lstm"`` or ``"gru"`` into the cell module;
:func:`final_state` reads the state after the last step of a cell's ``forward``.
:class:`TrainingDiverged` is what a training loop raises at the first step whose loss,
gradients or updated parameters are not finite.
"""

import importlib
import types

import numpy as np

CELLS = ("rnn", "lstm", "gru")


def get_cell(cell):
    """Return the cell module for a name (``"rnn"``, ``"lstm"``, ``"gru"``) or a module.

    A cell module has ``init_params``, ``step_forward``, ``step_backward``, ``forward``
    and ``backward`` with the contract of :mod:`rnnlib.rnn`.
    """
    if isinstance(cell, str):
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS} or a cell module, got {cell!r}")
        return importlib.import_module(f"rnnlib.{cell}")
    required = ("init_params", "step_forward", "step_backward", "forward", "backward")
    if not isinstance(cell, types.ModuleType) or not all(hasattr(cell, f) for f in required):
        raise TypeError(
            f"cell must be one of {CELLS} or a module with {', '.join(required)}, got {cell!r}"
        )
    return cell


def final_state(cell, hs, cache):
    """The state after the last step of ``cell.forward``: ``hs[-1]``, or ``(h_T, c_T)``.

    Parameters
    ----------
    cell : module
    hs : ndarray, shape (T, B, H)
    cache : the cache from ``cell.forward``

    Returns
    -------
    state : ndarray, shape (B, H), or a tuple of them for a cell whose state is a tuple
        (the LSTM's ``(h, c)``; such a cell module provides ``final_state(cache)``).
    """
    if hasattr(cell, "final_state"):
        return cell.final_state(cache)
    return hs[-1]


class TrainingDiverged(FloatingPointError):
    """Training met NaN or inf; ``step`` is the (1-based) step where it happened.

    ``history`` is the :class:`History` of the ``step - 1`` steps that went well (None
    when the exception is raised outside a training loop).  The model's parameters (and
    the optimiser's state) are left as they were *before* step ``step``: the last finite
    ones, never the overflowed result of the failed update.
    """

    def __init__(self, step, what, history=None):
        self.step = step
        self.what = what
        self.history = history
        super().__init__(
            f"training diverged at step {step}: {what}"
            + ("" if history is None else "; the parameters are those before this step, the history so far is err.history")
        )


def _check_finite_or_diverged(what, arr):
    """Raise ``FloatingPointError`` (which the training loops turn into
    :class:`TrainingDiverged`) if an intermediate result overflowed."""
    if not np.isfinite(arr).all():
        raise FloatingPointError(f"the {what} are not finite (NaN or inf): the parameters have blown up")


def _check_params_or_diverged(what, params):
    """Raise ``FloatingPointError`` if the parameters hold NaN or inf (an O(P) check)."""
    bad = _nonfinite_leaf(params)
    if bad is not None:
        raise FloatingPointError(
            f"the {what} are not finite (NaN or inf): the parameters have blown up ({bad} holds NaN or inf)"
        )


def _nonfinite_leaf(tree, prefix=""):
    """The path of the first array with NaN or inf in a nested dict, or None."""
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found = _nonfinite_leaf(value, path + "/")
            if found is not None:
                return found
        elif not np.isfinite(value).all():
            return path
    return None
