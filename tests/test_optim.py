import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnnlib import optim

PROPERTY = settings(derandomize=True, max_examples=40, deadline=None, database=None)

ENTRY = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
NESTED_GRADS = st.fixed_dictionaries(
    {
        "cell": st.fixed_dictionaries(
            {"weight": arrays(np.float64, (2, 3), elements=ENTRY), "bias": arrays(np.float64, (2,), elements=ENTRY)}
        ),
        "out": arrays(np.float64, st.integers(1, 4), elements=ENTRY),
    }
)


def flat(tree):
    """All entries of a nested dict of arrays as one vector (the reference for the norm)."""
    return np.concatenate([flat(v) if isinstance(v, dict) else np.ravel(v) for v in tree.values()])


# --- norms and clipping ----------------------------------------------------------------


def test_global_norm_is_the_norm_of_all_entries_together():
    grads = {"a": np.array([3.0]), "b": {"c": np.array([[0.0, 4.0]]), "d": np.zeros(0)}}
    assert optim.global_norm(grads) == 5.0
    assert optim.global_norm({"a": np.zeros(3)}) == 0.0


def test_global_norm_does_not_overflow_for_huge_gradients():
    norm = optim.global_norm({"a": np.full(4, 1e200), "b": np.full(1, 1e30, np.float32)})
    np.testing.assert_allclose(norm, 2e200, rtol=1e-14)


@PROPERTY
@given(NESTED_GRADS, st.floats(1e-3, 1e3))
def test_clip_grad_norm_never_increases_the_norm_and_keeps_the_direction(grads, max_norm):
    clipped, norm = optim.clip_grad_norm(grads, max_norm)
    g, c = flat(grads), flat(clipped)
    np.testing.assert_allclose(norm, math.hypot(*g), rtol=1e-12)  # hypot scales: no underflow
    after = math.hypot(*c)
    assert after <= norm
    assert after <= max_norm * (1 + 1e-12)
    if norm <= max_norm:
        np.testing.assert_array_equal(c, g)
    else:
        np.testing.assert_allclose(after, max_norm, rtol=1e-12)
        np.testing.assert_allclose(c, g * (max_norm / norm), rtol=1e-12, atol=1e-300)  # one positive factor


@PROPERTY
@given(NESTED_GRADS, st.floats(1e-3, 1e3))
def test_clip_grad_value_bounds_every_element_and_keeps_those_inside(grads, clip_value):
    clipped = optim.clip_grad_value(grads, clip_value)
    g, c = flat(grads), flat(clipped)
    assert np.all(np.abs(c) <= clip_value)
    inside = np.abs(g) <= clip_value
    np.testing.assert_array_equal(c[inside], g[inside])
    np.testing.assert_array_equal(np.sign(c), np.sign(g))


@pytest.mark.parametrize("clip", [lambda g: optim.clip_grad_norm(g, 1.0)[0], lambda g: optim.clip_grad_value(g, 1.0)])
def test_clipping_returns_new_arrays_in_the_same_structure_and_dtype(clip):
    grads = {"cell": {"w": np.full((2, 2), 3.0, np.float32)}, "b": np.array([0.5])}
    before = {"w": grads["cell"]["w"].copy(), "b": grads["b"].copy()}
    clipped = clip(grads)
    assert clipped.keys() == grads.keys() and clipped["cell"].keys() == {"w"}
    assert clipped["cell"]["w"].dtype == np.float32 and clipped["b"].dtype == np.float64
    np.testing.assert_array_equal(grads["cell"]["w"], before["w"])  # the input is untouched
    np.testing.assert_array_equal(grads["b"], before["b"])
    clipped["b"][0] = 7.0
    assert grads["b"][0] == 0.5  # and not shared


def test_clip_grad_norm_by_hand():
    clipped, norm = optim.clip_grad_norm({"a": np.array([3.0, 4.0])}, 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped["a"], [0.6, 0.8], rtol=1e-15)


# --- one step of each optimiser, by hand ---------------------------------------------------


def test_sgd_step_by_hand():
    p = {"w": np.array([1.0, -2.0])}
    optim.SGD(p, lr=0.1).step({"w": np.array([0.5, 0.25])})
    np.testing.assert_allclose(p["w"], [0.95, -2.025], rtol=1e-15)


