"""The non-recurrent layers around a cell: linear (dense), one-hot and embedding.

Parameters use PyTorch's layouts and initialisations:

- ``torch.nn.Linear``: ``weight`` (out, in), ``bias`` (out,), both U(-1/sqrt(in), 1/sqrt(in));
- ``torch.nn.Embedding``: ``weight`` (V, E), N(0, 1).

Inputs may carry any number of leading axes, so a linear read-out applies to hidden states
``hs`` (T, B, H) as they are, giving logits (T, B, V).
"""

import math
from typing import NamedTuple

import numpy as np

from ._checks import (
    as_float_array,
    as_rng,
    check_cache,
    check_finite,
    check_float_dtype,
    check_ids,
    check_positive_int,
    check_shape,
)

# --- linear ----------------------------------------------------------------------------


class LinearCache(NamedTuple):
    """What :func:`linear_backward` needs from :func:`linear_forward`."""

    x: np.ndarray  # (..., in) the input
    params: dict


def init_linear(in_features, out_features, *, rng=None, dtype=np.float64):
    """Random parameters drawn from U(-1/sqrt(in), 1/sqrt(in)), as ``torch.nn.Linear``.

    Parameters
    ----------
    in_features : int
    out_features : int
    rng : np.random.Generator or int or None
        Source of randomness; an int is a seed.
    dtype : float32 or float64

    Returns
    -------
    params : dict
        ``weight`` (out_features, in_features) and ``bias`` (out_features,), drawn in that
        order.
    """
    n_in = check_positive_int("in_features", in_features)
    n_out = check_positive_int("out_features", out_features)
    dt = check_float_dtype("dtype", dtype)
    rng = as_rng(rng)
    bound = 1.0 / math.sqrt(n_in)
    weight = rng.uniform(-bound, bound, size=(n_out, n_in)).astype(dt)
    bias = rng.uniform(-bound, bound, size=(n_out,)).astype(dt)
    return {"weight": weight, "bias": bias}


def linear_forward(x, params):
    """An affine map of the last axis: ``y = x @ weight.T + bias`` (math: y = W x + b).

    Parameters
    ----------
    x : ndarray, shape (..., in)
        Any number of leading axes, e.g. (B, in) or (T, B, in).
    params : dict
        ``weight`` (out, in), ``bias`` (out,), as from :func:`init_linear`.

    Returns
    -------
    y : ndarray, shape (..., out)
    cache : LinearCache
    """
    n_in, _, dtype = _check_linear_params(params)
    x = np.asarray(x)
    x = as_float_array("x", x, ndim=x.ndim, dtype=dtype)
    if x.ndim == 0 or x.shape[-1] != n_in:
        raise ValueError(f"x has shape {x.shape} but params expect {n_in} input features (x[..., {n_in}])")
    y = x @ params["weight"].T + params["bias"]  # (..., out)
    return y, LinearCache(x=x, params=params)


def linear_backward(dy, cache):
    """Backward pass of :func:`linear_forward`.

    Parameters
    ----------
    dy : ndarray, shape (..., out)
        dL/dy.
    cache : LinearCache

    Returns
    -------
    dx : ndarray, shape (..., in)
    grads : dict
        ``weight`` (out, in) and ``bias`` (out,), summed over all leading axes of ``x``.
    """
    check_cache("cache", cache, LinearCache)
    x, p = cache.x, cache.params
    n_out, n_in = p["weight"].shape
    dy = as_float_array("dy", dy, ndim=x.ndim, dtype=x.dtype)
    check_shape("dy", dy, x.shape[:-1] + (n_out,), hint="the shape of y from linear_forward")
    dx = dy @ p["weight"]  # (..., in)
    dy2 = dy.reshape(-1, n_out)  # (N, out), N = product of the leading axes
    x2 = x.reshape(-1, n_in)  # (N, in)
    grads = {
        "weight": dy2.T @ x2,  # (out, in): sum over positions of outer products dy x^T
        "bias": dy2.sum(axis=0),  # (out,)
    }
    return dx, grads


# --- one-hot and embedding -------------------------------------------------------------


def one_hot(ids, num_classes, dtype=np.float64):
    """One-hot codes: ``out[..., k] = 1`` where ``k == ids[...]``, else 0.

    Parameters
    ----------
    ids : ndarray of int, shape (...)
        Values in [0, num_classes).
    num_classes : int
    dtype : float32 or float64

    Returns
    -------
    out : ndarray, shape (..., num_classes)
    """
    n = check_positive_int("num_classes", num_classes)
    dt = check_float_dtype("dtype", dtype)
    ids = check_ids("ids", ids, n, what="classes")
    out = np.zeros(ids.shape + (n,), dtype=dt)  # (..., num_classes)
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


