"""Property-based hostile-input fuzz of rnnlib's public functions (issue 12).

Every example draws shapes, dtypes, layouts (C order, Fortran order, strided views) and
sometimes plants NaN or inf, a wrong shape, a wrong dtype or another cell's cache.  The
property: the call either returns finite results of the documented shape and dtype, or
raises ValueError/TypeError (never an error from deep inside NumPy, never a silent NaN);
and when a non-finite value was planted in an input, it raises ValueError.

Derandomised, so the examples are the same on every run.  ``EXAMPLES`` counts them.
"""

import numpy as np
import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlib import (
    baselines,
    gradcheck,
    gru,
    io,
    layers,
    linear_rnn,
    losses,
    lstm,
    metrics,
    optim,
    recursion,
    rnn,
    spectral,
    variants,
)

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru, "linear_rnn": linear_rnn}
FUZZ = settings(
    derandomize=True,
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
EXAMPLES = {"count": 0}
ALLOWED = (ValueError, TypeError)


def _layout(arr, how):
    """The same values in another memory layout."""
    if how == "fortran":
        return np.asfortranarray(arr)
    if how == "strided" and arr.ndim:
        big = np.repeat(arr, 2, axis=-1)
        return big[..., ::2]
    return arr


def _plant(arr, what, rng_int):
    arr = np.array(arr, copy=True)
    if arr.size and what != "none":
        arr.flat[rng_int % arr.size] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}[what]
    return arr


nonfinite = st.sampled_from(["none", "none", "nan", "inf", "-inf"])
layouts = st.sampled_from(["c", "fortran", "strided"])
dtypes = st.sampled_from([np.float64, np.float32])


def _finite_tree(x):
    if isinstance(x, dict):
        return all(_finite_tree(v) for v in x.values())
    if isinstance(x, tuple):
        return all(_finite_tree(v) for v in x)
    return bool(np.isfinite(x).all())


def _state_like(cell, B, H, dtype, rng):
    h = rng.standard_normal((B, H)).astype(dtype)
    return (h, h.copy()) if cell is lstm else h


@FUZZ
@given(
    name=st.sampled_from(sorted(CELLS)),
    T=st.integers(1, 4),
    B=st.integers(1, 3),
    D=st.integers(1, 3),
    H=st.integers(1, 4),
    dtype=dtypes,
    layout=layouts,
    where=st.sampled_from(["xs", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "dhs"]),
    bad=nonfinite,
    pos=st.integers(0, 1000),
    wrong=st.sampled_from(["none", "none", "none", "shape", "dtype", "list", "cache"]),
    other=st.sampled_from(sorted(CELLS)),
)
def test_fuzz_cells(name, T, B, D, H, dtype, layout, where, bad, pos, wrong, other):
    EXAMPLES["count"] += 1
    cell = CELLS[name]
    rng = np.random.default_rng(pos)
    params = cell.init_params(D, H, rng=rng, dtype=dtype)
    xs = rng.standard_normal((T, B, D)).astype(dtype)
    dhs = rng.standard_normal((T, B, H)).astype(dtype)
    if where == "xs":
        xs = _plant(xs, bad, pos)
    elif where == "dhs":
        dhs = _plant(dhs, bad, pos)
    else:
        params[where] = _plant(params[where], bad, pos)
    xs = _layout(xs, layout)
    params = {k: _layout(v, layout) for k, v in params.items()}
    if wrong == "shape":
        xs = xs[..., :0] if pos % 2 else xs[:, :, None]
    elif wrong == "dtype":
        xs = xs.astype(np.float32 if dtype == np.float64 else np.float64)
    elif wrong == "list":
        params = {k: v.tolist() for k, v in params.items()}
    planted = bad != "none"
    try:
        hs, cache = cell.forward(xs, None, params)
        if wrong == "cache" and other != name:
            _, cache = CELLS[other].forward(
                rng.standard_normal((T, B, D)), None, CELLS[other].init_params(D, H, rng=0)
            )
        dxs, dstate0, grads = cell.backward(dhs, cache)
    except ALLOWED as exc:
        assert str(exc)
        if wrong == "none" and not planted:
            raise AssertionError(f"valid input refused: {exc}") from exc
        return
    assert not planted, "a planted NaN/inf was accepted"
    assert wrong in ("none", "cache") and not (wrong == "cache" and other != name), "bad input accepted"
    assert hs.shape == (T, B, H) and hs.dtype == dtype and dxs.shape == (T, B, D)
    if name != "linear_rnn":  # a linear RNN may overflow; that is the point of Chapter 5
        assert _finite_tree((hs, dxs, dstate0, grads))


