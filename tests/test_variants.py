import numpy as np
import pytest

from rnnlib import gru, lstm, rnn, variants

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru}


def random_gru(D, H, rng):
    p = gru.init_params(D, H, rng=rng)
    return {k: rng.uniform(-1.0, 1.0, size=v.shape) for k, v in p.items()}


def test_reset_before_differs_from_reset_after_but_agrees_when_the_reset_gate_is_open():
    rng = np.random.default_rng(0)
    p = random_gru(3, 4, rng)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    before = variants.gru_reset_before_step(x, h, p)[0]
    after = gru.step_forward(x, h, p)[0]
    assert not np.allclose(before, after, atol=1e-3)
    # r = 1 exactly enough: zero r weights, a huge r bias
    p["weight_ih"][:4] = 0.0
    p["weight_hh"][:4] = 0.0
    p["bias_ih"][:4] = 50.0
    np.testing.assert_allclose(variants.gru_reset_before_step(x, h, p)[0], gru.step_forward(x, h, p)[0], atol=1e-12)


def test_gate_slices_cover_the_stacked_rows_in_pytorch_order():
    s = variants.gate_slices("lstm", 3)
    assert list(s) == ["i", "f", "g", "o"] and s["f"] == slice(3, 6) and s["o"] == slice(9, 12)
    assert list(variants.gate_slices(gru, 2)) == ["r", "z", "n"]
    with pytest.raises(ValueError, match="cell must be one of"):
        variants.gate_slices("transformer", 2)


def test_reorder_gates_round_trips_and_moves_blocks():
    p = lstm.init_params(2, 3, rng=1)
    q = variants.reorder_gates(p, "ifgo", "iofg")
    np.testing.assert_array_equal(q["weight_ih"][3:6], p["weight_ih"][9:12])  # o moved to second place
    back = variants.reorder_gates(q, "iofg", "ifgo")
    for k in p:
        np.testing.assert_array_equal(back[k], p[k])
    with pytest.raises(ValueError, match="same distinct gates"):
        variants.reorder_gates(p, "ifgo", "ifgx")


def test_with_forget_bias_sets_the_effective_bias_and_leaves_the_rest():
    p = lstm.init_params(2, 3, rng=2)
    q = variants.with_forget_bias(p, 1.5)
    f = slice(3, 6)
    np.testing.assert_array_equal(q["bias_ih"][f] + q["bias_hh"][f], 1.5)
    for k in ("weight_ih", "weight_hh"):
        np.testing.assert_array_equal(q[k], p[k])
    np.testing.assert_array_equal(np.delete(q["bias_ih"], np.arange(3, 6)), np.delete(p["bias_ih"], np.arange(3, 6)))
    assert not np.shares_memory(q["bias_ih"], p["bias_ih"])
    with pytest.raises(ValueError, match="LSTM"):
        variants.with_forget_bias(gru.init_params(2, 3, rng=0), 1.0)


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("D,H", [(1, 1), (2, 3), (5, 7)])
def test_param_count_matches_init_params(name, D, H):
    params = CELLS[name].init_params(D, H, rng=0)
    assert variants.param_count(name, D, H) == sum(a.size for a in params.values())


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("B,D,H", [(1, 1, 1), (3, 2, 5)])
def test_counted_macs_of_step_forward_match_the_formula(name, B, D, H):
    assert variants.count_step_macs(name, D, H, B) == B * variants.step_cost(name, D, H).macs


def test_step_cost_elementwise_counts():
    c = variants.step_cost("lstm", 2, 3)
    assert (c.sigmoids, c.tanhs, c.products) == (9, 6, 9)
    assert variants.step_cost("gru", 2, 3).sigmoids == 6
