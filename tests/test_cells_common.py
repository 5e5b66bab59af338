"""The contract every cell (rnn, lstm, gru) keeps, written once.

This module is not collected by itself (``__test__ = False``): each of test_rnn.py,
test_lstm.py and test_gru.py imports its tests with ``from test_cells_common import *`` and
defines the fixture ``cell`` as its module, so the tests run once per cell and a failure
names the cell's file.
"""

import numpy as np
import pytest
from conftest import SHAPES, assert_matches_numerical, random_params, random_state, state_arrays

from rnnlib import lstm

__test__ = False
KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _inputs(cell, T, B, D, H, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = random_params(cell, D, H, rng, dtype)
    xs = rng.standard_normal((T, B, D)).astype(dtype)
    state0 = random_state(cell, B, H, rng, dtype)
    dhs = rng.standard_normal((T, B, H)).astype(dtype)
    return params, xs, state0, dhs


# --- gradients against centred finite differences ------------------------------------------


@pytest.mark.parametrize("T, B, D, H", SHAPES)
def test_backward_matches_finite_differences(cell, T, B, D, H):
    params, xs, state0, dhs = _inputs(cell, T, B, D, H)

    def loss():
        return np.sum(cell.forward(xs, state0, params)[0] * dhs)

    _, cache = cell.forward(xs, state0, params)
    dxs, dstate0, grads = cell.backward(dhs, cache)
    arrays = {"xs": xs, **state_arrays(cell, state0), **params}
    analytic = {"xs": dxs, **state_arrays(cell, dstate0), **grads}
    assert_matches_numerical(loss, arrays, analytic)


@pytest.mark.parametrize("B, D, H", [(1, 1, 1), (3, 4, 5), (2, 3, 1)])
def test_step_backward_matches_finite_differences(cell, B, D, H):
    rng = np.random.default_rng(1)
    params = random_params(cell, D, H, rng)
    x = rng.standard_normal((B, D))
    state = random_state(cell, B, H, rng)
    # A random weight on every output of the step: on the LSTM both h and c (dc != 0).
    weights = random_state(cell, B, H, rng)

    def loss():
        out, _ = cell.step_forward(x, state, params)
        if cell is lstm:
            return np.sum(out[0] * weights[0]) + np.sum(out[1] * weights[1])
        return np.sum(out * weights)

    _, cache = cell.step_forward(x, state, params)
    dx, dstate_prev, grads = cell.step_backward(weights, cache)
    arrays = {"x": x, **state_arrays(cell, state), **params}
    analytic = {"x": dx, **state_arrays(cell, dstate_prev), **grads}
    assert_matches_numerical(loss, arrays, analytic)


# --- the sequence functions are T steps -----------------------------------------------------


def test_forward_equals_step_forward_repeated(cell):
    params, xs, state0, _ = _inputs(cell, 6, 3, 4, 5)
    hs, cache = cell.forward(xs, state0, params)
    state = state0
    for t in range(xs.shape[0]):
        state, _ = cell.step_forward(xs[t], state, params)
        h = state[0] if cell is lstm else state
        np.testing.assert_allclose(hs[t], h, rtol=1e-13, atol=1e-15)
    final = cell.final_state(cache)
    for got, want in zip(state_arrays(cell, final).values(), state_arrays(cell, state).values()):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_none_state_means_zeros(cell):
    params, xs, state0, _ = _inputs(cell, 3, 2, 4, 5)
    zeros = random_state(cell, 2, 5, np.random.default_rng(0))
    zeros = tuple(np.zeros_like(z) for z in zeros) if cell is lstm else np.zeros_like(zeros)
    np.testing.assert_array_equal(cell.forward(xs, None, params)[0], cell.forward(xs, zeros, params)[0])
    h_none, _ = cell.step_forward(xs[0], None, params)
    h_zero, _ = cell.step_forward(xs[0], zeros, params)
    np.testing.assert_array_equal(np.asarray(h_none), np.asarray(h_zero))


def test_init_params_shapes_bounds_and_dtype(cell):
    D, H = 5, 7
    G = cell.GATES
    for dtype in (np.float64, np.float32):
        params = cell.init_params(D, H, rng=0, dtype=dtype)
        assert sorted(params) == sorted(KEYS)
        shapes = {"weight_ih": (G * H, D), "weight_hh": (G * H, H), "bias_ih": (G * H,), "bias_hh": (G * H,)}
        for key, value in params.items():
            assert value.shape == shapes[key] and value.dtype == dtype
            assert np.all(np.abs(value) <= 1 / np.sqrt(H)) and np.any(value != 0)


# --- dtypes --------------------------------------------------------------------------------


def _flat(value):
    """Every array in a (possibly nested) result, in order."""
    if isinstance(value, dict):
        return [value[k] for k in KEYS]
    if isinstance(value, tuple):
        return [a for v in value for a in _flat(v)]
    return [value]


def test_float32_in_float32_out_and_close_to_float64(cell):
    results = {}
    for dtype in (np.float32, np.float64):
        params, xs, state0, dhs = _inputs(cell, 5, 3, 4, 6, dtype=dtype)
        hs, cache = cell.forward(xs, state0, params)
        dxs, dstate0, grads = cell.backward(dhs, cache)
        out, step_cache = cell.step_forward(xs[0], state0, params)
        step_grad = cell.step_backward(out, step_cache)
        arrays = _flat((hs, dxs, dstate0, grads, out, step_grad))
        assert all(a.dtype == dtype for a in arrays), [a.dtype for a in arrays]
        results[dtype] = arrays
    for a32, a64 in zip(results[np.float32], results[np.float64]):
        np.testing.assert_allclose(a32, a64, rtol=1e-4, atol=1e-4)


def test_mixing_dtypes_is_an_error(cell):
    params, xs, state0, _ = _inputs(cell, 2, 2, 3, 4)
    with pytest.raises(TypeError, match=r"xs has dtype float32 but params have dtype float64"):
        cell.forward(xs.astype(np.float32), state0, params)
    _, cache = cell.forward(xs, state0, params)
    with pytest.raises(TypeError, match=r"dhs has dtype float32"):
        cell.backward(np.zeros((2, 2, 4), np.float32), cache)


# --- reproducibility -----------------------------------------------------------------------


def test_same_seed_gives_bit_identical_results(cell):
    def run():
        params = cell.init_params(4, 5, rng=123)
        _, xs, state0, dhs = _inputs(cell, 4, 3, 4, 5, seed=7)
        hs, cache = cell.forward(xs, state0, params)
        return _flat(params) + [hs] + _flat(cell.backward(dhs, cache))

    for a, b in zip(run(), run()):
        assert a.tobytes() == b.tobytes()
    other = cell.init_params(4, 5, rng=124)
    assert not np.array_equal(other["weight_ih"], cell.init_params(4, 5, rng=123)["weight_ih"])


# --- bad input -----------------------------------------------------------------------------


def test_wrong_input_size_is_rejected(cell):
    params, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    with pytest.raises(ValueError, match=r"xs has shape \(2, 3, 6\) but params expect input size 4"):
        cell.forward(np.zeros((2, 3, 6)), state0, params)
    with pytest.raises(ValueError, match=r"x has shape \(3, 6\) but params expect input size 4"):
        cell.step_forward(np.zeros((3, 6)), state0, params)


def test_input_of_wrong_rank_is_rejected(cell):
    params, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    with pytest.raises(ValueError, match=r"xs must be 3-D, got 2-D array of shape \(3, 4\)"):
        cell.forward(xs[0], state0, params)
    with pytest.raises(ValueError, match=r"x must be 2-D, got 3-D"):
        cell.step_forward(xs, state0, params)


def test_empty_sequence_is_rejected(cell):
    params, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    with pytest.raises(ValueError, match=r"xs is an empty sequence: expected T >= 1"):
        cell.forward(xs[:0], state0, params)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_rejected(cell, bad):
    params, xs, state0, dhs = _inputs(cell, 2, 3, 4, 5)
    xs[1, 2, 0] = bad
    with pytest.raises(ValueError, match=r"xs must be finite, but xs\[1, 2, 0\] = "):
        cell.forward(xs, state0, params)
    xs[1, 2, 0] = 0.0
    h0 = state0[0] if cell is lstm else state0
    h0[0, 1] = bad
    name = r"state0\[0\]" if cell is lstm else "state0"
    with pytest.raises(ValueError, match=rf"{name} must be finite"):
        cell.forward(xs, state0, params)
    h0[0, 1] = 0.0
    _, cache = cell.forward(xs, state0, params)
    dhs[0, 0, 0] = bad
    with pytest.raises(ValueError, match=r"dhs must be finite"):
        cell.backward(dhs, cache)


def test_state_of_wrong_shape_is_rejected(cell):
    params, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    bad = np.zeros((3, 6))
    state = (bad, state0[1]) if cell is lstm else bad
    name = r"state0\[0\]" if cell is lstm else "state0"
    with pytest.raises(ValueError, match=rf"{name} has shape \(3, 6\) but expected \(3, 5\)"):
        cell.forward(xs, state, params)
    step_name = r"state\[0\]" if cell is lstm else "state"
    with pytest.raises(ValueError, match=rf"{step_name} has shape \(3, 6\) but expected \(3, 5\)"):
        cell.step_forward(xs[0], state, params)


def test_dhs_of_wrong_shape_is_rejected(cell):
    params, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    _, cache = cell.forward(xs, state0, params)
    with pytest.raises(ValueError, match=r"dhs has shape \(2, 3, 4\) but expected \(2, 3, 5\)"):
        cell.backward(np.zeros((2, 3, 4)), cache)


@pytest.mark.parametrize("key", KEYS)
def test_missing_params_key_is_rejected(cell, key):
    params, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    del params[key]
    with pytest.raises(ValueError, match=rf"params is missing key\(s\) \['{key}'\]"):
        cell.forward(xs, state0, params)
    with pytest.raises(ValueError, match=r"params is missing key"):
        cell.step_forward(xs[0], state0, params)


def test_params_of_another_cell_are_rejected(cell):
    _, xs, state0, _ = _inputs(cell, 2, 3, 4, 5)
    G = 2 if cell.GATES != 2 else 1  # no cell has 2 gates
    wrong = {"weight_ih": np.zeros((G * 5, 4)), "weight_hh": np.zeros((G * 5, 5)),
             "bias_ih": np.zeros(G * 5), "bias_hh": np.zeros(G * 5)}
    with pytest.raises(ValueError, match=r"params\['weight_hh'\] must have shape"):
        cell.forward(xs, state0, wrong)
