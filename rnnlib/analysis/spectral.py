"""Spectra of the recurrent matrix and the norms of products of state Jacobians.

Chapter 5 asks one question in several ways: how does ||dh_T/dh_t|| change with the
distance k = T - t?  This module holds the numerical machinery for the answers:

* building a W_hh with a chosen spectral radius or chosen eigenvalues
  (:func:`scale_to_spectral_radius`, :func:`matrix_with_eigenvalues`);
* the norms of the Jacobian products, measured (:func:`jacobian_norms_by_distance`,
  :func:`power_norms`) and bounded (:func:`jacobian_bounds_by_distance`);
* the rate fitted to measured norms (:func:`fit_log_rate`) and the angle between two
  gradients (:func:`cosine_similarity`).

The short training run that reports the first step with a non-finite value,
:func:`rnnlib.models.train_last_state_regression`, lives with the other training loops.

Distances run k = 0, 1, ..., T, and index ``k`` of every returned array belongs to the
Jacobian dh_T/dh_{T-k} (k = 0 is the identity, k = T reaches back to h_0).
"""

import numpy as np

from .._checks import as_rng, check_finite, check_real


# --- spectra ---------------------------------------------------------------------------


def spectral_radius(w):
    """``rho(W) = max_i |lambda_i(W)|``, the largest modulus of an eigenvalue of W."""
    w = _square("w", w)
    return float(np.max(np.abs(np.linalg.eigvals(w))))


def largest_singular_value(w):
    """sigma_max(W) = ||W||_2, the largest singular value (never below rho(W))."""
    w = _square("w", w)
    return float(np.linalg.norm(w, 2))


def scale_to_spectral_radius(w, rho):
    """W rescaled so that its spectral radius is ``rho``: W * rho / rho(W).

    Parameters
    ----------
    w : ndarray, shape (H, H)
        Must have a nonzero eigenvalue.
    rho : float
        The spectral radius wanted, >= 0.

    Returns
    -------
    ndarray, shape (H, H)
    """
    w = _square("w", w)
    rho = check_real("rho", rho, low=0.0)
    current = spectral_radius(w)
    if current == 0.0:
        raise ValueError("w has spectral radius 0 (it is nilpotent); it cannot be rescaled to another radius")
    return w * (rho / current)