def test_momentum_two_steps_by_hand():
    p = {"w": np.array([0.0, 0.0])}
    opt = optim.Momentum(p, lr=0.1, momentum=0.9)
    g = {"w": np.array([1.0, 2.0])}
    opt.step(g)  # v = [1, 2];  p = -0.1 * v
    np.testing.assert_allclose(p["w"], [-0.1, -0.2], rtol=1e-15)
    opt.step(g)  # v = 0.9 * [1, 2] + [1, 2] = [1.9, 3.8];  p -= 0.1 * v
    np.testing.assert_allclose(p["w"], [-0.29, -0.58], rtol=1e-14)


def test_adagrad_two_steps_by_hand():
    p = {"w": np.array([1.0])}
    opt = optim.Adagrad(p, lr=0.5, eps=1e-8)
    opt.step({"w": np.array([2.0])})  # G = 4;  p = 1 - 0.5 * 2 / (2 + 1e-8)
    np.testing.assert_allclose(p["w"], [1 - 1 / (2 + 1e-8)], rtol=1e-15)
    opt.step({"w": np.array([1.0])})  # G = 5;  p -= 0.5 * 1 / (sqrt 5 + 1e-8)
    np.testing.assert_allclose(p["w"], [1 - 1 / (2 + 1e-8) - 0.5 / (math.sqrt(5) + 1e-8)], rtol=1e-15)


def test_adam_two_steps_by_hand():
    p = {"w": np.array([1.0])}
    opt = optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    opt.step({"w": np.array([1.0])})
    # m = 0.1, v = 0.001; m_hat = 0.1 / 0.1 = 1, v_hat = 0.001 / 0.001 = 1: a step of lr
    np.testing.assert_allclose(p["w"], [1 - 0.01 / (1 + 1e-8)], rtol=1e-14)
    opt.step({"w": np.array([-2.0])})
    # m = 0.09 - 0.2 = -0.11, v = 0.000999 + 0.004 = 0.004999
    # m_hat = -0.11 / 0.19, v_hat = 0.004999 / 0.001999
    step2 = 0.01 * (-0.11 / 0.19) / (math.sqrt(0.004999 / 0.001999) + 1e-8)
    np.testing.assert_allclose(p["w"], [1 - 0.01 / (1 + 1e-8) - step2], rtol=1e-12)


# --- every optimiser minimises a quadratic, keeps float32, works on nested dicts ------------

OPTIMISERS = [
    (optim.SGD, {"lr": 0.1}),
    (optim.Momentum, {"lr": 0.05, "momentum": 0.9}),
    (optim.Adagrad, {"lr": 0.5}),
    (optim.Adam, {"lr": 0.05}),
]


def quadratic(params):
    """f = 1/2 sum a (p - c)^2 over two nested arrays, and its gradient."""
    a = {"w": np.array([[1.0, 3.0]]), "b": np.array([0.5])}
    c = {"w": np.array([[2.0, -1.0]]), "b": np.array([4.0])}
    cell = params["cell"]
    loss = sum(float(np.sum(0.5 * a[k] * (cell[k] - c[k]) ** 2)) for k in cell)
    grads = {"cell": {k: (a[k] * (cell[k] - c[k])).astype(cell[k].dtype) for k in cell}}
    return loss, grads


