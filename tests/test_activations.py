import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnnlib import activations as act

PROPERTY = settings(derandomize=True, max_examples=40, deadline=None, database=None)

ANY_FLOAT = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
MODERATE = st.floats(-8.0, 8.0, allow_nan=False, allow_infinity=False)


def centred_difference(f, a, h=1e-5):
    """Elementwise derivative of an elementwise f by centred differences (the reference)."""
    return (f(a + h) - f(a - h)) / (2 * h)


@PROPERTY
@given(arrays(np.float64, st.integers(1, 20), elements=ANY_FLOAT))
def test_sigmoid_never_overflows_and_lies_in_the_unit_interval(a):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = act.sigmoid(a)
    assert np.all((s >= 0.0) & (s <= 1.0))


def test_sigmoid_at_extreme_inputs_saturates_to_exactly_zero_and_one():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = act.sigmoid(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]))
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])


@PROPERTY
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30)))
def test_sigmoid_equals_the_textbook_formula_and_is_symmetric(a):
    s = act.sigmoid(a)
    np.testing.assert_allclose(s, 1.0 / (1.0 + np.exp(-a)), rtol=1e-14)
    np.testing.assert_allclose(act.sigmoid(-a), 1.0 - s, rtol=1e-12, atol=1e-15)


def test_tanh_is_numpys_tanh():
    a = np.linspace(-5, 5, 11)
    np.testing.assert_array_equal(act.tanh(a), np.tanh(a))


@PROPERTY
@given(arrays(np.float64, st.integers(1, 20), elements=MODERATE))
def test_tanh_derivative_matches_finite_differences(a):
    np.testing.assert_allclose(act.tanh_deriv(a), centred_difference(np.tanh, a), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(act.tanh_deriv_from_output(np.tanh(a)), act.tanh_deriv(a), rtol=1e-12, atol=1e-15)


@PROPERTY
@given(arrays(np.float64, st.integers(1, 20), elements=MODERATE))
def test_sigmoid_derivative_matches_finite_differences(a):
    np.testing.assert_allclose(act.sigmoid_deriv(a), centred_difference(act.sigmoid, a), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(
        act.sigmoid_deriv_from_output(act.sigmoid(a)), act.sigmoid_deriv(a), rtol=1e-12, atol=1e-15
    )


@PROPERTY
@given(arrays(np.float64, st.integers(1, 20), elements=ANY_FLOAT))
def test_derivatives_lie_in_their_stated_ranges(a):
    t = act.tanh_deriv(a)
    s = act.sigmoid_deriv(a)
    assert np.all((t >= 0.0) & (t <= 1.0))
    assert np.all((s >= 0.0) & (s <= 0.25))


@PROPERTY
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3)))
def test_relu_and_its_derivative_match_finite_differences_away_from_zero(a):
    np.testing.assert_array_equal(act.relu(a), np.where(a > 0, a, 0.0))
    np.testing.assert_allclose(act.relu_deriv(a), centred_difference(act.relu, a, h=1e-6), rtol=1e-7, atol=1e-9)


def test_relu_derivative_at_zero_is_zero():
    assert act.relu_deriv(np.array([0.0]))[0] == 0.0


@pytest.mark.parametrize(
    "fn",
    [
        act.tanh,
        act.tanh_deriv,
        act.tanh_deriv_from_output,
        act.sigmoid,
        act.sigmoid_deriv,
        act.sigmoid_deriv_from_output,
        act.relu,
        act.relu_deriv,
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_activation_keeps_shape_and_dtype(fn, dtype):
    a = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    out = fn(a)
    assert out.shape == (3, 4)
    assert out.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_inplace_overwrites_its_argument_with_the_stable_sigmoid(dtype):
    a = np.linspace(-40, 40, 801).astype(dtype).reshape(3, 267)
    expected = act.sigmoid(a)
    out = act.sigmoid_inplace(a)
    assert out is a and out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=4 * np.finfo(dtype).eps, atol=0)


def test_sigmoid_inplace_saturates_without_a_warning_at_extreme_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for dtype in (np.float32, np.float64):
            s = act.sigmoid_inplace(np.array([-1e4, -800.0, 0.0, 800.0, 1e4], dtype=dtype))
            np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])


def test_sigmoid_inplace_works_on_a_strided_view():
    buffer = np.random.default_rng(0).normal(size=(4, 12))
    expected = act.sigmoid(buffer[:, 3:6])
    act.sigmoid_inplace(buffer[:, 3:6])
    np.testing.assert_allclose(buffer[:, 3:6], expected, rtol=1e-15)
