import numpy as np
import pytest

from rnnlib import layers
from rnnlib.gradcheck import assert_gradients_close, check_vjp

TOL = 1e-7  # relative error of analytic against finite-difference gradients, float64

# --- linear ----------------------------------------------------------------------------


def test_init_linear_has_torch_shapes_bounds_and_is_reproducible():
    p = layers.init_linear(16, 3, rng=0)
    assert p["weight"].shape == (3, 16) and p["bias"].shape == (3,)
    assert p["weight"].dtype == np.float64
    bound = 1 / np.sqrt(16)
    for v in p.values():
        assert np.all(np.abs(v) <= bound)
    assert np.abs(p["weight"]).max() > 0.5 * bound  # actually spread over the interval
    q = layers.init_linear(16, 3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(p["weight"], q["weight"])
    assert layers.init_linear(2, 2, rng=0, dtype=np.float32)["bias"].dtype == np.float32


@pytest.mark.parametrize("lead", [(), (1,), (4,), (2, 3), (1, 1, 2)])
def test_linear_forward_computes_W_x_plus_b_for_every_leading_index(lead):
    rng = np.random.default_rng(0)
    p = layers.init_linear(3, 2, rng=rng)
    x = rng.normal(size=lead + (3,))
    y, _ = layers.linear_forward(x, p)
    assert y.shape == lead + (2,)
    for idx in np.ndindex(*lead):
        np.testing.assert_allclose(y[idx], p["weight"] @ x[idx] + p["bias"], rtol=1e-13)


@pytest.mark.parametrize("lead, n_in, n_out", [((1,), 1, 1), ((1,), 3, 2), ((4,), 3, 5), ((2, 3), 4, 2), ((), 3, 3)])
def test_linear_backward_matches_finite_differences(lead, n_in, n_out):
    rng = np.random.default_rng(1)
    p = {"weight": rng.normal(size=(n_out, n_in)), "bias": rng.normal(size=n_out)}  # nonzero bias
    x = rng.normal(size=lead + (n_in,))
    dy = rng.normal(size=lead + (n_out,))
    y, cache = layers.linear_forward(x, p)
    dx, grads = layers.linear_backward(dy, cache)
    assert dx.shape == x.shape and grads["weight"].shape == p["weight"].shape

    def f():
        return layers.linear_forward(x, p)[0]

    errors = check_vjp(
        f,
        {"x": x, "weight": p["weight"], "bias": p["bias"]},
        {"x": dx, "weight": grads["weight"], "bias": grads["bias"]},
        dy,
    )
    assert_gradients_close(errors, tol=TOL)


def test_linear_keeps_float32():
    p = layers.init_linear(3, 2, rng=0, dtype=np.float32)
    y, cache = layers.linear_forward(np.ones((4, 3), np.float32), p)
    dx, grads = layers.linear_backward(np.ones((4, 2), np.float32), cache)
    assert {y.dtype, dx.dtype, grads["weight"].dtype, grads["bias"].dtype} == {np.dtype(np.float32)}


# --- one-hot and embedding -------------------------------------------------------------


def test_one_hot_puts_a_single_one_at_each_id():
    ids = np.array([[0, 2], [1, 1]])
    out = layers.one_hot(ids, 3, dtype=np.float32)
    assert out.shape == (2, 2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(3)[ids])


def test_init_embedding_draws_standard_normal_rows():
    p = layers.init_embedding(50, 40, rng=3)
    assert p["weight"].shape == (50, 40)
    np.testing.assert_array_equal(p["weight"], np.random.default_rng(3).standard_normal((50, 40)))
    assert abs(p["weight"].mean()) < 0.05 and abs(p["weight"].std() - 1) < 0.05
    assert layers.init_embedding(2, 2, dtype=np.float32)["weight"].dtype == np.float32


@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3)])
def test_embedding_forward_equals_one_hot_times_the_table(shape):
    rng = np.random.default_rng(2)
    p = layers.init_embedding(4, 3, rng=rng)
    ids = rng.integers(0, 4, size=shape)
    out, _ = layers.embedding_forward(ids, p)
    assert out.shape == shape + (3,)
    np.testing.assert_allclose(out, layers.one_hot(ids, 4) @ p["weight"], rtol=1e-15)


@pytest.mark.parametrize(
    "ids", [np.array([1]), np.array([0, 2, 2, 2, 1]), np.array([[3, 3], [0, 3]]), np.array(2)]
)
def test_embedding_backward_matches_finite_differences_with_repeated_ids(ids):
    rng = np.random.default_rng(3)
    p = layers.init_embedding(4, 3, rng=rng)
    out, cache = layers.embedding_forward(ids, p)
    dout = rng.normal(size=out.shape)
    grads = layers.embedding_backward(dout, cache)

    def f():
        return layers.embedding_forward(ids, p)[0]

    assert_gradients_close(check_vjp(f, {"weight": p["weight"]}, grads, dout), tol=TOL)


