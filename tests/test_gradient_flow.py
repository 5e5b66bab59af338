"""rnnlib.analysis.gradient_flow: each function against an independent reference."""

import itertools

import numpy as np
import pytest

from rnnlib import bptt, layers, linear_rnn, losses, optim, recursion, rnn
from rnnlib.analysis import gradient_flow as sgf


def _tanh_net(seed, T=7, D=3, H=4):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, rng=rng)
    params["weight_hh"] = rng.standard_normal((H, H))
    for name in ("bias_ih", "bias_hh"):
        params[name] = rng.standard_normal(H)  # nonzero biases
    xs = rng.standard_normal((T, 1, D))
    dls = rng.standard_normal((T, H))  # an arbitrary immediate dL_s/dh_s
    return params, xs, dls


def _loss(params, xs, h0, dls):
    """L = sum_s dls[s-1] . h_s, whose immediate dL_s/dh_s is dls[s-1]."""
    hs, _ = rnn.forward(xs, h0[None], params)
    return float(np.sum(hs[:, 0] * dls))


@pytest.mark.parametrize("T", [1, 2, 7])
def test_reverse_closed_form_delta0_matches_finite_differences(T):
    params, xs, dls = _tanh_net(T, T=T)
    hs, _ = rnn.forward(xs, None, params)
    jac = recursion.state_jacobians(hs[:, 0], params["weight_hh"])
    _, deltas = sgf.reverse_closed_form(jac, dls)
    h0 = np.zeros(params["weight_hh"].shape[0])
    fd = np.array([(_loss(params, xs, h0 + 1e-6 * e, dls) - _loss(params, xs, h0 - 1e-6 * e, dls))
                   / 2e-6 for e in np.eye(len(h0))])
    np.testing.assert_allclose(deltas[0], fd, rtol=1e-6, atol=1e-8)


def test_reverse_closed_form_terms_are_the_jacobian_products():
    params, xs, dls = _tanh_net(3)
    hs, _ = rnn.forward(xs, None, params)
    jac = recursion.state_jacobians(hs[:, 0], params["weight_hh"])
    terms, _ = sgf.reverse_closed_form(jac, dls)
    T = len(dls)
    for t, s in itertools.product(range(T + 1), range(1, T + 1)):
        want = recursion.jacobian_product(jac, t, s).T @ dls[s - 1] if s >= t else 0.0
        np.testing.assert_allclose(terms[t, s - 1], want, rtol=1e-12, atol=1e-14)


