import math

import numpy as np
import pytest

from rnnlib import data, gru, lstm, models, optim, rnn
from rnnlib.gradcheck import assert_gradients_close, check_vjp

CELLS = ["rnn", "lstm", "gru"]


def _leaves(tree, prefix=""):
    """{"cell/weight_ih": array, ...} for a nested dict (the arrays themselves, not copies)."""
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _jitter(params, rng, scale=0.3):
    """Add noise in place, so that every parameter (biases too) is random and nonzero."""
    for value in _leaves(params).values():
        value += scale * rng.standard_normal(value.shape)


def _random_state(cell, B, H, rng):
    if cell == "lstm":
        return (rng.standard_normal((B, H)), rng.standard_normal((B, H)))
    return rng.standard_normal((B, H))


# --- CharLM ----------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("embedding_dim", [None, 2])
@pytest.mark.parametrize("T, B, H", [(4, 2, 3), (1, 1, 1)])
def test_char_lm_gradients_match_finite_differences(cell, embedding_dim, T, B, H):
    rng = np.random.default_rng(0)
    V = 5
    model = models.CharLM(V, H, cell, embedding_dim=embedding_dim, rng=1)
    _jitter(model.params, rng)
    inputs = rng.integers(0, V, size=(T, B))
    targets = rng.integers(0, V, size=(T, B))
    state0 = _random_state(cell, B, H, rng)
    _, grads, _ = model.loss_and_grads(inputs, targets, state0)
    errors = check_vjp(
        lambda: np.array(model.loss_and_grads(inputs, targets, state0)[0]),
        _leaves(model.params),
        _leaves(grads),
        np.array(1.0),
    )
    assert_gradients_close(errors, tol=1e-7)


@pytest.mark.parametrize("cell", CELLS)
def test_char_lm_carried_state_continues_the_sequence_exactly(cell):
    rng = np.random.default_rng(1)
    model = models.CharLM(6, 4, cell, embedding_dim=3, rng=2)
    ids = rng.integers(0, 6, size=(9, 2))
    whole, _, _ = model.forward(ids)
    first, state, _ = model.forward(ids[:4])
    second, _, _ = model.forward(ids[4:], state)
    np.testing.assert_allclose(np.concatenate([first, second]), whole, rtol=1e-13, atol=1e-15)


def test_char_lm_params_structure_and_dtype():
    v = data.Vocab.from_text("abcd")
    model = models.CharLM(v, 8, "lstm", embedding_dim=3, rng=0, dtype=np.float32)
    assert list(model.params) == ["embed", "cell", "out"]
    assert model.params["embed"]["weight"].shape == (4, 3)
    assert model.params["cell"]["weight_ih"].shape == (32, 3)
    assert model.params["out"]["weight"].shape == (4, 8)
    assert model.num_params() == 12 + 32 * 3 + 32 * 8 + 64 + 4 * 8 + 4
    logits, state, _ = model.forward(np.zeros((2, 3), dtype=int))
    assert logits.dtype == np.float32 and logits.shape == (2, 3, 4) and len(state) == 2
    assert "lstm" in repr(model) and "embedding_dim=3" in repr(model)
    one_hot = models.CharLM(4, 8, rnn, rng=0)
    assert one_hot.cell_name == "rnn" and "embed" not in one_hot.params
    assert one_hot.params["cell"]["weight_ih"].shape == (8, 4)


def test_char_lm_evaluate_does_not_depend_on_the_chunk_length():
    rng = np.random.default_rng(3)
    model = models.CharLM(5, 6, "gru", rng=0)
    ids = rng.integers(0, 5, size=40)
    whole = model.evaluate(ids, seq_len=100, batch_size=1)
    assert model.evaluate(ids, seq_len=7, batch_size=1) == pytest.approx(whole, rel=1e-12)
    loss, _, _ = model.loss_and_grads(ids[:-1, None], ids[1:, None])
    assert whole == pytest.approx(loss, rel=1e-12)