@pytest.mark.parametrize("opt_cls, kwargs", OPTIMISERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_optimiser_minimises_a_quadratic_and_keeps_the_dtype(opt_cls, kwargs, dtype):
    params = {"cell": {"w": np.zeros((1, 2), dtype), "b": np.zeros(1, dtype)}}
    w_array = params["cell"]["w"]
    opt = opt_cls(params, **kwargs)
    start, _ = quadratic(params)
    for _ in range(300):
        _, grads = quadratic(params)
        opt.step(grads)
    end, _ = quadratic(params)
    assert end < 1e-3 * start
    assert params["cell"]["w"] is w_array  # updated in place
    assert params["cell"]["w"].dtype == dtype and params["cell"]["b"].dtype == dtype
    assert all(s.dtype == dtype for state in opt.state.values() for s in state.values())
    assert opt.t == 300 and type(opt).__name__ in repr(opt)


# --- bad input ---------------------------------------------------------------------------


def make():
    return {"cell": {"w": np.ones((2, 2))}, "out": {"b": np.ones(2)}}


@pytest.mark.parametrize("opt_cls, kwargs", OPTIMISERS)
@pytest.mark.parametrize(
    "grads, error, message",
    [
        ({"cell": {"w": np.ones((2, 2))}}, ValueError, r"missing from grads: \['out/b'\], not in params: \[\]"),
        ({**make(), "extra": np.ones(1)}, ValueError, r"not in params: \['extra'\]"),
        ({"cell": {"w": np.ones((2, 3))}, "out": {"b": np.ones(2)}}, ValueError, r"grads\['cell/w'\] has shape \(2, 3\) but params\['cell/w'\] has shape \(2, 2\)"),
        ({"cell": {"w": np.ones((2, 2), np.float32)}, "out": {"b": np.ones(2)}}, TypeError, r"grads\['cell/w'\] has dtype float32 but params\['cell/w'\] has dtype float64"),
        ({"cell": {"w": np.ones((2, 2))}, "out": {"b": np.array([1.0, np.nan])}}, ValueError, r"grads\['out/b'\] must be finite, but grads\['out/b'\]\[1\] = nan"),
        ({"cell": {"w": np.array([[1.0, np.inf], [0, 0]])}, "out": {"b": np.ones(2)}}, ValueError, r"grads\['cell/w'\] must be finite"),
        ([1, 2], TypeError, "grads must be a dict of arrays"),
    ],
)
def test_step_with_mismatched_grads_raises_and_leaves_params_unchanged(opt_cls, kwargs, grads, error, message):
    params = make()
    opt = opt_cls(params, **kwargs)
    with pytest.raises(error, match=message):
        opt.step(grads)
    np.testing.assert_array_equal(flat(params), flat(make()))
    assert opt.t == 0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: optim.SGD({"w": np.ones(2)}, lr=0.0), ValueError, "lr must be > 0, got 0.0"),
        (lambda: optim.SGD({"w": np.ones(2)}, lr=True), TypeError, "lr must be a number"),
        (lambda: optim.SGD({"w": np.ones(2)}, lr=float("nan")), ValueError, "lr must be finite"),
        (lambda: optim.SGD({"w": [1.0, 2.0]}, lr=0.1), TypeError, r"params\['w'\] must be a float ndarray .* got list"),
        (lambda: optim.SGD({"w": np.ones(2, int)}, lr=0.1), TypeError, r"got ndarray of dtype int64"),
        (lambda: optim.SGD(np.ones(2), lr=0.1), TypeError, "params must be a dict of arrays"),
        (lambda: optim.Momentum({"w": np.ones(2)}, lr=0.1, momentum=1.0), ValueError, r"momentum must lie in \[0, 1\), got 1.0"),
        (lambda: optim.Adagrad({"w": np.ones(2)}, lr=0.1, eps=0), ValueError, "eps must be > 0"),
        (lambda: optim.Adam({"w": np.ones(2)}, betas=(0.9,)), ValueError, r"betas must be a pair"),
        (lambda: optim.Adam({"w": np.ones(2)}, betas=(0.9, -0.1)), ValueError, r"betas\[1\] must lie in \[0, 1\)"),
        (lambda: optim.clip_grad_norm({"w": np.ones(2)}, 0), ValueError, "max_norm must be > 0"),
        (lambda: optim.clip_grad_norm({"w": np.array([np.inf])}, 1.0), ValueError, r"grads\['w'\] must be finite"),
        (lambda: optim.clip_grad_value({"w": np.ones(2)}, -1.0), ValueError, "clip_value must be > 0"),
        (lambda: optim.clip_grad_value({"w": np.array([np.nan])}, 1.0), ValueError, r"grads\['w'\] must be finite"),
        (lambda: optim.global_norm({"w": np.ones(2, int)}), TypeError, r"grads\['w'\] must be a float array, got dtype int64"),
        (lambda: optim.global_norm({"w": "abc"}), TypeError, r"grads\['w'\] must be a float array"),
    ],
)
def test_bad_arguments_raise_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