def test_reverse_closed_form_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="dls must have shape"):
        sgf.reverse_closed_form(np.zeros((3, 2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="jacobians must have shape"):
        sgf.reverse_closed_form(np.zeros((3, 2)), np.zeros((3, 2)))


def test_lag_sums_add_up_to_the_backward_gradient_and_share_is_one_below_lag_zero():
    params, xs, dls = _tanh_net(5, T=6)
    hs, cache = rnn.forward(xs, None, params)
    contrib = bptt.gradient_contributions(rnn, cache, dls[:, None])["weight_hh"]
    full = rnn.backward(dls[:, None], cache)[2]["weight_hh"]
    by_lag = sgf.lag_sums(contrib)
    np.testing.assert_allclose(by_lag.sum(axis=0), full, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(by_lag[0], sum(contrib[t, t] for t in range(6)), rtol=1e-12)
    # lags > 0 are everything but the diagonal; lags > T - 1 are nothing
    off = np.linalg.norm(full - by_lag[0]) / np.linalg.norm(full)
    assert np.isclose(sgf.long_range_share(contrib, 0), off, rtol=1e-12)
    assert sgf.long_range_share(contrib, 5) == 0.0
    with pytest.raises(ValueError, match="k must be an integer"):
        sgf.long_range_share(contrib, -1)


def test_path_products_sum_to_the_matrix_product_entry_and_count_h_to_the_k_minus_1():
    params, xs, _ = _tanh_net(9, T=5, H=3)
    hs, _ = rnn.forward(xs, None, params)
    derivs = 1 - hs[:, 0] ** 2
    jac = recursion.state_jacobians(hs[:, 0], params["weight_hh"])
    for t, T in ((0, 5), (1, 4), (2, 3)):
        product = recursion.jacobian_product(jac, t, T)
        for v, u in itertools.product(range(3), repeat=2):
            paths = sgf.path_products(derivs, params["weight_hh"], t, T, v, u)
            assert paths.shape == (3 ** (T - t - 1),)
            np.testing.assert_allclose(paths.sum(), product[v, u], rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match="max_paths"):
        sgf.path_products(derivs, params["weight_hh"], 0, 5, 0, 0, max_paths=10)


def test_cliff_losses_and_forward_mode_grads_match_rnn_and_finite_differences():
    cliff = dict(bias=-0.5, h0=0.5, steps=12, target=-1.0)
    ws = np.array([-0.7, 0.4, 1.3, 2.5])
    losses_v = sgf.cliff_losses(ws, **cliff)
    grads_v = sgf.cliff_grads(ws, **cliff)
    for w, l_v, g_v in zip(ws, losses_v, grads_v):
        l_rnn, g_rnn = sgf.cliff_loss_and_grad(w, **cliff)
        assert np.isclose(l_v, l_rnn, rtol=1e-12)
        assert np.isclose(g_v, g_rnn, rtol=1e-10, atol=1e-14)
        fd = (sgf.cliff_losses(np.array([w + 1e-6]), **cliff)[0]
              - sgf.cliff_losses(np.array([w - 1e-6]), **cliff)[0]) / 2e-6
        assert np.isclose(g_v, fd, rtol=1e-6, atol=1e-9)


def test_clipped_cliff_descent_never_steps_further_than_lr_times_max_norm():
    cliff = dict(bias=-0.5, h0=0.5, steps=30, target=-1.0)
    ws, grads = sgf.cliff_descent(1.0, cliff, lr=30.0, updates=25, max_norm=0.01)
    assert np.all(np.abs(np.diff(ws)) <= 0.3 * (1 + 1e-12))
    plain, _ = sgf.cliff_descent(1.0, cliff, lr=30.0, updates=3)
    np.testing.assert_allclose(plain[1], 1.0 - 30.0 * grads[0], rtol=1e-12)


def test_per_example_grads_average_to_the_batch_gradient():
    rng = np.random.default_rng(2)
    params = linear_rnn.init_params(2, 3, rng=rng)
    xs, ys = rng.standard_normal((6, 4, 2)), rng.standard_normal((4, 3))
    per = sgf.per_example_grads(linear_rnn, params, xs, ys)
    hs, cache = linear_rnn.forward(xs, None, params)
    dlast = losses.squared_error(hs[-1], ys)[1]
    dhs = np.zeros_like(hs)
    dhs[-1] = dlast / 4
    batch = linear_rnn.backward(dhs, cache)[2]
    for k in batch:  # the batch loss is the mean of the per-sequence losses
        np.testing.assert_allclose(np.mean([g[k] for g in per], axis=0), batch[k], rtol=1e-12)


def test_clipped_run_sgd_moves_at_most_lr_times_c_and_adam_ignores_a_common_scale():
    rng = np.random.default_rng(4)
    params = linear_rnn.init_params(1, 3, rng=rng)
    xs, ys = rng.standard_normal((20, 8, 1)), 3 * rng.standard_normal((8, 3))
    _, moves, norms, _ = sgf.clipped_run(linear_rnn, params, xs, ys, optim.SGD, lr=0.1,
                                         steps=5, max_norm=1e-3)
    assert np.all(moves <= 0.1 * 1e-3 * (1 + 1e-12)) and np.all(norms > 1e-3)
    small = sgf.clipped_run(linear_rnn, params, xs, ys, optim.Adam, lr=0.01, steps=5,
                            max_norm=0.1)
    large = sgf.clipped_run(linear_rnn, params, xs, ys, optim.Adam, lr=0.01, steps=5,
                            max_norm=1.0)
    assert np.all(small[2] > 1.0)  # every step clipped at both thresholds
    for k in params:
        np.testing.assert_allclose(small[0][k], large[0][k], rtol=0, atol=1e-5)


def test_figures_draw_one_line_per_run_and_reject_mismatched_shapes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnnlib.viz import gradient_flow as fgf

    ks = np.arange(5)
    ax = fgf.plot_long_range_share(ks, {"a": 0.5 ** ks, "b": 0.9 ** ks})
    assert len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="shares"):
        fgf.plot_long_range_share(ks, {"a": np.ones(3)})
    ws = np.linspace(0, 3, 50)
    ax = fgf.plot_cliff(ws, ws**2, {"run": (np.array([1.0, -9.0]), np.array([1.0, 81.0]))},
                        xlim=(0.0, 3.0))
    assert len(ax.get_lines()) == 2 and len(ax.texts) == 1  # the iterate off the plot
    plt.close("all")