def test_char_lm_sample_is_reproducible_and_respects_temperature():
    v = data.Vocab.from_text("abcde")
    model = models.CharLM(v, 8, "rnn", rng=0)
    _jitter(model.params, np.random.default_rng(0), scale=2.0)
    a = model.sample("ab", 30, rng=5)
    assert isinstance(a, str) and len(a) == 30 and set(a) <= set("abcde")
    assert model.sample("ab", 30, rng=5) == a
    greedy = model.sample("ab", 30, greedy=True)
    assert model.sample("ab", 30, temperature=1e-6, rng=9) == greedy
    assert model.predict_next("ab") == greedy[0]
    assert model.sample("ab", 0) == ""
    ids = model.sample(v.encode("ab"), 4, greedy=True)
    assert ids.dtype == np.int64 and v.decode(ids) == greedy[:4]
    assert model.predict_next(v.encode("ab")) == ids[0]


def test_char_lm_sample_at_high_temperature_is_near_uniform():
    model = models.CharLM(4, 3, "rnn", rng=0)
    ids = model.sample(np.array([0]), 1000, temperature=1e6, rng=0)
    counts = np.bincount(ids, minlength=4) / 1000
    np.testing.assert_allclose(counts, 0.25, atol=0.06)  # > 4 standard deviations


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(prefix="ab", n=3, temperature=0.0), ValueError, "temperature must be > 0.*greedy=True"),
        (dict(prefix="ab", n=3, temperature=-1.0), ValueError, "temperature"),
        (dict(prefix="", n=3), ValueError, "prefix is empty"),
        (dict(prefix="ab", n=-1), ValueError, "non-negative"),
        (dict(prefix="az", n=1), ValueError, "'z'"),
    ],
)
def test_char_lm_sample_rejects_bad_arguments(kwargs, err, match):
    model = models.CharLM(data.Vocab.from_text("abc"), 4, "rnn", rng=0)
    with pytest.raises(err, match=match):
        model.sample(**kwargs)


def test_char_lm_rejects_bad_inputs():
    model = models.CharLM(5, 4, "rnn", rng=0)
    with pytest.raises(TypeError, match="needs a CharLM built with a Vocab"):
        model.sample("ab", 2)
    with pytest.raises(ValueError, match=r"inputs must lie in \[0, 5\)"):
        model.forward(np.array([[5]]))
    with pytest.raises(ValueError, match=r"2-D \(T, B\)"):
        model.forward(np.array([1, 2]))
    with pytest.raises(ValueError, match="targets has shape"):
        model.loss_and_grads(np.zeros((3, 2), dtype=int), np.zeros((3, 1), dtype=int))
    with pytest.raises(ValueError, match="cell must be one of"):
        models.CharLM(5, 4, "transformer")
    with pytest.raises(TypeError, match="cell must be"):
        models.CharLM(5, 4, np)
    with pytest.raises(ValueError, match="hidden_size"):
        models.CharLM(5, 0)


def test_forward_reports_blown_up_parameters():
    model = models.CharLM(3, 2, "rnn", rng=0)
    model.params["out"]["bias"][:] = np.inf
    with pytest.raises(FloatingPointError, match="logits are not finite"):
        model.forward(np.zeros((1, 1), dtype=int))


# --- training the char LM --------------------------------------------------------------

HELLO = "hello " * 200


def _train_hello(steps, seed=0, cell="rnn", **kwargs):
    v = data.Vocab.from_text(HELLO)
    ids = v.encode(HELLO)
    model = models.CharLM(v, 16, cell, rng=seed)
    opt = optim.Adam(model.params, lr=0.02)
    history = models.train_char_lm(
        model, ids, seq_len=12, batch_size=4, steps=steps, optimizer=opt, clip_norm=5.0, **kwargs
    )
    return model, history


