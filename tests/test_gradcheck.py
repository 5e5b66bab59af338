import numpy as np
import pytest

from rnnlib import gradcheck as gc


def test_rel_error_is_normwise_and_bounded():
    a = np.array([3.0, 4.0])
    assert gc.rel_error(a, a) == 0.0
    assert gc.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gc.rel_error(a, -a) == 1.0
    assert gc.rel_error(a, np.zeros(2)) == 1.0
    # ||(0, 1e-3)|| / (5 + ||(3, 4.001)||): small, although entry 1 alone would be 1e-3 / 4
    np.testing.assert_allclose(gc.rel_error(a, [3.0, 4.001]), 1e-3 / (5 + np.hypot(3, 4.001)), rtol=1e-9)
    # an entry that is 0 in one and 1e-12 in the other does not dominate
    assert gc.rel_error([1.0, 0.0], [1.0, 1e-12]) < 1e-12


def test_numerical_gradient_of_a_cubic_matches_its_derivative_and_restores_x_exactly():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    original = x.copy()
    grad = gc.numerical_gradient(lambda: np.sum(x**3), x)
    assert gc.rel_error(grad, 3 * original**2) < 1e-9
    assert grad.shape == x.shape and grad.dtype == x.dtype
    np.testing.assert_array_equal(x, original)  # bit for bit


def test_numerical_gradient_restores_x_even_when_f_raises():
    x = np.array([1.0, 2.0])

    def f():
        if x[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError, match="boom"):
        gc.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_vjp_of_a_matrix_product_is_W_transpose_times_dout():
    rng = np.random.default_rng(1)
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(2,))
    dout = rng.normal(size=3)
    assert gc.rel_error(gc.numerical_vjp(lambda: w @ x, x, dout), w.T @ dout) < 1e-9
    assert gc.rel_error(gc.numerical_vjp(lambda: w @ x, w, dout), np.outer(dout, x)) < 1e-9


def affine_tanh_problem():
    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    dout = rng.normal(size=(4, 2))
    y = np.tanh(x @ w.T + b)
    da = dout * (1 - y**2)
    analytic = {"x": da @ w, "w": da.T @ x, "b": da.sum(axis=0)}
    return (lambda: np.tanh(x @ w.T + b)), {"x": x, "w": w, "b": b}, analytic, dout


def test_check_vjp_accepts_a_correct_gradient():
    f, inputs, analytic, dout = affine_tanh_problem()
    errors = gc.check_vjp(f, inputs, analytic, dout)
    assert errors.keys() == {"x", "w", "b"}
    worst = gc.assert_gradients_close(errors)
    assert worst == max(errors.values()) < 1e-9


@pytest.mark.parametrize(
    "mistake",
    [
        lambda g: {**g, "w": 1.01 * g["w"]},  # off by 1 %
        lambda g: {**g, "b": np.zeros_like(g["b"])},  # forgotten bias gradient
        lambda g: {**g, "w": g["w"][::-1]},  # rows swapped
    ],
)
def test_check_vjp_detects_a_wrong_gradient(mistake):
    f, inputs, analytic, dout = affine_tanh_problem()
    errors = gc.check_vjp(f, inputs, mistake(analytic), dout)
    assert max(errors.values()) > 1e-3
    with pytest.raises(AssertionError, match=r"1 of 3 gradient\(s\) differ .* tolerance 1e-07: (w|b): "):
        gc.assert_gradients_close(errors)


def test_assert_gradients_close_lists_failures_worst_first_with_nan_the_worst():
    errors = {"a": 1e-9, "b": 1e-3, "c": 0.5, "d": float("nan")}
    with pytest.raises(AssertionError, match=r"3 of 4 .*: d: nan, c: 0.5, b: 0.001$"):
        gc.assert_gradients_close(errors)
    assert gc.assert_gradients_close({"a": 1e-3}, tol=1e-2) == 1e-3


def test_float32_is_refused_unless_eps_is_given():
    x = np.ones(3, np.float32)
    with pytest.raises(TypeError, match=r"x has dtype float32: finite differences .* pass eps explicitly"):
        gc.numerical_gradient(lambda: np.sum(x**2), x)
    with pytest.raises(TypeError, match=r"inputs\['x'\] has dtype float32"):
        gc.check_vjp(lambda: x * 2, {"x": x}, {"x": x}, np.ones(3))
    grad = gc.numerical_gradient(lambda: np.sum(x.astype(np.float64) ** 2), x, eps=1e-2)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, 2.0, rtol=1e-3)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: gc.rel_error(np.ones(2), np.ones(3)), ValueError, r"one shape, got \(2,\) and \(3,\)"),
        (lambda: gc.numerical_gradient(lambda: 0.0, [1.0, 2.0]), TypeError, "x must be a float ndarray .* got list"),
        (lambda: gc.numerical_gradient(lambda: 0.0, np.ones(2, int)), TypeError, "got dtype int64"),
        (lambda: gc.numerical_gradient(lambda: 0.0, np.ones(2), eps=0.0), ValueError, "eps must be > 0"),
        (lambda: gc.numerical_gradient(lambda: np.ones(2), np.ones(2)), ValueError, r"f\(\) must return a scalar, got an array of shape \(2,\)"),
        (lambda: gc.numerical_gradient(lambda: 0.0, np.full(1, 1e4, np.float32), eps=1e-6), ValueError, "too small to change"),
        (lambda: gc.numerical_vjp(lambda: np.ones(3), np.ones(2), np.ones(2)), ValueError, r"f\(\) returned shape \(3,\) but dout has shape \(2,\)"),
        (lambda: gc.check_vjp(lambda: 0.0, {"x": np.ones(2)}, {"y": np.ones(2)}, 1.0), ValueError, r"missing: \['x'\], extra: \['y'\]"),
        (lambda: gc.check_vjp(lambda: 0.0, {"x": np.ones(2)}, {"x": np.ones(3)}, 1.0), ValueError, r"analytic\['x'\] has shape \(3,\) but inputs\['x'\] has shape \(2,\)"),
        (lambda: gc.check_vjp(lambda: 0.0, [np.ones(2)], {}, 1.0), TypeError, "inputs and analytic must be dicts"),
        (lambda: gc.assert_gradients_close({}), ValueError, "errors is empty"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_read_only_input_is_refused():
    x = np.ones(2)
    x.flags.writeable = False
    with pytest.raises(ValueError, match="x is read-only"):
        gc.numerical_gradient(lambda: 0.0, x)
