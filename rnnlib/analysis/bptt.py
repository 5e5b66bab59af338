"""Variations on backpropagation through time, for studying what BPTT computes.

:func:`rnnlib.rnn.backward` is *the* backward pass.  This module holds the tools
Chapter 3 uses to take it apart:

* :func:`truncated_backward` -- BPTT with the gradient flow cut at chunk boundaries;
* :func:`gradient_contributions` -- the full gradient split into one term per pair
  (step s where the loss enters, step t where the parameter is used);
* :func:`cache_float_count` -- how many activation floats a forward pass keeps for
  backward;
* :func:`count_multiply_adds` -- the multiply-adds of the matrix products a function does.

They work for any cell module whose state is one array and which has
``forward(xs, state0, params) -> (hs, cache)`` with ``cache.steps`` one step cache per
time step, and ``step_backward(dstate, step_cache) -> (dx, dstate_prev, grads)``, as
:mod:`rnnlib.rnn` has.
"""

import numpy as np

from .._checks import as_float_array, check_cell_module, check_positive_int, check_shape, check_steps


def truncated_backward(cell, xs, state0, params, dhs, k):
    """Truncated BPTT: the forward pass runs over the whole sequence, the backward pass
    stops at the boundaries of chunks of ``k`` steps (steps 0..k-1, k..2k-1, ...).

    The loss that enters at step s reaches the parameters only through steps t of its
    own chunk, t >= k * (s // k): the part of the gradient that crosses a chunk boundary
    is dropped, as when a training loop detaches the state every k steps.  With k >= T
    nothing is dropped and the result is exactly ``cell.backward``'s.

    Parameters
    ----------
    cell : module
        A cell module such as :mod:`rnnlib.rnn`.
    xs : ndarray, shape (T, B, D)
    state0 : ndarray, shape (B, H), or None
    params : dict
    dhs : ndarray, shape (T, B, H)
        The immediate dL/dh_t from whatever sits on top of the states, as for
        ``backward``.
    k : int
        Chunk length, k >= 1.

    Returns
    -------
    dxs : ndarray, shape (T, B, D)
        dL/dx_t with the gradient flow cut at chunk boundaries.
    dstate0 : ndarray, shape (B, H)
        What flows into h_0 from the first chunk.
    grads : dict
        The truncated dL/dparams, same keys and shapes as the gradients of
        ``cell.backward``.
    """
    cell = check_cell_module("cell", cell)
    k = check_positive_int("k", k)
    hs, cache = cell.forward(xs, state0, params)
    steps = cache.steps
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=hs.dtype)
    check_shape("dhs", dhs, hs.shape, hint="(T, B, H) as the states from forward")
    dxs = np.empty((len(steps),) + steps[0].x.shape, dtype=hs.dtype)  # (T, B, D)
    grads = None
    dh_next = np.zeros_like(hs[0])  # (B, H)
    for t in reversed(range(len(steps))):
        if (t + 1) % k == 0:  # the last step of a chunk: nothing comes back from the next chunk
            dh_next = np.zeros_like(dh_next)
        dxs[t], dh_next, step_grads = cell.step_backward(dhs[t] + dh_next, steps[t])
        if grads is None:
            grads = {name: np.zeros_like(g) for name, g in step_grads.items()}
        for name in grads:
            grads[name] += step_grads[name]
    return dxs, dh_next, grads


def gradient_contributions(cell, cache, dhs):
    """Split the BPTT parameter gradient into one term per (loss step s, use step t).

    ``contributions[name][s, t]`` is the part of dL/d<name> carried by the immediate
    dL/dh_s (``dhs[s]``) back to the use of the parameter at step t: the gradient that
    :func:`rnnlib.rnn.backward` would return if only ``dhs[s]`` were nonzero, restricted
    to step t's term of its sum over time.  It is zero for t > s (the future cannot
    influence the past).  Summed over s and t it gives the full gradient.  This costs
    O(T^2) step backward passes, which is the point: BPTT never needs the terms one by
    one.

    Parameters
    ----------
    cell : module
        A cell module such as :mod:`rnnlib.rnn`.
    cache : the cache from ``cell.forward``
    dhs : ndarray, shape (T, B, H)

    Returns
    -------
    contributions : dict
        For every parameter name, an array of shape (T, T) + the parameter's shape,
        indexed [s, t].
    """
    cell = check_cell_module("cell", cell)
    steps = check_steps("cache", cache)
    T = len(steps)
    dhs = as_float_array("dhs", dhs, ndim=3, dtype=steps[0].h.dtype)
    check_shape("dhs", dhs, (T,) + steps[0].h.shape, hint="(T, B, H) as the states from forward")
    contributions = None
    for s in range(T):
        dh = dhs[s]  # (B, H): the loss enters at step s only
        for t in reversed(range(s + 1)):
            _, dh, step_grads = cell.step_backward(dh, steps[t])
            if contributions is None:
                contributions = {n: np.zeros((T, T) + g.shape, dtype=g.dtype) for n, g in step_grads.items()}
            for name, g in step_grads.items():
                contributions[name][s, t] = g
    return contributions


