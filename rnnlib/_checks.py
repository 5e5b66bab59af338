"""Input validation shared by the public functions (private module).

Every check raises ``ValueError`` or ``TypeError`` whose message names the argument and
states what was expected and what was found.
"""

import functools

import numpy as np


def as_rng(rng):
    """Return an ``np.random.Generator`` from a Generator, an integer seed or None."""
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        f"rng must be an np.random.Generator, an int seed or None, got {type(rng).__name__}"
    )


def check_positive_int(name, value):
    """Return ``value`` as an int, or raise if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def check_float_dtype(name, dtype):
    """Return ``np.dtype(dtype)``, or raise unless it is float32 or float64."""
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, got {dt}")
    return dt


def as_float_array(name, value, *, ndim, dtype):
    """Convert ``value`` to an array of ``dtype`` with ``ndim`` dimensions, all finite.

    Integer and boolean input (one-hot codes, for instance) is converted to ``dtype``.
    Floating input must already have ``dtype``: a float32 array given to float64
    parameters is an error, not a silent cast.
    """
    arr = np.asarray(value)
    if arr.dtype.kind in "iub":
        arr = arr.astype(dtype)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must be a float array, got dtype {arr.dtype}")
    elif arr.dtype != dtype:
        raise TypeError(
            f"{name} has dtype {arr.dtype} but params have dtype {np.dtype(dtype)}; "
            f"convert one of them, e.g. {name}.astype(np.{np.dtype(dtype).name})"
        )
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got {arr.ndim}-D array of shape {arr.shape}")
    check_finite(name, arr)
    return arr


def check_finite(name, arr):
    """Raise ``ValueError`` if ``arr`` holds NaN or inf, saying where the first one is."""
    finite = np.isfinite(arr)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"{name} must be finite, but {name}[{', '.join(map(str, where))}] = {arr[where]} "
            f"({int((~finite).sum())} non-finite value(s) in all)"
        )


def check_shape(name, arr, expected, hint=""):
    """Raise ``ValueError`` unless ``arr.shape == expected``."""
    if tuple(arr.shape) != tuple(expected):
        extra = f" ({hint})" if hint else ""
        raise ValueError(f"{name} has shape {tuple(arr.shape)} but expected {tuple(expected)}{extra}")


def check_params(params, gates, name="params"):
    """Validate a cell's parameter dictionary and return ``(input_size, hidden_size, dtype)``.

    Parameters
    ----------
    params : dict
        Must hold ``weight_ih`` (G*H, D), ``weight_hh`` (G*H, H), ``bias_ih`` (G*H,) and
        ``bias_hh`` (G*H,), all of one float dtype.
    gates : int
        G, the number of stacked gates of the cell.
    """
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of arrays, got {type(params).__name__}")
    required = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    missing = [k for k in required if k not in params]
    if missing:
        raise ValueError(
            f"{name} is missing key(s) {missing}; expected keys {list(required)}, got {sorted(params)}"
        )
    for key in required:
        if not isinstance(params[key], np.ndarray):
            raise TypeError(
                f"{name}['{key}'] must be a NumPy array, got {type(params[key]).__name__} "
                f"(convert it with np.asarray(..., dtype=np.float64))"
            )
    w_hh = np.asarray(params["weight_hh"])
    if w_hh.ndim != 2 or w_hh.shape[1] == 0 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(
            f"{name}['weight_hh'] must have shape ({gates}*H, H), got {w_hh.shape}"
        )
    hidden = w_hh.shape[1]
    w_ih = np.asarray(params["weight_ih"])
    if w_ih.ndim != 2 or w_ih.shape[0] != gates * hidden or w_ih.shape[1] == 0:
        raise ValueError(
            f"{name}['weight_ih'] must have shape ({gates * hidden}, D) for H={hidden}, got {w_ih.shape}"
        )
    dtype = w_ih.dtype
    check_float_dtype(f"{name}['weight_ih'].dtype", dtype)
    for key in required:
        arr = np.asarray(params[key])
        if arr.dtype != dtype:
            raise TypeError(
                f"{name}['{key}'] has dtype {arr.dtype} but {name}['weight_ih'] has dtype {dtype}"
            )
    for key in ("bias_ih", "bias_hh"):
        check_shape(f"{name}['{key}']", np.asarray(params[key]), (gates * hidden,))
    for key in required:  # O(P) once per call, never per time step
        check_finite(f"{name}['{key}']", params[key])
    return w_ih.shape[1], hidden, dtype


def check_cache(name, cache, expected, step_type=None):
    """Raise ``TypeError`` unless ``cache`` is an ``expected`` (and its steps ``step_type``).

    Caches of different cells can have the same field names; taking one for another would
    give wrong gradients silently, so the type itself is checked.
    """
    if type(cache) is not expected:
        raise TypeError(
            f"{name} must be a {expected.__module__}.{expected.__qualname__} (from this cell's "
            f"forward), got {type(cache).__module__}.{type(cache).__qualname__}"
        )
    if step_type is not None:
        steps = cache.steps
        if not isinstance(steps, tuple) or not steps:
            raise ValueError(f"{name}.steps must be a non-empty tuple of StepCaches, got {steps!r:.80}")
        if type(steps[0]) is not step_type or type(steps[-1]) is not step_type:
            bad = steps[0] if type(steps[0]) is not step_type else steps[-1]
            raise TypeError(
                f"{name}.steps must hold {step_type.__module__}.{step_type.__qualname__}, "
                f"got {type(bad).__module__}.{type(bad).__qualname__}"
            )


def check_sequence(xs, input_size, dtype, name="xs"):
    """Validate a time-major input sequence of shape (T, B, D) and return it as an array."""
    xs = as_float_array(name, xs, ndim=3, dtype=dtype)
    if xs.shape[0] == 0:
        raise ValueError(f"{name} is an empty sequence: expected T >= 1 time steps, got shape {xs.shape}")
    if xs.shape[1] == 0:
        raise ValueError(f"{name} has an empty batch: expected B >= 1, got shape {xs.shape}")
    if xs.shape[2] != input_size:
        raise ValueError(
            f"{name} has shape {xs.shape} but params expect input size {input_size} "
            f"({name}[..., {input_size}])"
        )
    return xs


def check_state(name, state, batch, hidden, dtype):
    """Return a (B, H) state array: zeros for None, else the validated array."""
    if state is None:
        return np.zeros((batch, hidden), dtype=dtype)
    state = as_float_array(name, state, ndim=2, dtype=dtype)
    check_shape(name, state, (batch, hidden), hint="(B, H)")
    return state


def check_ids(name, ids, n, what="classes"):
    """Return ``ids`` as an integer array, or raise unless every entry lies in [0, n).

    Used for class targets, token ids and one-hot codes.  ``what`` names the n things the
    ids index (``"classes"``, ``"embeddings"``) in the message.
    """
    arr = np.asarray(ids)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array, got dtype {arr.dtype}")
    if arr.size:
        bad = (arr < 0) | (arr >= n)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            at = f"{name}[{', '.join(map(str, where))}]" if where else name
            raise ValueError(
                f"{name} must lie in [0, {n}) for {n} {what}, but {at} = {arr[where]} "
                f"({int(bad.sum())} value(s) out of range in all)"
            )
    return arr


def check_input(name, x, input_size, dtype):
    """Validate one step's input of shape (B, D) and return it as an array."""
    x = as_float_array(name, x, ndim=2, dtype=dtype)
    if x.shape[0] == 0:
        raise ValueError(f"{name} has an empty batch: expected B >= 1, got shape {x.shape}")
    if x.shape[1] != input_size:
        raise ValueError(
            f"{name} has shape {x.shape} but params expect input size {input_size} "
            f"({name}[:, {input_size}])"
        )
    return x


