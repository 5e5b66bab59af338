"""The recursive identity of Chapter 2, evaluated two ways, and the Jacobians it uses.

The identity: if a_0 = 0 and a_k = b_k + c_k a_{k-1} for k = 1 ... t, then

    a_t = b_t + sum_{i=1}^{t-1} (prod_{j=i+1}^{t} c_j) b_i.

:func:`by_recursion` runs the recurrence (t - 1 multiplications); :func:`by_closed_form`
evaluates the sum as written, recomputing every product (t (t - 1) / 2 multiplications).
Both count their multiplications as they go, so the book can check the counts it
derives.

Indexing: the book counts time from 1, Python from 0, so ``b[k]`` holds b_{k+1} and
``c[k]`` holds c_{k+1}.  ``c[0]`` (c_1) is accepted but never used: it multiplies
a_0 = 0.

For a vector state, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), the c_k become
the Jacobians J_k = dh_k/dh_{k-1} = diag(1 - h_k^2) W_hh (:func:`state_jacobians`), and
a product of them is dh_t/dh_i (:func:`jacobian_product`).

The timing helpers that measure the two evaluations' cost, ``median_seconds`` and
``loglog_slope``, are in :mod:`rnnlib.analysis.timing`.
"""

from typing import NamedTuple

import numpy as np

from .._checks import check_finite, check_real


class Evaluation(NamedTuple):
    """The value a_t and how many multiplications it took to compute it."""

    value: float
    multiplications: int


def by_recursion(b, c):
    """a_t from a_0 = 0 and a_k = b_k + c_k a_{k-1}, iterated k = 1 ... t.

    Parameters
    ----------
    b, c : array_like, shape (t,)
        ``b[k]`` is b_{k+1} and ``c[k]`` is c_{k+1}.

    Returns
    -------
    Evaluation
        a_t and the number of multiplications, t - 1.
    """
    b, c = _check_coefficients(b, c)
    a = b[0]  # a_1 = b_1 + c_1 a_0 = b_1: a_0 = 0, so no multiplication
    multiplications = 0
    for k in range(1, len(b)):  # times 2 ... t
        a = b[k] + c[k] * a
        multiplications += 1
    return Evaluation(a, multiplications)


def by_closed_form(b, c):
    """a_t = b_t + sum_{i=1}^{t-1} (prod_{j=i+1}^{t} c_j) b_i, every product recomputed.

    Parameters
    ----------
    b, c : array_like, shape (t,)
        ``b[k]`` is b_{k+1} and ``c[k]`` is c_{k+1}.

    Returns
    -------
    Evaluation
        a_t and the number of multiplications, t (t - 1) / 2.
    """
    b, c = _check_coefficients(b, c)
    t = len(b)
    total = b[t - 1]  # the i = t term: an empty product times b_t
    multiplications = 0
    for i in range(t - 1):  # times 1 ... t-1
        term = b[i]
        for j in range(i + 1, t):  # multiply in c_{i+2} ... c_t, one factor at a time
            term = term * c[j]
            multiplications += 1
        total = total + term
    return Evaluation(total, multiplications)


def state_jacobians(hs, weight_hh):
    """J_k = dh_k/dh_{k-1} = diag(1 - h_k^2) W_hh for a tanh RNN, for every step k.

    This is the *immediate* partial: x_k and the parameters are held fixed.

    Parameters
    ----------
    hs : ndarray, shape (T, H)
        h_1 ... h_T of one sequence (``rnn.forward(...)[0][:, b]`` for batch entry b).
    weight_hh : ndarray, shape (H, H)

    Returns
    -------
    jacobians : ndarray, shape (T, H, H)
        ``jacobians[k]`` is J_{k+1}.
    """
    hs = np.asarray(hs)
    weight_hh = np.asarray(weight_hh)
    if hs.ndim != 2 or weight_hh.shape != (hs.shape[1], hs.shape[1]):
        raise ValueError(
            f"hs must have shape (T, H) and weight_hh (H, H), "
            f"got {hs.shape} and {weight_hh.shape}"
        )
    # (T, H, H): row p of W_hh scaled by tanh'(a_k)_p = 1 - h_{k,p}^2
    return (1.0 - hs * hs)[:, :, None] * weight_hh[None, :, :]


def jacobian_product(jacobians, i, t):
    """dh_t/dh_i = J_t J_{t-1} ... J_{i+1}, the later Jacobian on the left.

    Parameters
    ----------
    jacobians : ndarray, shape (T, H, H)
        As returned by :func:`state_jacobians` (``jacobians[k]`` is J_{k+1}).
    i, t : int
        Times with 0 <= i <= t <= T; i == t gives the identity.

    Returns
    -------
    ndarray, shape (H, H)
    """
    n_steps, size = jacobians.shape[0], jacobians.shape[1]
    if not 0 <= i <= t <= n_steps:
        raise ValueError(f"need 0 <= i <= t <= T = {n_steps}, got i = {i}, t = {t}")
    product = np.eye(size, dtype=jacobians.dtype)
    # J_{i+1} first, each later one multiplied on the left
    for k in range(i + 1, t + 1):
        product = jacobians[k - 1] @ product
    return product


def numerical_jacobian(f, x, eps=1e-6):
    """Central-difference Jacobian of a vector function of a vector.

    Column n is (f(x + eps e_n) - f(x - eps e_n)) / (2 eps), each output raveled.

    Parameters
    ----------
    f : callable
        Maps an array of the shape of ``x`` to an array; neither is modified.
    x : ndarray, shape (N,)
    eps : float

    Returns
    -------
    ndarray, shape (M, N)
        M = f(x).size.
    """
    eps = check_real("eps", eps, low=0.0, low_open=True)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    check_finite("x", x)
    if np.any(x + eps == x):
        k = int(np.argmax(x + eps == x))
        raise ValueError(f"eps = {eps:g} is too small to change x[{k}] = {x[k]} in float64")
    columns = []
    for n in range(x.size):
        step = np.zeros_like(x)
        step[n] = eps
        with np.errstate(over="ignore", invalid="ignore"):  # inf - inf: reported just below
            columns.append((np.ravel(f(x + step)) - np.ravel(f(x - step))) / (2.0 * eps))
        if not np.all(np.isfinite(columns[-1])):
            raise ValueError(
                f"column {n} of the Jacobian is not finite: f overflowed or gave NaN at "
                f"x[{n}] +- eps (eps = {eps:g}); try a smaller eps"
            )
    return np.stack(columns, axis=1)


def _check_coefficients(b, c):
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"b must be a non-empty 1-D array of b_1 ... b_t, got shape {b.shape}")
    if c.shape != b.shape:
        raise ValueError(f"c has shape {c.shape} but b has shape {b.shape}; give one c_k per b_k")
    check_finite("b", b)
    check_finite("c", c)
    return b.tolist(), c.tolist()  # Python floats: the loops below then cost what they count