def test_char_lm_learns_a_repetitive_text():
    model, history = _train_hello(150, val_ids=data.Vocab.from_text(HELLO).encode(HELLO[:200]))
    ln_v = math.log(5)
    assert history.train_loss[0] > 0.8 * ln_v
    assert history.train_loss[-10:].mean() < 0.1 * ln_v
    assert history.val_step.tolist() == [150] and history.val_loss[0] < 0.1 * ln_v
    assert model.sample("hel", 9, greedy=True) == "lo hello "


def test_training_is_bit_identical_for_the_same_seed():
    _, a = _train_hello(25, seed=4, cell="lstm")
    _, b = _train_hello(25, seed=4, cell="lstm")
    for field in a._fields:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    _, c = _train_hello(25, seed=5, cell="lstm")
    assert not np.array_equal(a.train_loss, c.train_loss)


def test_training_prints_rounded_progress_without_timings(capsys):
    _, history = _train_hello(20, log_every=10, val_ids=data.Vocab.from_text(HELLO).encode(HELLO[:100]))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("step     10  train ") and "  val " in lines[0]
    assert "s/" not in lines[0] and "sec" not in lines[0]
    expected = f"{history.train_loss[10:20].mean():.4g}"
    assert f"train {expected}  val {history.val_loss[1]:.4g}" in lines[1]
    assert history.val_step.tolist() == [10, 20]
    assert history.step.tolist() == list(range(1, 21)) and (history.grad_norm > 0).all()


def test_training_callback_replaces_printing(capsys):
    records = []
    _train_hello(6, callback=records.append)  # no log_every: every step
    assert capsys.readouterr().out == ""
    assert [r.step for r in records] == list(range(1, 7))
    assert all(np.isnan(r.val_loss) for r in records)


def test_training_wraps_around_the_text_and_resets_the_state():
    v = data.Vocab.from_text("abcab")
    model = models.CharLM(v, 3, "rnn", rng=0)
    seen = []
    real = model.loss_and_grads

    def spy(inputs, targets, state0=None):
        seen.append(state0)
        return real(inputs, targets, state0)

    model.loss_and_grads = spy
    ids = v.encode("abcabcabca")  # batch 2 -> streams of 5 -> chunks of 2, 2
    models.train_char_lm(model, ids, seq_len=2, batch_size=2, steps=5, optimizer=optim.SGD(model.params, lr=0.1))
    assert [s is None for s in seen] == [True, False, True, False, True]


def test_training_stops_with_the_step_when_the_update_overflows():
    xs, ys = data.make_adding_problem(8, 3, rng=0)
    model = models.SequenceRegressor(2, 3, 1, "rnn", rng=0)
    opt = optim.SGD(model.params, lr=1e250)  # gradients ~1e100: the update is 1e350 = inf
    with pytest.raises(models.TrainingDiverged, match=r"training diverged at step 1: the update made \S+ non-finite") as info:
        models.train_regressor(model, xs, 1e100 * ys, steps=10, batch_size=4, optimizer=opt, rng=0)
    assert info.value.step == 1 and isinstance(info.value, FloatingPointError)


@pytest.mark.parametrize(
    "bad, match",
    [("loss", r"at step 3: the loss is nan"), ("grad", r"at step 3: the gradient of cell/weight_hh is not finite"),
     ("forward", r"at step 3: the logits are not finite")],
)
def test_training_names_the_step_of_the_first_non_finite_value(bad, match):
    v = data.Vocab.from_text(HELLO)
    model = models.CharLM(v, 4, "rnn", rng=0)
    real = model.loss_and_grads
    calls = []

    def breaks_at_step_3(inputs, targets, state0=None):
        calls.append(1)
        if len(calls) == 3 and bad == "forward":
            model.params["out"]["weight"][0, 0] = np.nan
        loss, grads, state = real(inputs, targets, state0)
        if len(calls) == 3 and bad == "loss":
            loss = float("nan")
        if len(calls) == 3 and bad == "grad":
            grads["cell"]["weight_hh"][0, 0] = np.inf
        return loss, grads, state

    model.loss_and_grads = breaks_at_step_3
    with pytest.raises(models.TrainingDiverged, match=match) as info:
        models.train_char_lm(
            model, v.encode(HELLO), seq_len=5, batch_size=2, steps=10, optimizer=optim.SGD(model.params, lr=0.1)
        )
    assert info.value.step == 3