def checks_cache(backward, cache_type, step_type):
    """Wrap a cell's sequence ``backward(dhs, cache)`` so that it refuses a foreign cache.

    The wrapper keeps the wrapped function's name, docstring and source (``__wrapped__``),
    so ``inspect.getsource`` still shows the backward pass itself.
    """

    @functools.wraps(backward)
    def checked(dhs, cache):
        check_cache("cache", cache, cache_type, step_type)
        return backward(dhs, cache)

    return checked


def check_real(name, value, *, low=None, low_open=False):
    """Return ``value`` as a finite float, or raise naming ``name`` (optionally ``> low``/``>= low``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}")
    return value


def check_cell_module(name, cell, required=("forward", "step_backward")):
    """Return a cell module given a name (``"rnn"``, ...) or a module, or raise ``TypeError``."""
    import importlib

    if isinstance(cell, str):
        names = ("rnn", "lstm", "gru", "linear_rnn")
        if cell not in names:
            raise ValueError(f"{name} must be one of {names} or a cell module, got {cell!r}")
        return importlib.import_module(f"rnnlib.{cell}")
    if not all(callable(getattr(cell, f, None)) for f in required):  # a module or any namespace
        raise TypeError(
            f"{name} must be a cell module (or an object) with {', '.join(required)}, "
            f"got {type(cell).__name__} {cell!r:.60}"
        )
    return cell


def check_steps(name, cache):
    """Return ``cache.steps``, or raise unless ``cache`` is a cell's sequence cache."""
    steps = getattr(cache, "steps", None)
    if not isinstance(steps, tuple) or not steps or not all(hasattr(s, "_asdict") for s in steps[:1]):
        raise TypeError(
            f"{name} must be the cache from a cell's forward (with .steps, a non-empty tuple of "
            f"step caches), got {type(cache).__name__}"
        )
    return steps
