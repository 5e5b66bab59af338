"""Finite-difference gradient checks: the reference every backward pass is tested against.

The pattern, for a function with array output ``out = f()`` reading arrays from the
enclosing scope::

    dout = rng.standard_normal(out.shape)          # a random "upstream gradient" R
    errors = check_vjp(f, {"x": x, "weight": w}, {"x": dx, "weight": dw}, dout)
    assert_gradients_close(errors)                 # every relative error < 1e-7

Checking the scalar ``sum(f() * R)`` for a random R tests the whole Jacobian at once, in
the form a backward pass computes: the vector-Jacobian product R^T J.

Centred differences ``(f(x + eps) - f(x - eps)) / (2 eps)`` have truncation error
O(eps^2) and rounding error O(u / eps) with u the unit round-off, smallest near
eps = u^(1/3): about 1e-5 to 1e-6 in float64 (u = 1.1e-16), where the relative error of a
correct gradient is typically 1e-10 or below.  In float32 (u = 6e-8) the best is about 1e-3,
which cannot tell a correct gradient from a slightly wrong one; so these functions refuse
float32 unless ``eps`` is given explicitly, as a sign that the caller knows.
"""

import numpy as np

DEFAULT_EPS = 1e-6
DEFAULT_TOL = 1e-7


def rel_error(a, b):
    """Norm-wise relative error ``||a - b|| / max(||a|| + ||b||, tiny)``.

    The norms are Frobenius norms over all elements, computed in float64.  Norm-wise rather
    than elementwise: a gradient entry that is zero in one array and 1e-12 in the other is
    an elementwise relative error of 1 (or a division by zero) yet a perfectly good match;
    measured against the size of the whole gradient it counts for what it is.  ``tiny``
    (the smallest normal float64) makes two zero arrays agree with error 0.

    Parameters
    ----------
    a, b : ndarray, the same shape

    Returns
    -------
    error : float
        In [0, 1]; 0 means equal, 1 means e.g. ``b = -a`` or one of them zero.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs arrays of one shape, got {a.shape} and {b.shape}")
    denom = max(float(np.linalg.norm(a)) + float(np.linalg.norm(b)), np.finfo(np.float64).tiny)
    return float(np.linalg.norm(a - b)) / denom


def numerical_gradient(f, x, eps=None):
    """The gradient of a scalar function by centred differences, one entry at a time.

    Each entry ``x[i]`` is set to ``x[i] + eps`` and to ``x[i] - eps`` *in place*, f is called
    at both, and the entry is then restored to its exact original value (also when f raises).

    Parameters
    ----------
    f : callable
        ``f()`` takes no arguments, reads ``x`` and returns a scalar.
    x : ndarray
        Float array, perturbed in place.
    eps : float or None
        The step; None means 1e-6 and requires float64 ``x``.

    Returns
    -------
    grad : ndarray, shape and dtype of ``x``
        ``df/dx``.
    """
    eps = _check_x_and_eps("x", x, eps)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i].copy()
        try:
            x[i] = old + eps
            step_up = float(x[i])  # the value actually stored (it is rounded in float32)
            f_up = _scalar(f())
            x[i] = old - eps
            step_down = float(x[i])
            f_down = _scalar(f())
        finally:
            x[i] = old
        if step_up == step_down:
            raise ValueError(f"eps = {eps:g} is too small to change x{list(i)} = {float(old)} in {x.dtype}")
        grad[i] = (f_up - f_down) / (step_up - step_down)
        if not np.isfinite(grad[i]):
            raise ValueError(
                f"the difference quotient at x{list(i)} is {float(grad[i])}: f() gave {f_up} at "
                f"x + eps and {f_down} at x - eps (eps = {eps:g}); try a smaller eps"
            )
    return grad


def numerical_vjp(f, x, dout, eps=None):
    """The gradient with respect to ``x`` of ``sum(f() * dout)``: a vector-Jacobian product.

    Parameters
    ----------
    f : callable
        ``f()`` takes no arguments, reads ``x`` and returns an array shaped like ``dout``.
    x : ndarray
        Float array, perturbed in place and restored.
    dout : ndarray
        The upstream gradient R.
    eps : float or None
        As in :func:`numerical_gradient`.

    Returns
    -------
    grad : ndarray, shape and dtype of ``x``
        ``R^T (d f / d x)``, which a correct backward pass returns for upstream gradient R.
    """
    dout = np.asarray(dout, dtype=np.float64)

    def scalar():
        out = np.asarray(f(), dtype=np.float64)
        if out.shape != dout.shape:
            raise ValueError(f"f() returned shape {out.shape} but dout has shape {dout.shape}")
        return float(np.sum(out * dout))

    return numerical_gradient(scalar, x, eps)


def check_vjp(f, inputs, analytic, dout, eps=None):
    """Compare analytic gradients with finite differences, one relative error per input.

    Parameters
    ----------
    f : callable
        ``f()`` takes no arguments and returns an array shaped like ``dout``; it reads the
        arrays of ``inputs``.
    inputs : dict
        Name -> float array that ``f`` reads; each is perturbed in place and restored.
    analytic : dict
        Name -> the analytic gradient of ``sum(f() * dout)`` for that input; the same keys
        as ``inputs``, and each array the shape of its input.
    dout : ndarray
        The upstream gradient R, which the analytic gradients were computed with.
    eps : float or None
        As in :func:`numerical_gradient`.

    Returns
    -------
    errors : dict
        Name -> :func:`rel_error` between the analytic and the numerical gradient.
    """
    if not isinstance(inputs, dict) or not isinstance(analytic, dict):
        raise TypeError("inputs and analytic must be dicts mapping names to arrays")
    if set(inputs) != set(analytic):
        raise ValueError(
            "analytic must have the keys of inputs; "
            f"missing: {sorted(set(inputs) - set(analytic))}, extra: {sorted(set(analytic) - set(inputs))}"
        )
    for name, x in inputs.items():
        _check_x_and_eps(f"inputs['{name}']", x, eps)
        if np.shape(analytic[name]) != x.shape:
            raise ValueError(
                f"analytic['{name}'] has shape {np.shape(analytic[name])} but inputs['{name}'] has shape {x.shape}"
            )
    return {name: rel_error(analytic[name], numerical_vjp(f, x, dout, eps)) for name, x in inputs.items()}


def assert_gradients_close(errors, tol=DEFAULT_TOL):
    """Raise ``AssertionError`` unless every relative error is below ``tol``.

    Parameters
    ----------
    errors : dict
        Name -> relative error, as returned by :func:`check_vjp`.
    tol : float

    Returns
    -------
    worst : float
        The largest error (so a caller can print or record it).

    Raises
    ------
    AssertionError
        Listing the failing names, worst first, with their errors.
    """
    if not errors:
        raise ValueError("errors is empty: nothing was checked")
    failing = [(name, err) for name, err in errors.items() if not err < tol]  # `not <` catches NaN
    failing.sort(key=lambda item: -np.inf if np.isnan(item[1]) else -item[1])  # NaN, then worst
    if failing:
        listed = ", ".join(f"{name}: {err:.3g}" for name, err in failing)
        raise AssertionError(
            f"{len(failing)} of {len(errors)} gradient(s) differ from finite differences by more "
            f"than the relative tolerance {tol:g}: {listed}"
        )
    return max(errors.values())


def _check_x_and_eps(name, x, eps):
    """Return the step to use, refusing what finite differences cannot check."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            f"{name} must be a float ndarray (it is perturbed in place), got "
            + (f"dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__)
        )
    if not x.flags.writeable:
        raise ValueError(f"{name} is read-only; finite differences perturb it in place")
    if eps is None:
        if x.dtype != np.float64:
            raise TypeError(
                f"{name} has dtype {x.dtype}: finite differences in low precision cannot reach "
                f"the tolerances of these checks; use float64 (x.astype(np.float64)), or pass "
                f"eps explicitly if you really mean it"
            )
        return DEFAULT_EPS
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"eps must be a positive finite number, got {type(eps).__name__} {eps!r}")
    eps = float(eps)
    if not (eps > 0.0 and np.isfinite(eps)):
        raise ValueError(f"eps must be > 0 and finite, got {eps}")
    return eps


def _scalar(value):
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"f() must return a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))