def test_embedding_backward_adds_up_repeated_ids():
    p = {"weight": np.zeros((3, 2))}
    _, cache = layers.embedding_forward(np.array([1, 1, 1]), p)
    grads = layers.embedding_backward(np.ones((3, 2)), cache)
    np.testing.assert_array_equal(grads["weight"], [[0, 0], [3, 3], [0, 0]])


# --- bad input ---------------------------------------------------------------------------

P = {"weight": np.zeros((2, 3)), "bias": np.zeros(2)}
E = {"weight": np.zeros((4, 3))}


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: layers.init_linear(0, 2), ValueError, "in_features must be a positive int, got 0"),
        (lambda: layers.init_linear(2, 2.0), TypeError, "out_features must be a positive int"),
        (lambda: layers.init_linear(2, 2, dtype=np.int64), TypeError, "dtype must be float32 or float64"),
        (lambda: layers.init_linear(2, 2, rng="seed"), TypeError, "rng must be an np.random.Generator"),
        (lambda: layers.linear_forward(np.zeros((4, 2)), P), ValueError, r"x has shape \(4, 2\) but params expect 3 input features"),
        (lambda: layers.linear_forward(np.float64(1.0), P), ValueError, "params expect 3 input features"),
        (lambda: layers.linear_forward(np.zeros((4, 3), np.float32), P), TypeError, "x has dtype float32 but params have dtype float64"),
        (lambda: layers.linear_forward(np.full((1, 3), np.nan), P), ValueError, "x must be finite"),
        (lambda: layers.linear_forward(np.zeros(3), [1, 2]), TypeError, "params must be a dict of arrays, got list"),
        (lambda: layers.linear_forward(np.zeros(3), {"weight": P["weight"]}), ValueError, r"params is missing key\(s\) \['bias'\]"),
        (lambda: layers.linear_forward(np.zeros(3), {"weight": np.zeros(3), "bias": np.zeros(1)}), ValueError, r"params\['weight'\] must have shape \(out, in\)"),
        (lambda: layers.linear_forward(np.zeros(3), {"weight": P["weight"], "bias": np.zeros(3)}), ValueError, r"params\['bias'\] has shape \(3,\) but expected \(2,\)"),
        (lambda: layers.linear_forward(np.zeros(3), {"weight": P["weight"], "bias": np.zeros(2, np.float32)}), TypeError, r"params\['bias'\] has dtype float32"),
        (lambda: layers.linear_backward(np.zeros((4, 3)), layers.linear_forward(np.zeros((4, 3)), P)[1]), ValueError, r"dy has shape \(4, 3\) but expected \(4, 2\)"),
        (lambda: layers.one_hot(np.array([0, 5]), 5), ValueError, r"ids must lie in \[0, 5\) for 5 classes, but ids\[1\] = 5"),
        (lambda: layers.one_hot(np.array(7), 5), ValueError, r"ids must lie in \[0, 5\) for 5 classes, but ids = 7"),
        (lambda: layers.one_hot(np.array([0.0]), 5), TypeError, "ids must be an integer array, got dtype float64"),
        (lambda: layers.one_hot(np.array([0]), 0), ValueError, "num_classes must be a positive int, got 0"),
        (lambda: layers.init_embedding(3, -1), ValueError, "embedding_dim must be a positive int"),
        (lambda: layers.embedding_forward(np.array([[0, 4]]), E), ValueError, r"ids must lie in \[0, 4\) for 4 embeddings, but ids\[0, 1\] = 4"),
        (lambda: layers.embedding_forward(np.array([-1]), E), ValueError, r"ids\[0\] = -1"),
        (lambda: layers.embedding_forward(np.array([0]), {"weight": np.zeros(4)}), ValueError, r"params\['weight'\] must have shape \(V, E\)"),
        (lambda: layers.embedding_forward(np.array([0]), {"w": np.zeros((4, 3))}), ValueError, "missing key"),
        (lambda: layers.embedding_forward(np.array([0]), {"weight": np.zeros((4, 3), int)}), TypeError, "must be float32 or float64"),
        (lambda: layers.embedding_backward(np.zeros((2, 3)), layers.embedding_forward(np.array([0]), E)[1]), ValueError, r"dout has shape \(2, 3\) but expected \(1, 3\)"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
