"""Gradient clipping and four optimisers behind one interface.

``params`` and ``grads`` are dictionaries of arrays with the same structure; they may be
nested, e.g. ``{"cell": {"weight_ih": ...}, "out": {"weight": ..., "bias": ...}}``.
Keys in messages are written as paths, ``cell/weight_ih``.

Every optimiser is built as ``Opt(params, lr, ...)`` and updated with
``opt.step(grads)``, which changes the arrays of ``params`` *in place* (so a model
holding the same dict sees the new values) and keeps their dtype.  Its state
(velocities, moment estimates) lives on the optimiser, one entry per parameter array.
In the equations below, g is a parameter's gradient, lr the learning rate, and every
operation is elementwise.

``clipping.py`` holds :func:`global_norm`, :func:`clip_grad_norm` and
:func:`clip_grad_value`; ``optimizers.py`` the optimisers; ``_common.py`` what both
share.
"""

from ._common import _leaves  # noqa: F401  (used by rnnlib.models.training)
from .clipping import clip_grad_norm, clip_grad_value, global_norm
from .optimizers import SGD, Adagrad, Adam, Momentum, Optimizer

__all__ = [
    "global_norm",
    "clip_grad_norm",
    "clip_grad_value",
    "Optimizer",
    "SGD",
    "Momentum",
    "Adagrad",
    "Adam",
]
