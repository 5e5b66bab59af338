import numpy as np
import pytest

from rnnlib import linear_rnn, recursion, rnn, spectral


def test_scale_to_spectral_radius_sets_the_radius():
    w = np.random.default_rng(0).standard_normal((6, 6))
    for rho in (0.5, 1.0, 3.0):
        assert spectral.spectral_radius(spectral.scale_to_spectral_radius(w, rho)) == pytest.approx(rho, rel=1e-12)


def test_scale_to_spectral_radius_rejects_a_nilpotent_matrix():
    with pytest.raises(ValueError, match="nilpotent"):
        spectral.scale_to_spectral_radius(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0)


def test_matrix_with_eigenvalues_has_them_and_is_symmetric():
    lam = np.array([0.9, -0.5, 0.2, 0.1])
    w = spectral.matrix_with_eigenvalues(lam, rng=1)
    np.testing.assert_allclose(w, w.T, atol=1e-14)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(w)), np.sort(lam), atol=1e-13)
    assert spectral.largest_singular_value(w) == pytest.approx(0.9, rel=1e-12)


def test_largest_singular_value_is_never_below_the_spectral_radius():
    rng = np.random.default_rng(2)
    for _ in range(20):
        w = rng.standard_normal((5, 5))
        assert spectral.largest_singular_value(w) >= spectral.spectral_radius(w) - 1e-12


@pytest.mark.parametrize("k_max", [0, 1, 7])
def test_power_norms_match_matrix_power(k_max):
    w = np.random.default_rng(3).standard_normal((4, 4)) / 2
    expected = [np.linalg.norm(np.linalg.matrix_power(w, k), 2) for k in range(k_max + 1)]
    np.testing.assert_allclose(spectral.power_norms(w, k_max), expected, rtol=1e-12)


def test_jacobian_norms_by_distance_match_the_finite_difference_jacobian_of_a_tanh_rnn():
    rng = np.random.default_rng(4)
    T, D, H = 5, 2, 3
    params = rnn.init_params(D, H, rng=rng)
    xs = rng.standard_normal((T, 1, D))
    hs, _ = rnn.forward(xs, None, params)
    norms = spectral.jacobian_norms_by_distance(recursion.state_jacobians(hs[:, 0], params["weight_hh"]))
    assert norms.shape == (T + 1,)
    for k in (1, 3, T):
        # h_T as a function of h_{T-k}: run the last k steps from that state
        def h_last(h):
            out, _ = rnn.forward(xs[T - k:], h.reshape(1, H), params)
            return out[-1, 0]
        start = hs[T - k - 1, 0] if k < T else np.zeros(H)
        fd = recursion.numerical_jacobian(h_last, start)
        assert norms[k] == pytest.approx(np.linalg.norm(fd, 2), rel=1e-7)


def test_jacobian_bounds_hold_on_random_tanh_rnns():
    rng = np.random.default_rng(5)
    for _ in range(10):
        params = rnn.init_params(3, 6, rng=rng)
        params["weight_hh"] = rng.standard_normal((6, 6)) * rng.uniform(0.1, 1.5)
        hs, _ = rnn.forward(rng.standard_normal((20, 1, 3)), None, params)
        norms = spectral.jacobian_norms_by_distance(recursion.state_jacobians(hs[:, 0], params["weight_hh"]))
        bounds = spectral.jacobian_bounds_by_distance(1 - hs[:, 0] ** 2, params["weight_hh"])
        assert np.all(norms <= bounds * (1 + 1e-12))
        sigma = spectral.largest_singular_value(params["weight_hh"])
        assert np.all(bounds <= sigma ** np.arange(21) * (1 + 1e-12))


@pytest.mark.parametrize("rho", [0.7, 1.3])
def test_fit_log_rate_recovers_the_rate_of_a_symmetric_matrix(rho):
    w = spectral.matrix_with_eigenvalues(rho * np.linspace(0.1, 1.0, 8), rng=6)
    assert spectral.fit_log_rate(spectral.power_norms(w, 30)) == pytest.approx(np.log(rho), rel=1e-9)


