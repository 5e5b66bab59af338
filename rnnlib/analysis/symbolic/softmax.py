"""The softmax of K symbolic logits and its Jacobian, by SymPy (Chapter 4)."""

import sympy as sp


def softmax_symbolic(K, name="o"):
    """The softmax of K real symbolic logits, as a column vector.

    Parameters
    ----------
    K : int
        Number of classes, K >= 1.
    name : str
        Base name of the logit symbols: ``o_1 ... o_K``.

    Returns
    -------
    o : sympy.Matrix, shape (K, 1)
        The logits.
    s : sympy.Matrix, shape (K, 1)
        s_i = exp(o_i) / sum_k exp(o_k), written out (not simplified).
    """
    if not isinstance(K, int) or K < 1:
        raise ValueError(f"K must be an int >= 1, got {K!r}")
    o = sp.Matrix(sp.symbols(f"{name}_1:{K + 1}", real=True))
    z = sum(sp.exp(oi) for oi in o)
    s = sp.Matrix([sp.exp(oi) / z for oi in o])
    return o, s


def softmax_jacobian_symbolic(K, name="o"):
    """The K x K Jacobian J_ij = d s_i / d o_j of the softmax, by SymPy's ``jacobian``.

    Row i is the gradient of output s_i; column j is the derivative with respect to
    logit o_j.  Nothing is assumed about its form: compare it with ``diag(s) - s s^T``
    yourself.

    Returns
    -------
    J : sympy.Matrix, shape (K, K)
    o : sympy.Matrix, shape (K, 1)
    s : sympy.Matrix, shape (K, 1)
    """
    o, s = softmax_symbolic(K, name)
    return s.jacobian(o), o, s