def test_train_char_lm_rejects_bad_arguments():
    v = data.Vocab.from_text(HELLO)
    ids = v.encode(HELLO)
    model = models.CharLM(v, 4, "rnn", rng=0)
    other = models.CharLM(v, 4, "rnn", rng=0)
    kw = dict(seq_len=5, batch_size=2, steps=3)
    with pytest.raises(ValueError, match="optimizer was built on other parameters"):
        models.train_char_lm(model, ids, optimizer=optim.SGD(other.params, lr=0.1), **kw)
    opt = optim.SGD(model.params, lr=0.1)
    with pytest.raises(ValueError, match="clip_norm"):
        models.train_char_lm(model, ids, optimizer=opt, clip_norm=0.0, **kw)
    with pytest.raises(ValueError, match="at least 4 tokens"):
        models.train_char_lm(model, ids, optimizer=opt, val_ids=ids[:3], **kw)
    with pytest.raises(ValueError, match="steps"):
        models.train_char_lm(model, ids, optimizer=opt, seq_len=5, batch_size=2, steps=0)
    with pytest.raises(TypeError, match="CharLM"):
        models.train_char_lm(object(), ids, optimizer=opt, **kw)


# --- SequenceRegressor -----------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("T, B, D, H, K", [(5, 3, 2, 4, 2), (1, 1, 1, 1, 1)])
def test_regressor_gradients_match_finite_differences(cell, T, B, D, H, K):
    rng = np.random.default_rng(2)
    model = models.SequenceRegressor(D, H, K, cell, rng=3)
    _jitter(model.params, rng)
    xs = rng.standard_normal((T, B, D))
    ys = rng.standard_normal((B, K))
    _, grads = model.loss_and_grads(xs, ys)
    errors = check_vjp(
        lambda: np.array(model.loss_and_grads(xs, ys)[0]), _leaves(model.params), _leaves(grads), np.array(1.0)
    )
    assert_gradients_close(errors, tol=1e-7)


def test_regressor_loss_is_half_the_mean_squared_error():
    rng = np.random.default_rng(0)
    model = models.SequenceRegressor(2, 3, 2, "gru", rng=0)
    xs, ys = rng.standard_normal((4, 5, 2)), rng.standard_normal((5, 2))
    pred = model.predict(xs)
    assert pred.shape == (5, 2)
    loss, _ = model.loss_and_grads(xs, ys)
    assert loss == pytest.approx(0.5 * np.mean((pred - ys) ** 2), rel=1e-14)
    assert model.mse(xs, ys) == pytest.approx(2 * loss, rel=1e-14)
    assert "gru" in repr(model)
    with pytest.raises(ValueError, match=r"ys has shape \(5, 1\)"):
        model.loss_and_grads(xs, ys[:, :1])


def test_regressor_learns_the_adding_problem_beyond_the_mean_baseline():
    xs, ys = data.make_adding_problem(512, 8, rng=0)
    val = data.make_adding_problem(256, 8, rng=1)
    model = models.SequenceRegressor(2, 12, 1, "lstm", rng=0)
    opt = optim.Adam(model.params, lr=0.02)
    history = models.train_regressor(
        model, xs, ys, steps=250, batch_size=32, optimizer=opt, rng=0, clip_norm=1.0, val_data=val
    )
    assert history.val_step.tolist() == [250]
    assert model.mse(*val) < 0.1 * (1 / 6)  # predicting the mean, 1.0, scores 1/6