def cache_float_count(cache):
    """Count the activation floats a forward pass stores for its backward pass.

    Every array held by the step caches is counted once, however many step caches refer
    to it (h_t is both step t's output and step t+1's input) and whether it is a whole
    array or a view of a larger one; the parameters are not activations and are not
    counted.

    Parameters
    ----------
    cache : the cache from ``cell.forward`` (``cache.steps`` holds NamedTuples)

    Returns
    -------
    int
        The number of stored floats.  For :mod:`rnnlib.rnn` this is T*B*D (the inputs)
        + T*B*H (the states h_1..h_T) + B*H (h_0).
    """
    seen = set()
    total = 0
    for step in check_steps("cache", cache):
        for name, value in step._asdict().items():
            if name == "params" or not isinstance(value, np.ndarray):
                continue
            key = (value.__array_interface__["data"][0], value.shape, value.strides)
            if key not in seen:
                seen.add(key)
                total += value.size
    return total


class _Counting(np.ndarray):
    """An ndarray view that adds the multiply-adds of its matrix products to a counter.

    ``counter`` is a one-element list shared by every array of one count.  Views (slices,
    reshapes, ``.T``) inherit it, and the result of every ufunc or dispatching NumPy
    function (``np.stack``, ``np.zeros_like``, ...) applied to a counting array is a
    counting array again, so whatever is computed from the arguments keeps counting.
    """

    def __array_finalize__(self, obj):
        self.counter = getattr(obj, "counter", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        counter = next(x.counter for x in inputs if isinstance(x, _Counting))
        plain = [x.view(np.ndarray) if isinstance(x, _Counting) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(
                o.view(np.ndarray) if isinstance(o, _Counting) else o for o in kwargs["out"]
            )
        if ufunc is np.matmul and method == "__call__":
            counter[0] += _matmul_multiply_adds(np.shape(plain[0]), np.shape(plain[1]))
        result = getattr(ufunc, method)(*plain, **kwargs)
        return _wrap(result, counter)

    def __array_function__(self, func, types, args, kwargs):
        # np.stack, np.concatenate, np.zeros_like, ...: computed from counting arrays, so
        # the result counts too.
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)), self.counter)


def _matmul_multiply_adds(shape_a, shape_b):
    """Multiply-adds of ``a @ b``: m*k*n per matrix pair, times the broadcast stack size."""
    a = (1,) + tuple(shape_a) if len(shape_a) == 1 else tuple(shape_a)  # (k,) is a row
    b = tuple(shape_b) + (1,) if len(shape_b) == 1 else tuple(shape_b)  # (k,) is a column
    stack = np.broadcast_shapes(a[:-2], b[:-2])
    return int(np.prod(stack, dtype=np.int64)) * a[-2] * a[-1] * b[-1]


def _wrap(obj, counter):
    """Counting views of every ndarray in ``obj`` (dicts, lists, tuples, NamedTuples)."""
    if isinstance(obj, np.ndarray):
        view = obj.view(_Counting)
        view.counter = counter
        return view
    if isinstance(obj, dict):
        return {k: _wrap(v, counter) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a NamedTuple cache
        return type(obj)(*(_wrap(v, counter) for v in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(_wrap(v, counter) for v in obj)
    return obj


def _unwrap(obj):
    """The same structure with every counting view turned back into a plain ndarray."""
    if isinstance(obj, _Counting):
        return obj.view(np.ndarray)
    if isinstance(obj, dict):
        return {k: _unwrap(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_unwrap(v) for v in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unwrap(v) for v in obj)
    return obj


def count_multiply_adds(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)`` and count the multiply-adds of its matrix products.

    Every ndarray among the arguments, also inside dicts, lists, tuples and NamedTuples
    (a step cache, say), is passed as a view that counts: each matrix product ``@`` (or
    ``np.matmul``) with one of them, or with an array NumPy computed from them, adds
    m*k*n for an (m, k) @ (k, n) product, times the number of matrices in a stack.
    Elementwise work and sums are not counted, nor are ``np.dot`` and ``np.einsum``, nor
    products of arrays that ``fn`` creates from scratch (``np.empty``) or with
    ``np.asarray`` of an argument, which drops the view; an array filled by assignment,
    ``out[t] = ...``, counts only if it was itself created from a counting array.  The
    count is exact and does not depend on the machine, unlike a timing.

    Parameters
    ----------
    fn : callable
    *args, **kwargs
        Passed on to ``fn``; the arrays in them are passed as views, not copies.

    Returns
    -------
    result
        What ``fn`` returned, with plain ndarrays in place of the counting views.
    multiply_adds : int
        The number of multiply-adds counted.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__} {fn!r:.60}")
    counter = [0]
    result = fn(*_wrap(args, counter), **_wrap(kwargs, counter))
    return _unwrap(result), counter[0]