@FUZZ
@given(
    name=st.sampled_from(["rnn", "lstm", "gru", "linear_rnn"]),
    other=st.sampled_from(["rnn", "lstm", "gru", "linear_rnn"]),
    B=st.integers(1, 3),
    H=st.integers(1, 3),
    bad=nonfinite,
    pos=st.integers(0, 100),
)
def test_fuzz_cell_steps(name, other, B, H, bad, pos):
    EXAMPLES["count"] += 1
    cell, rng = CELLS[name], np.random.default_rng(pos)
    params = cell.init_params(2, H, rng=rng)
    x = _plant(rng.standard_normal((B, 2)), bad, pos)
    try:
        h, step = CELLS[other].step_forward(x, None, CELLS[other].init_params(2, H, rng=rng))
        out = cell.step_forward(x, None, params)
        ds = _state_like(cell, B, H, np.float64, rng)
        dx, dprev, grads = cell.step_backward(ds, step if other != name else out[1])
    except ALLOWED:
        assert bad != "none" or other != name
        return
    assert bad == "none" and other == name
    assert _finite_tree((dx, dprev, grads))


@FUZZ
@given(
    shape=st.lists(st.integers(0, 3), min_size=0, max_size=3),
    n_out=st.integers(1, 3),
    dtype=dtypes,
    layout=layouts,
    bad=nonfinite,
    where=st.sampled_from(["x", "weight", "bias", "dy", "emb"]),
    pos=st.integers(0, 100),
)
def test_fuzz_layers(shape, n_out, dtype, layout, bad, where, pos):
    EXAMPLES["count"] += 1
    rng = np.random.default_rng(pos)
    n_in = 2
    params = layers.init_linear(n_in, n_out, rng=rng, dtype=dtype)
    x = rng.standard_normal(tuple(shape) + (n_in,)).astype(dtype)
    dy = rng.standard_normal(tuple(shape) + (n_out,)).astype(dtype)
    emb = layers.init_embedding(4, 3, rng=rng, dtype=dtype)
    if where in ("weight", "bias"):
        params[where] = _plant(params[where], bad, pos)
    elif where == "x":
        x = _plant(x, bad, pos)
    elif where == "dy":
        dy = _plant(dy, bad, pos)
    else:
        emb["weight"] = _plant(emb["weight"], bad, pos)
    planted = bad != "none" and not (where in ("x", "dy") and x.size == 0)
    try:
        y, cache = layers.linear_forward(_layout(x, layout), params)
        dx, grads = layers.linear_backward(_layout(dy, layout), cache)
        out, ecache = layers.embedding_forward(np.arange(4).reshape(2, 2) % 4, emb)
        layers.embedding_backward(np.ones((2, 2, 3), dtype=dtype), ecache)
    except ALLOWED:
        assert planted
        return
    assert not planted
    assert y.shape == x.shape[:-1] + (n_out,) and _finite_tree((y, dx, grads, out))


@FUZZ
@given(
    K=st.integers(0, 4),
    N=st.integers(0, 3),
    dtype=dtypes,
    bad=nonfinite,
    pos=st.integers(0, 100),
    scale=st.sampled_from([1.0, 1e3, 1e300]),
)
def test_fuzz_losses(K, N, dtype, bad, pos, scale):
    EXAMPLES["count"] += 1
    rng = np.random.default_rng(pos)
    logits = _plant((rng.standard_normal((N, K)) * scale).astype(dtype), bad, pos)
    planted = bad != "none" and logits.size > 0
    for fn in (losses.logsumexp, losses.log_softmax, losses.softmax):
        try:
            out = fn(logits)
        except ALLOWED:
            continue
        assert not planted and np.isfinite(out).all(), fn.__name__
    try:
        loss, d = losses.softmax_cross_entropy(logits, np.zeros(N, dtype=int))
    except ALLOWED:
        return
    assert not planted and np.isfinite(loss) and np.isfinite(d).all()


