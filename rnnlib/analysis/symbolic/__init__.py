"""SymPy helpers the chapters share: unrolled scalar RNNs, the recursive identity, the
softmax, activation derivatives and a scalar LSTM step.

Everything here returns SymPy expressions, so a chapter can display them as math and
compare them with ``sympy.simplify(lhs - rhs) == 0`` or by substituting numbers.  One
module per topic:

``unrolled.py``
    Scalar RNNs unrolled for T steps, with or without an output and a loss
    (Chapters 1 and 3).
``identity.py``
    The recursive identity: the loop, its closed form, and the inductive step
    (Chapter 2).
``softmax.py``
    The softmax of K logits and its Jacobian (Chapter 4).
``derivatives.py``
    f'(z) in SymPy's form, and the maximum of an activation's derivative
    (Chapters 3 and 5).
``scalar_lstm.py``
    One step of an LSTM with one unit (Chapter 6).
"""

from .derivatives import DerivativeMaximum, derivative_at, derivative_maximum
from .identity import (
    inductive_step_residual,
    peel_last,
    recursion_by_loop,
    recursion_closed_form,
    recursion_closed_form_sum,
)
from .scalar_lstm import ScalarLSTMStep, logistic, scalar_lstm_step
from .softmax import softmax_jacobian_symbolic, softmax_symbolic
from .unrolled import scalar_rnn_symbols, unroll_scalar_rnn, unroll_scalar_rnn_with_output

__all__ = [
    "scalar_rnn_symbols",
    "unroll_scalar_rnn",
    "unroll_scalar_rnn_with_output",
    "recursion_by_loop",
    "recursion_closed_form",
    "recursion_closed_form_sum",
    "peel_last",
    "inductive_step_residual",
    "softmax_symbolic",
    "softmax_jacobian_symbolic",
    "derivative_at",
    "DerivativeMaximum",
    "derivative_maximum",
    "ScalarLSTMStep",
    "logistic",
    "scalar_lstm_step",
]