def test_train_regressor_is_reproducible_and_logs(capsys):
    def run():
        xs, ys = data.make_windows(np.sin(np.linspace(0, 12, 60)), 5)
        model = models.SequenceRegressor(1, 4, 1, "rnn", rng=1)
        return models.train_regressor(
            model, xs, ys, steps=12, batch_size=8, optimizer=optim.Momentum(model.params, lr=0.05), rng=2, log_every=6
        )

    a, b = run(), run()
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("step      6  train ") and "val" not in lines[0] and len(lines) == 4


def test_train_regressor_stops_when_the_loss_explodes():
    xs, ys = data.make_windows(np.linspace(0, 100, 40), 3)
    model = models.SequenceRegressor(1, 3, 1, "rnn", rng=0)
    with pytest.raises(models.TrainingDiverged, match=r"training diverged at step (\d+)") as info:
        models.train_regressor(model, xs, ys, steps=500, batch_size=8, optimizer=optim.SGD(model.params, lr=10.0), rng=0)
    assert 1 < info.value.step < 500
    assert str(info.value.step) in str(info.value)


def test_train_regressor_rejects_bad_arguments():
    xs, ys = data.make_adding_problem(4, 3, rng=0)
    model = models.SequenceRegressor(2, 3, 1, "rnn", rng=0)
    opt = optim.SGD(model.params, lr=0.1)
    with pytest.raises(ValueError, match="batch_size=5 is larger than the 4 sequences"):
        models.train_regressor(model, xs, ys, steps=1, batch_size=5, optimizer=opt)
    with pytest.raises(ValueError, match=r"ys has shape \(3, 1\)"):
        models.train_regressor(model, xs, ys[:3], steps=1, batch_size=2, optimizer=opt)
    with pytest.raises(TypeError, match="SequenceRegressor"):
        models.train_regressor(object(), xs, ys, steps=1, batch_size=2, optimizer=opt)
    with pytest.raises(ValueError, match="log_every"):
        models.train_regressor(model, xs, ys, steps=1, batch_size=2, optimizer=opt, log_every=0)


# --- helpers ---------------------------------------------------------------------------


def test_get_cell_and_final_state():
    assert models.get_cell("lstm") is lstm and models.get_cell(gru) is gru
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((3, 2, 2))
    for cell in (rnn, gru, lstm):
        params = cell.init_params(2, 3, rng=0)
        hs, cache = cell.forward(xs, None, params)
        state = models.final_state(cell, hs, cache)
        h = state[0] if isinstance(state, tuple) else state
        np.testing.assert_array_equal(h, hs[-1])


def test_final_state_falls_back_to_the_last_hidden_state_for_a_cell_without_final_state():
    import types

    hs = np.arange(6.0).reshape(3, 1, 2)
    np.testing.assert_array_equal(models.final_state(types.ModuleType("bare_cell"), hs, None), hs[-1])


def test_regressor_forward_reports_blown_up_parameters():
    model = models.SequenceRegressor(1, 2, 1, "gru", rng=0)
    model.params["out"]["weight"][:] = np.nan
    with pytest.raises(FloatingPointError, match="predictions are not finite"):
        model.predict(np.zeros((2, 1, 1)))


@pytest.mark.parametrize("cell", CELLS)
def test_float32_models_train_and_keep_their_dtype(cell):
    v = data.Vocab.from_text(HELLO)
    model = models.CharLM(v, 8, cell, embedding_dim=4, rng=0, dtype=np.float32)
    history = models.train_char_lm(
        model, v.encode(HELLO), seq_len=6, batch_size=2, steps=3, optimizer=optim.Adam(model.params, lr=0.01)
    )
    assert np.isfinite(history.train_loss).all()
    assert all(a.dtype == np.float32 for a in _leaves(model.params).values())
