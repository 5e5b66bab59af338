"""rnnlib.analysis.gated_bptt against references: centred finite differences of the loss
sum(dhs * hs), the truncated gradient against finite differences of a cell whose gates see a
frozen copy of h, and the direct paths against products of the gates from the forward pass."""

import numpy as np
import pytest

from rnnlib import gradcheck, gru, lstm
from rnnlib.analysis import gated_bptt as sg
from rnnlib.activations import sigmoid
from rnnlib.variants import gate_slices


def random_case(module, T, B, D, H, seed):
    rng = np.random.default_rng(seed)
    params = {k: rng.uniform(-1, 1, size=v.shape)  # every entry nonzero, biases included
              for k, v in module.init_params(D, H, rng=rng).items()}
    xs = rng.standard_normal((T, B, D))
    dhs = rng.standard_normal((T, B, H))
    return params, xs, dhs, rng


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (5, 2, 3, 4), (7, 1, 2, 3)])
def test_lstm_bptt_matches_finite_differences(T, B, D, H):
    params, xs, dhs, rng = random_case(lstm, T, B, D, H, seed=T + 10 * H)
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    res = sg.lstm_bptt(xs, (h0, c0), params, dhs)
    errors = gradcheck.check_vjp(lambda: lstm.forward(xs, (h0, c0), params)[0],
                                 {"xs": xs, "h0": h0, "c0": c0, **params},
                                 {"xs": res.dxs, "h0": res.dh[0], "c0": res.dc[0], **res.grads},
                                 dhs)
    assert gradcheck.assert_gradients_close(errors) < 1e-7


def test_lstm_bptt_intermediate_totals_match_finite_differences():
    T, B, D, H = 6, 2, 3, 3
    params, xs, dhs, rng = random_case(lstm, T, B, D, H, seed=3)
    res = sg.lstm_bptt(xs, None, params, dhs)
    hs, cache = lstm.forward(xs, None, params)
    for t in (1, 3, T - 1):
        h_t, c_t = hs[t - 1].copy(), cache.steps[t].c_prev.copy()
        o_t = cache.steps[t - 1].o

        def loss_h():  # delta_t: h_t nudged, c_t fixed
            return np.sum(dhs[t - 1] * h_t) + np.sum(dhs[t:] * lstm.forward(xs[t:], (h_t, c_t), params)[0])

        def loss_c():  # eps_t: c_t nudged, h_t = o_t tanh(c_t) recomputed
            h = o_t * np.tanh(c_t)
            return np.sum(dhs[t - 1] * h) + np.sum(dhs[t:] * lstm.forward(xs[t:], (h, c_t), params)[0])

        np.testing.assert_allclose(res.dh[t], gradcheck.numerical_gradient(loss_h, h_t), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(res.dc[t], gradcheck.numerical_gradient(loss_c, c_t), rtol=1e-6, atol=1e-8)


def frozen_lstm_states(xs, c0, params, h_frozen):
    """An LSTM whose gates read h_{t-1} from h_frozen (T, B, H), a constant: its exact
    gradient is the 1997 truncated one."""
    H = c0.shape[1]
    s = gate_slices("lstm", H)
    c, out = c0, []
    for t, x in enumerate(xs):
        a = x @ params["weight_ih"].T + params["bias_ih"] + h_frozen[t] @ params["weight_hh"].T + params["bias_hh"]
        i, f, g, o = sigmoid(a[:, s["i"]]), sigmoid(a[:, s["f"]]), np.tanh(a[:, s["g"]]), sigmoid(a[:, s["o"]])
        c = f * c + i * g
        out.append(o * np.tanh(c))
    return np.stack(out)


def test_truncated_lstm_gradient_is_the_gradient_with_the_gates_input_frozen():
    T, B, D, H = 5, 2, 2, 3
    params, xs, dhs, rng = random_case(lstm, T, B, D, H, seed=4)
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    hs, _ = lstm.forward(xs, (h0, c0), params)
    h_frozen = np.concatenate([h0[None], hs[:-1]])  # h_0 ... h_{T-1}, as the run computed them
    np.testing.assert_allclose(frozen_lstm_states(xs, c0, params, h_frozen), hs, rtol=1e-13)
    res = sg.lstm_bptt(xs, (h0, c0), params, dhs, truncate=True)
    errors = gradcheck.check_vjp(lambda: frozen_lstm_states(xs, c0, params, h_frozen),
                                 {"xs": xs, "c0": c0, **params},
                                 {"xs": res.dxs, "c0": res.dc[0], **res.grads}, dhs)
    assert gradcheck.assert_gradients_close(errors) < 1e-7
    np.testing.assert_array_equal(res.dh[0], 0.0)
    # and it is not the full gradient
    full = sg.lstm_bptt(xs, (h0, c0), params, dhs)
    assert not np.allclose(full.grads["weight_hh"], res.grads["weight_hh"], rtol=1e-3)


def test_truncated_carousel_with_the_forget_gate_at_one_is_exactly_constant():
    T, B, D, H = 12, 3, 2, 4
    params, xs, _, rng = random_case(lstm, T, B, D, H, seed=5)
    f = gate_slices("lstm", H)["f"]
    params["weight_ih"][f], params["weight_hh"][f] = 0.0, 0.0
    params["bias_ih"][f], params["bias_hh"][f] = 40.0, 0.0
    dhs = np.zeros((T, B, H))
    dhs[-1] = rng.standard_normal((B, H))
    res = sg.lstm_bptt(xs, None, params, dhs, truncate=True)
    for t in range(T + 1):
        np.testing.assert_array_equal(res.dc[t], res.dc[T])


def test_lstm_direct_path_is_the_product_of_the_forget_gates():
    T, B, D, H = 9, 2, 2, 3
    params, xs, _, rng = random_case(lstm, T, B, D, H, seed=6)
    dhs = np.zeros((T, B, H))
    dhs[-1] = rng.standard_normal((B, H))
    res = sg.lstm_bptt(xs, None, params, dhs, truncate=True)
    f = np.stack([s.f for s in lstm.forward(xs, None, params)[1].steps])  # f_1 ... f_T
    for t in range(1, T):
        np.testing.assert_allclose(res.dc[t], np.prod(f[t:], axis=0) * res.dc[T], rtol=1e-12)


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (5, 2, 3, 4), (6, 1, 2, 2)])
def test_gru_bptt_matches_finite_differences(T, B, D, H):
    params, xs, dhs, rng = random_case(gru, T, B, D, H, seed=20 + T)
    h0 = rng.standard_normal((B, H))
    res = sg.gru_bptt(xs, h0, params, dhs)
    errors = gradcheck.check_vjp(lambda: gru.forward(xs, h0, params)[0],
                                 {"xs": xs, "h0": h0, **params},
                                 {"xs": res.dxs, "h0": res.dh[0], **res.grads}, dhs)
    assert gradcheck.assert_gradients_close(errors) < 1e-7