def matrix_with_eigenvalues(eigenvalues, *, rng=None):
    """W = Q diag(lambda) Q^T for a random orthogonal Q: a symmetric matrix with the
    given eigenvalues, whose singular values are their absolute values.

    Because W is normal, ||W^k||_2 = rho(W)^k exactly, so it is the matrix on which the
    prediction "the norm changes like rho^k" holds with no constant in front.

    Parameters
    ----------
    eigenvalues : array_like, shape (H,)
        Real eigenvalues.
    rng : np.random.Generator or int or None

    Returns
    -------
    ndarray, shape (H, H)
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape {lam.shape}")
    check_finite("eigenvalues", lam)
    rng = as_rng(rng)
    q, r = np.linalg.qr(rng.standard_normal((lam.size, lam.size)))  # (H, H)
    q = q * np.sign(np.diag(r))  # make the factorisation unique, so Q is Haar-distributed
    return (q * lam) @ q.T  # Q diag(lam) Q^T


# --- Jacobian products -----------------------------------------------------------------


def power_norms(w, k_max, *, ord=2):
    """||W^k|| for k = 0 ... k_max: a linear RNN's Jacobian norms, dh_T/dh_{T-k} = W^k.

    Parameters
    ----------
    w : ndarray, shape (H, H)
    k_max : int
    ord : {2, "fro"}
        The matrix norm (2: the largest singular value).

    Returns
    -------
    ndarray, shape (k_max + 1,)
    """
    w = _square("w", w)
    if k_max < 0:
        raise ValueError(f"k_max must be >= 0, got {k_max}")
    return jacobian_norms_by_distance(np.broadcast_to(w, (k_max,) + w.shape), ord=ord)


def jacobian_norms_by_distance(jacobians, *, ord=2):
    """||dh_T/dh_{T-k}||, k = 0 ... T, from the one-step Jacobians J_t = dh_t/dh_{t-1}.

    The product grows from the right, P_0 = I and P_k = P_{k-1} J_{T-k+1}, so
    P_k = J_T J_{T-1} ... J_{T-k+1} = dh_T/dh_{T-k}.

    Parameters
    ----------
    jacobians : ndarray, shape (T, H, H)
        ``jacobians[t-1]`` is J_t (the layout of
        :func:`rnnlib.analysis.recursion.state_jacobians`).
    ord : {2, "fro"}

    Returns
    -------
    ndarray, shape (T + 1,)
    """
    jacobians = np.asarray(jacobians)
    if jacobians.ndim != 3 or jacobians.shape[1] != jacobians.shape[2]:
        raise ValueError(f"jacobians must have shape (T, H, H), got {jacobians.shape}")
    n_steps, size = jacobians.shape[:2]
    product = np.eye(size, dtype=np.result_type(jacobians, np.float64))  # (H, H)
    norms = [np.linalg.norm(product, ord)]
    for k in range(1, n_steps + 1):
        product = product @ jacobians[n_steps - k]  # multiply J_{T-k+1} on the right
        norms.append(np.linalg.norm(product, ord))
    return np.array(norms)


def jacobian_bounds_by_distance(derivs, weight_hh):
    """The bound ``||dh_T/dh_{T-k}||_2 <= prod_j max_p |phi'(u_j)_p| sigma_max(W_hh)``.

    One bound for each k = 0 ... T.

    It follows from ``dh_j/dh_{j-1} = diag(phi'(u_j)) W_hh``, the submultiplicativity of
    the 2-norm and ``||diag(v)||_2 = max_p |v_p|``.

    Parameters
    ----------
    derivs : ndarray, shape (T, H)
        phi'(u_t) for t = 1 ... T (for tanh, ``1 - hs**2``).
    weight_hh : ndarray, shape (H, H)

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry k multiplies the factors of steps T, T-1, ..., T-k+1; entry 0 is 1.
    """
    derivs = np.asarray(derivs, dtype=np.float64)
    if derivs.ndim != 2:
        raise ValueError(f"derivs must have shape (T, H), got {derivs.shape}")
    sigma = largest_singular_value(weight_hh)
    factors = np.max(np.abs(derivs), axis=1)[::-1] * sigma  # (T,), step T first
    return np.concatenate([[1.0], np.cumprod(factors)])


def fit_log_rate(norms, *, start=0):
    """The slope of log(norms[k]) against k by least squares, for k >= ``start``.

    If ||dh_T/dh_{T-k}|| ~ C r^k, the slope estimates log r.

    Parameters
    ----------
    norms : ndarray, shape (K,)
        Positive and finite.
    start : int
        The first distance used (skip a transient).

    Returns
    -------
    float
    """
    norms = np.asarray(norms, dtype=np.float64)
    k = np.arange(norms.size)[start:]
    y = norms[start:]
    if y.size < 2 or not (np.all(np.isfinite(y)) and np.all(y > 0)):
        raise ValueError("fit_log_rate needs at least two positive, finite norms after `start`")
    return float(np.polyfit(k, np.log(y), 1)[0])


def cosine_similarity(a, b):
    """cos of the angle between two gradients, each an array or a dict of arrays.

    A dict's arrays are flattened together, in key order.
    """
    va, vb = _flat(a), _flat(b)
    check_finite("a", va)
    check_finite("b", vb)
    if va.shape != vb.shape:
        raise ValueError(f"a and b must have the same number of entries, got {va.size} and {vb.size}")
    na, nb = np.linalg.norm(va), np.linalg.norm(vb)
    if na == 0.0 or nb == 0.0:
        raise ValueError("the cosine of a zero vector is undefined")
    return float(va @ vb / (na * nb))


# --- helpers ---------------------------------------------------------------------------


def _square(name, w):
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix (H, H), got shape {w.shape}")
    if w.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric matrix, got dtype {w.dtype}")
    check_finite(name, w)
    return w


def _flat(g):
    """One float64 vector from an array or a (nested) dict of arrays, in key order."""
    if isinstance(g, dict):
        return np.concatenate([_flat(v) for v in g.values()])
    return np.ravel(np.asarray(g, dtype=np.float64))