@FUZZ
@given(
    n=st.integers(1, 3),
    bad=nonfinite,
    where=st.sampled_from(["grads", "lr", "max_norm"]),
    big=st.sampled_from([1.0, 1e200, 1.5e308]),
    pos=st.integers(0, 100),
    opt_name=st.sampled_from(["SGD", "Momentum", "Adagrad", "Adam"]),
)
def test_fuzz_optim(n, bad, where, big, pos, opt_name):
    EXAMPLES["count"] += 1
    value = {"none": 1.0, "nan": np.nan, "inf": np.inf, "-inf": -np.inf}[bad]
    params = {"a": np.ones(n), "b": {"c": np.ones((n, 2))}}
    grads = {"a": np.full(n, big), "b": {"c": np.full((n, 2), -big)}}
    if where == "grads":
        grads["a"] = _plant(grads["a"], bad, pos)
    try:
        clipped, norm = optim.clip_grad_norm(grads, value if where == "max_norm" else 1.0)
    except ALLOWED:
        assert bad != "none"
        return
    assert bad == "none" or where == "lr"
    assert np.isfinite(norm) and _finite_tree(clipped)
    total = np.sqrt(sum(np.sum(g**2) for g in (clipped["a"], clipped["b"]["c"])))
    assert total <= 1.0 + 1e-9 and (total > 0.99 or big == 1.0 and n == 0)
    opt = getattr(optim, opt_name)(params, lr=0.1)
    opt.lr = value
    before = {"a": params["a"].copy(), "c": params["b"]["c"].copy()}
    try:
        opt.step(clipped)
    except ALLOWED:
        assert bad != "none"
        np.testing.assert_array_equal(params["a"], before["a"])
        return
    assert bad == "none" and _finite_tree(params)


@FUZZ
@given(
    keys=st.lists(st.text(min_size=0, max_size=4), min_size=1, max_size=3),
    dtype=st.sampled_from(["float64", "float32", "int64", "bool", "complex128", "object"]),
    shape=st.lists(st.integers(0, 3), max_size=2),
)
def test_fuzz_io_round_trip(tmp_path_factory, keys, dtype, shape):
    EXAMPLES["count"] += 1
    path = tmp_path_factory.mktemp("io") / "p.npz"
    arr = np.zeros(shape, dtype=dtype)
    params = {k: arr for k in keys}
    try:
        io.save_params(path, params)
    except ALLOWED:
        assert (
            dtype == "object"
            or any(not k or "/" in k or "\x00" in k or k == io.FORMAT_KEY for k in keys)
        )
        assert not path.exists()
        return
    back = io.load_params(path)
    assert set(back) == set(params)
    for k in params:
        assert back[k].dtype == arr.dtype and back[k].shape == arr.shape


@FUZZ
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", b"PK\x03\x04", b"\x93NUMPY"]))
def test_fuzz_io_garbage_is_a_value_error(tmp_path_factory, data, prefix):
    EXAMPLES["count"] += 1
    path = tmp_path_factory.mktemp("io") / "g.npz"
    path.write_bytes(prefix + data)
    with pytest.raises(ValueError, match="is not a valid rnnlib parameter file"):
        io.load_params(path)


@FUZZ
@given(
    H=st.integers(0, 3),
    bad=nonfinite,
    pos=st.integers(0, 100),
    rho=st.sampled_from([0.5, 0.0, -1.0, np.nan, np.inf]),
    eps=st.sampled_from([1e-6, 0.0, -1e-6, np.nan, np.inf, 1e300]),
    repeats=st.sampled_from([1, 0, -1, 2.5]),
)
def test_fuzz_numerical_helpers(H, bad, pos, rho, eps, repeats):
    EXAMPLES["count"] += 1
    rng = np.random.default_rng(pos)
    w = _plant(rng.standard_normal((H, H)), bad, pos)
    planted = bad != "none" and w.size > 0
    for fn in (
        lambda: spectral.spectral_radius(w),
        lambda: spectral.largest_singular_value(w),
        lambda: spectral.scale_to_spectral_radius(w, rho),
        lambda: spectral.matrix_with_eigenvalues(np.diag(w) if H else [], rng=0),
        lambda: spectral.cosine_similarity(w, w),
        lambda: recursion.numerical_jacobian(lambda v: v**2, np.ravel(w), eps=eps),
        lambda: gradcheck.numerical_gradient(lambda v: float(np.sum(v**2)), np.ravel(w).copy(), eps=eps),
        lambda: recursion.median_seconds(lambda: None, repeats=repeats),
        lambda: recursion.loglog_slope([1.0, 2.0, 4.0], np.abs(np.ravel(w))[:3] if H else []),
        lambda: variants.with_forget_bias(lstm.init_params(2, 3, rng=0), rho),
        lambda: variants.reorder_gates(gru.init_params(2, max(H, 1) * 4, rng=0), "ifgo", "iofg"),
        lambda: metrics.entropy(np.abs(w) / max(np.abs(w).sum(), 1e-300)),
        lambda: baselines.mse(np.ravel(w), np.ravel(w)),
    ):
        try:
            out = fn()
        except ALLOWED:
            continue
        assert _finite_tree(out) if not isinstance(out, (int, float)) else np.isfinite(out)


def test_fuzz_ran_every_example():
    """The count of examples above (run after them, in file order)."""
    assert EXAMPLES["count"] >= 8 * 200