def test_fit_log_rate_rejects_non_finite_norms():
    with pytest.raises(ValueError, match="positive, finite"):
        spectral.fit_log_rate([1.0, np.inf, 2.0])


def test_cosine_similarity_of_dicts_and_arrays():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert spectral.cosine_similarity(g, {"a": 2 * g["a"], "b": 2 * g["b"]}) == pytest.approx(1.0)
    assert spectral.cosine_similarity(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="zero vector"):
        spectral.cosine_similarity(np.zeros(2), np.ones(2))


def _regression_task(T=50, B=16, H=4, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((T, B, 1))
    ys = np.repeat(xs.sum(axis=0) / np.sqrt(T), H, axis=1)  # (B, H)
    return xs, ys, linear_rnn.init_params(1, H, rng=seed)


def test_linear_rnn_without_clipping_reaches_a_non_finite_value_and_says_when():
    xs, ys, params = _regression_task()
    run = spectral.train_last_state_regression(linear_rnn, params, xs, ys, lr=0.1, steps=200)
    assert run.nonfinite_step is not None
    assert len(run.losses) == run.nonfinite_step + 1
    assert np.all(np.isfinite(run.losses[:-1]))  # finite up to the step it reports


def test_the_same_run_with_norm_clipping_stays_finite_and_never_changes_the_callers_params():
    xs, ys, params = _regression_task()
    before = {k: v.copy() for k, v in params.items()}
    run = spectral.train_last_state_regression(linear_rnn, params, xs, ys, lr=0.1, steps=200, max_norm=1.0)
    assert run.nonfinite_step is None
    assert np.all(np.isfinite(run.losses)) and run.losses[-1] < run.losses[0]
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_train_last_state_regression_with_a_tiny_lr_decreases_the_loss_of_a_tanh_rnn():
    xs, ys, _ = _regression_task(T=10, H=3)
    params = rnn.init_params(1, 3, rng=1)
    run = spectral.train_last_state_regression(rnn, params, xs, ys * 0.3, lr=0.05, steps=50)
    assert run.nonfinite_step is None and run.losses[-1] < run.losses[0]


def test_linear_rnn_backward_matches_finite_differences():
    rng = np.random.default_rng(7)
    T, B, D, H = 4, 2, 3, 5
    params = linear_rnn.init_params(D, H, rng=rng)
    params = {k: v + rng.uniform(0.1, 0.3, v.shape) for k, v in params.items()}  # nonzero biases
    xs = rng.standard_normal((T, B, D))
    h0 = rng.standard_normal((B, H))
    R = rng.standard_normal((T, B, H))
    hs, cache = linear_rnn.forward(xs, h0, params)
    dxs, dh0, grads = linear_rnn.backward(R, cache)

    def loss_with(name, value):
        p = dict(params)
        p[name] = value
        return float(np.sum(linear_rnn.forward(xs, h0, p)[0] * R))

    eps = 1e-6
    for name in params:
        fd = np.zeros_like(params[name])
        for idx in np.ndindex(params[name].shape):
            plus, minus = params[name].copy(), params[name].copy()
            plus[idx] += eps
            minus[idx] -= eps
            fd[idx] = (loss_with(name, plus) - loss_with(name, minus)) / (2 * eps)
        np.testing.assert_allclose(grads[name], fd, rtol=1e-6, atol=1e-8)
    fd_h0 = recursion.numerical_jacobian(
        lambda h: np.array([np.sum(linear_rnn.forward(xs, h.reshape(B, H), params)[0] * R)]), h0.ravel()
    ).reshape(B, H)
    np.testing.assert_allclose(dh0, fd_h0, rtol=1e-6, atol=1e-8)


def test_linear_rnn_step_matches_its_equation():
    rng = np.random.default_rng(8)
    params = linear_rnn.init_params(2, 3, rng=rng)
    x, h = rng.standard_normal((4, 2)), rng.standard_normal((4, 3))
    out, _ = linear_rnn.step_forward(x, h, params)
    expected = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    np.testing.assert_allclose(out, expected, rtol=1e-14)