class EmbeddingCache(NamedTuple):
    """What :func:`embedding_backward` needs from :func:`embedding_forward`."""

    ids: np.ndarray  # (...) the looked-up rows
    params: dict


def init_embedding(num_embeddings, embedding_dim, *, rng=None, dtype=np.float64):
    """A random embedding table drawn from N(0, 1), as ``torch.nn.Embedding``.

    Parameters
    ----------
    num_embeddings : int
        V, the number of rows (the vocabulary size).
    embedding_dim : int
        E, the size of each vector.
    rng : np.random.Generator or int or None
    dtype : float32 or float64

    Returns
    -------
    params : dict
        ``weight`` (V, E).
    """
    v = check_positive_int("num_embeddings", num_embeddings)
    e = check_positive_int("embedding_dim", embedding_dim)
    dt = check_float_dtype("dtype", dtype)
    return {"weight": as_rng(rng).standard_normal((v, e)).astype(dt)}


def embedding_forward(ids, params):
    """Look up rows of the table: ``out[...] = weight[ids[...]]``.

    This equals ``one_hot(ids, V) @ weight`` without building the one-hot matrix.

    Parameters
    ----------
    ids : ndarray of int, shape (...)
        Values in [0, V).
    params : dict
        ``weight`` (V, E), as from :func:`init_embedding`.

    Returns
    -------
    out : ndarray, shape (..., E)
    cache : EmbeddingCache
    """
    weight = _check_embedding_params(params)
    ids = check_ids("ids", ids, weight.shape[0], what="embeddings")
    return weight[ids], EmbeddingCache(ids=ids, params=params)  # (..., E)


def embedding_backward(dout, cache):
    """Backward pass of :func:`embedding_forward`.

    Row v of the gradient is the sum of ``dout`` over every position whose id is v
    (``np.add.at``, which, unlike ``dweight[ids] += dout``, adds repeated ids up).

    Parameters
    ----------
    dout : ndarray, shape (..., E)
    cache : EmbeddingCache

    Returns
    -------
    grads : dict
        ``weight`` (V, E).
    """
    check_cache("cache", cache, EmbeddingCache)
    weight = cache.params["weight"]
    dout = np.asarray(dout)
    dout = as_float_array("dout", dout, ndim=dout.ndim, dtype=weight.dtype)
    check_shape("dout", dout, cache.ids.shape + (weight.shape[1],), hint="the shape of out from embedding_forward")
    dweight = np.zeros_like(weight)  # (V, E)
    np.add.at(dweight, cache.ids, dout)
    return {"weight": dweight}


# --- validation ------------------------------------------------------------------------


def _check_linear_params(params):
    """Return ``(in, out, dtype)`` of a linear layer's parameters, or raise."""
    _check_keys(params, ("weight", "bias"))
    w, b = np.asarray(params["weight"]), np.asarray(params["bias"])
    if w.ndim != 2:
        raise ValueError(f"params['weight'] must have shape (out, in), got {w.shape}")
    dtype = check_float_dtype("params['weight'].dtype", w.dtype)
    if b.dtype != dtype:
        raise TypeError(f"params['bias'] has dtype {b.dtype} but params['weight'] has dtype {dtype}")
    check_shape("params['bias']", b, (w.shape[0],), hint="(out,) for weight (out, in)")
    if w.shape[0] == 0 or w.shape[1] == 0:
        raise ValueError(f"params['weight'] must have shape (out, in) with out, in >= 1, got {w.shape}")
    check_finite("params['weight']", w)  # O(P) once per call
    check_finite("params['bias']", b)
    return w.shape[1], w.shape[0], dtype


def _check_embedding_params(params):
    _check_keys(params, ("weight",))
    w = np.asarray(params["weight"])
    if w.ndim != 2:
        raise ValueError(f"params['weight'] must have shape (V, E), got {w.shape}")
    if w.shape[0] == 0 or w.shape[1] == 0:
        raise ValueError(f"params['weight'] must have shape (V, E) with V, E >= 1, got {w.shape}")
    check_float_dtype("params['weight'].dtype", w.dtype)
    check_finite("params['weight']", w)
    return w


def _check_keys(params, required):
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    missing = [k for k in required if k not in params]
    if missing:
        raise ValueError(f"params is missing key(s) {missing}; expected keys {list(required)}, got {sorted(params)}")
    for key in required:
        if not isinstance(params[key], np.ndarray):
            raise TypeError(f"params['{key}'] must be a NumPy array, got {type(params[key]).__name__}")