def test_gru_intermediate_totals_match_finite_differences():
    T, B, D, H = 5, 2, 2, 3
    params, xs, dhs, _ = random_case(gru, T, B, D, H, seed=7)
    res = sg.gru_bptt(xs, None, params, dhs)
    hs, _ = gru.forward(xs, None, params)
    for t in (1, 2, T - 1):
        h_t = hs[t - 1].copy()

        def loss():
            return np.sum(dhs[t - 1] * h_t) + np.sum(dhs[t:] * gru.forward(xs[t:], h_t, params)[0])

        np.testing.assert_allclose(res.dh[t], gradcheck.numerical_gradient(loss, h_t), rtol=1e-6, atol=1e-8)


def test_gru_direct_path_is_the_product_of_z_and_all_paths_give_the_gradient():
    T, B, D, H = 8, 2, 2, 3
    params, xs, _, rng = random_case(gru, T, B, D, H, seed=8)
    dhs = np.zeros((T, B, H))
    dhs[-1] = rng.standard_normal((B, H))
    z = np.stack([s.z for s in gru.forward(xs, None, params)[1].steps])  # z_1 ... z_T
    direct = sg.gru_bptt(xs, None, params, dhs, paths=("direct",))
    for t in range(T):
        np.testing.assert_allclose(direct.dh[t], np.prod(z[t:], axis=0) * dhs[-1], rtol=1e-12)
    every = sg.gru_bptt(xs, None, params, dhs, paths=("r", "n", "z", "direct"))
    _, dh0, _ = gru.backward(dhs, gru.forward(xs, None, params)[1])
    np.testing.assert_allclose(every.dh[0], dh0, rtol=1e-10, atol=1e-14)
    assert not np.allclose(direct.dh[0], dh0, rtol=1e-2)


def test_bad_arguments_are_named():
    params, xs, dhs, _ = random_case(gru, 3, 2, 2, 3, seed=9)
    with pytest.raises(ValueError, match="paths"):
        sg.gru_bptt(xs, None, params, dhs, paths=("direct", "reset"))
    with pytest.raises(ValueError, match="dhs"):
        sg.gru_bptt(xs, None, params, dhs[:, :1])
    lparams, lxs, ldhs, _ = random_case(lstm, 3, 2, 2, 3, seed=9)
    with pytest.raises(ValueError, match="dhs"):
        sg.lstm_bptt(lxs, None, lparams, ldhs[:2])


def test_the_new_chapter_6_exercises_are_left_to_the_student():
    # ch6-ex-gru-swapped asks for swap_z and swapped_bptt; ch6-ex-peephole for a peephole cell
    import rnnlib
    from rnnlib import symbolic, variants

    for module in (sg, variants, gru, symbolic, rnnlib):
        for name in ("swap_z", "swapped_bptt", "scalar_peephole_step", "peephole_lstm_step"):
            assert not hasattr(module, name), (module.__name__, name)
