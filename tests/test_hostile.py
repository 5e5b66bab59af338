"""One test per defect of issue 12 (hostile input): each failed before its fix."""

import os
import threading

import numpy as np
import pytest

from rnnlib import data, gradcheck, gru, io, layers, linear_rnn, lstm, models, optim, recursion, rnn, spectral, variants

CELL_MODULES = {"rnn": rnn, "lstm": lstm, "gru": gru, "linear_rnn": linear_rnn}


# 1. NaN or inf in parameters ------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("name", sorted(CELL_MODULES))
@pytest.mark.parametrize("key", ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
def test_defect01_cells_refuse_non_finite_parameters(name, key, bad):
    cell = CELL_MODULES[name]
    params = cell.init_params(2, 3, rng=0)
    params[key].flat[1] = bad
    xs = np.ones((2, 1, 2))
    with pytest.raises(ValueError, match=rf"params\['{key}'\] must be finite, but params\['{key}'\]\["):
        cell.forward(xs, None, params)
    with pytest.raises(ValueError, match=rf"params\['{key}'\] must be finite"):
        cell.step_forward(xs[0], None, params)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_defect01_layers_refuse_non_finite_parameters(bad):
    lin = layers.init_linear(2, 3, rng=0)
    lin["bias"][0] = bad
    with pytest.raises(ValueError, match=r"params\['bias'\] must be finite"):
        layers.linear_forward(np.ones((1, 2)), lin)
    emb = layers.init_embedding(4, 2, rng=0)
    emb["weight"][3, 1] = bad
    with pytest.raises(ValueError, match=r"params\['weight'\] must be finite, but params\['weight'\]\[3, 1\]"):
        layers.embedding_forward(np.array([0]), emb)


# 2. the training loops' divergence guard ------------------------------------------------


@pytest.mark.parametrize("cell, lr", [("rnn", 1e3), ("lstm", 1e4)])
def test_defect02_regressor_with_a_huge_lr_raises_training_diverged(cell, lr):
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((20, 64, 3)), rng.standard_normal((64, 1)) * 10
    model = models.SequenceRegressor(3, 16, 1, cell, rng=0)
    with pytest.raises(models.TrainingDiverged, match=r"training diverged at step \d+") as info:
        models.train_regressor(model, xs, ys, steps=200, batch_size=16, optimizer=optim.SGD(model.params, lr=lr), rng=0)
    err = info.value
    assert err.history is not None and len(err.history.train_loss) == err.step - 1
    assert np.isfinite(err.history.train_loss).all()
    assert all(np.isfinite(a).all() for g in model.params.values() for a in g.values())


def test_defect02_char_lm_overflowing_hidden_states_raise_training_diverged():
    v = data.Vocab.from_text("hello world " * 20)
    model = models.CharLM(v, 4, "rnn", rng=0)
    cell = model.params["cell"]  # finite, but inf - inf makes the states NaN
    cell["bias_ih"][:], cell["bias_hh"][:], cell["weight_hh"][:] = 1e308, 1e308, -1e308
    with pytest.raises(models.TrainingDiverged, match="at step 1: the hidden states are not finite"):
        models.train_char_lm(
            model, v.encode("hello world " * 20), seq_len=5, batch_size=2, steps=3,
            optimizer=optim.SGD(model.params, lr=0.1),
        )


def test_poor_diverged_update_is_undone_and_history_attached():
    v = data.Vocab.from_text("hello world " * 20)
    model = models.CharLM(v, 4, "rnn", rng=0)
    opt = optim.SGD(model.params, lr=1e300)
    real = model.loss_and_grads

    def huge_grads(inputs, targets, state0=None):
        loss, grads, state = real(inputs, targets, state0)
        return loss, {k: {n: np.full_like(a, 1e10) for n, a in g.items()} for k, g in grads.items()}, state

    model.loss_and_grads = huge_grads
    before = {k: {n: a.copy() for n, a in g.items()} for k, g in model.params.items()}
    with pytest.raises(models.TrainingDiverged, match="the update made .* non-finite; the parameters are those before") as info:
        models.train_char_lm(model, v.encode("hello world " * 20), seq_len=5, batch_size=2, steps=3, optimizer=opt)
    assert info.value.step == 1 and len(info.value.history.step) == 0
    for k, g in model.params.items():
        for n, a in g.items():
            np.testing.assert_array_equal(a, before[k][n])
    assert opt.t == 0


# 3. a cache from another cell -----------------------------------------------------------


def test_defect03_linear_rnn_backward_refuses_an_rnn_cache():
    params = rnn.init_params(2, 3, rng=0)
    hs, cache = rnn.forward(np.ones((4, 1, 2)), None, params)
    with pytest.raises(TypeError, match=r"cache must be a rnnlib.linear_rnn.Cache .* got rnnlib.rnn.Cache"):
        linear_rnn.backward(np.ones_like(hs), cache)


def test_defect03_rnn_step_backward_refuses_a_linear_rnn_step_cache():
    params = linear_rnn.init_params(2, 3, rng=0)
    h, step = linear_rnn.step_forward(np.ones((1, 2)), None, params)
    with pytest.raises(TypeError, match=r"cache must be a rnnlib.rnn.StepCache .* got rnnlib.linear_rnn.StepCache"):
        rnn.step_backward(np.ones_like(h), step)


@pytest.mark.parametrize("src, dst", [(a, b) for a in sorted(CELL_MODULES) for b in sorted(CELL_MODULES) if a != b])
def test_poor_every_foreign_cache_is_a_type_error(src, dst):
    params = CELL_MODULES[src].init_params(2, 3, rng=0)
    hs, cache = CELL_MODULES[src].forward(np.ones((2, 1, 2)), None, params)
    with pytest.raises(TypeError, match="cache must be a"):
        CELL_MODULES[dst].backward(np.ones_like(hs), cache)


# 4, 5. variants ---------------------------------------------------------------------------


def test_defect04_reorder_gates_refuses_another_cells_parameters():
    params = gru.init_params(2, 8, rng=0)  # 24 rows: a multiple of 4, but (3*8, 8), not (4*H, H)
    with pytest.raises(ValueError, match=r"params\['weight_hh'\] must have shape \(4\*H, H\), got \(24, 8\)"):
        variants.reorder_gates(params, "ifgo", "iofg")


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_defect05_with_forget_bias_refuses_a_non_finite_value(value):
    with pytest.raises(ValueError, match=r"value must be finite, got"):
        variants.with_forget_bias(lstm.init_params(2, 3, rng=0), value)


# 6, 7. optimisers -------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [np.nan, -0.1, 0.0, np.inf])
def test_defect06_lr_is_checked_at_step(lr):
    params = {"w": np.ones(3)}
    opt = optim.SGD(params, lr=0.1)
    opt.lr = lr
    with pytest.raises(ValueError, match="lr must be"):
        opt.step({"w": np.ones(3)})
    np.testing.assert_array_equal(params["w"], np.ones(3))


def test_defect07_step_with_a_read_only_parameter_changes_nothing():
    params = {"a": np.ones(2), "b": np.ones(2), "c": np.ones(2)}
    params["c"].flags.writeable = False
    opt = optim.Adam(params, lr=0.1)
    with pytest.raises(ValueError, match=r"params\['c'\] is read-only"):
        opt.step({k: np.ones(2) for k in params})
    assert opt.t == 0 and opt.state == {}
    np.testing.assert_array_equal(params["a"], np.ones(2))
    np.testing.assert_array_equal(params["b"], np.ones(2))


def test_poor_keyboard_interrupt_during_step_leaves_parameters_and_state_unchanged():
    params = {"a": np.ones(2), "b": np.ones(2)}
    opt = optim.Momentum(params, lr=0.1)
    opt.step({"a": np.ones(2), "b": np.ones(2)})
    snapshot = {k: v.copy() for k, v in params.items()}
    velocity = {k: v["velocity"].copy() for k, v in opt.state.items()}
    real, calls = opt._update, []

    def interrupted(p, g, state):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(p, g, state)

    opt._update = interrupted
    with pytest.raises(KeyboardInterrupt):
        opt.step({"a": np.ones(2), "b": np.ones(2)})
    assert opt.t == 1
    for k in params:
        np.testing.assert_array_equal(params[k], snapshot[k])
        np.testing.assert_array_equal(opt.state[k]["velocity"], velocity[k])


# 8. clipping an overflowing norm ------------------------------------------------------------


def test_defect08_clip_grad_norm_keeps_the_direction_when_the_norm_overflows():
    grads = {"a": np.full(4, 1.5e308), "b": np.full(2, -1.5e308)}
    assert np.isfinite(optim.global_norm(grads))
    clipped, norm = optim.clip_grad_norm(grads, 1.0)
    flat = np.concatenate([clipped["a"], clipped["b"]])
    assert np.all(flat[:4] > 0) and np.all(flat[4:] < 0)
    assert abs(np.linalg.norm(flat) - 1.0) < 1e-12


# 9-13. io ------------------------------------------------------------------------------


def _valid_file(tmp_path):
    path = tmp_path / "p.npz"
    io.save_params(path, {"w": np.ones(2)})
    return path


def test_defect09_a_member_that_is_not_npy_is_refused(tmp_path):
    import zipfile

    path = _valid_file(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("notes.txt", b"hello")
    with pytest.raises(ValueError, match=r"not a valid rnnlib parameter file: member\(s\) \['notes.txt'\] are not .npy"):
        io.load_params(path)
    with pytest.raises(ValueError, match="not a valid rnnlib parameter file"):
        io.load_params(path, like={"w": np.ones(2)})


def test_defect10_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    import zipfile

    path = tmp_path / "bomb.npz"
    big = np.zeros(4 << 20)  # 32 MiB of zeros, deflated to a few kB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(io.FORMAT_KEY + ".npy", "w") as member:
            np.lib.format.write_array(member, np.array(io.FORMAT_VERSION))
        with archive.open("w.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, big)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ValueError, match=r"more than max_bytes=1048576"):
        io.load_params(path, max_bytes=1 << 20)


def test_defect10_an_array_header_promising_more_than_its_member_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "liar.npz"
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open(io.FORMAT_KEY + ".npy", "w") as member:
            np.lib.format.write_array(member, np.array(io.FORMAT_VERSION))
        header = {"descr": "<f8", "fortran_order": False, "shape": (1 << 40,)}
        with archive.open("w.npy", "w") as member:
            np.lib.format.write_array_header_1_0(member, header)
    with pytest.raises(ValueError, match=r"w.npy declares 8796093022208 bytes of data in"):
        io.load_params(path)


def test_defect11_keys_with_nul_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"keys must be non-empty strings without '/' or NUL"):
        io.save_params(tmp_path / "p.npz", {"w\x001": np.ones(1), "w\x002": np.ones(1)})
    assert list(tmp_path.iterdir()) == []


def test_defect12_a_planted_symlink_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = tmp_path / "p.npz"
    os.symlink(victim, f"{path}.tmp-{os.getpid()}")  # the old predictable name
    io.save_params(path, {"w": np.ones(2)})
    assert victim.read_text() == "precious"
    assert not path.is_symlink()
    np.testing.assert_array_equal(io.load_params(path)["w"], np.ones(2))


def test_defect13_two_threads_saving_to_one_path_both_succeed(tmp_path):
    path = tmp_path / "p.npz"
    errors = []
    arrays = [np.full(200_000, float(k)) for k in range(4)]

    def save(k):
        try:
            for _ in range(5):
                io.save_params(path, {"w": arrays[k]})
        except Exception as exc:  # pragma: no cover - the failure being tested
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    w = io.load_params(path)["w"]
    assert any(np.array_equal(w, a) for a in arrays)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.npz"]


def test_poor_a_plain_text_file_is_not_said_to_hold_pickled_data(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("just some text\n")
    with pytest.raises(ValueError, match=r"not a valid rnnlib parameter file: it is not an .npz \(zip\) archive") as info:
        io.load_params(path)
    assert "pickle" not in str(info.value)


# 16-19. numerical helpers -----------------------------------------------------------------


@pytest.mark.parametrize("eps", [np.inf, np.nan, -np.inf])
def test_defect16_numerical_gradient_refuses_a_non_finite_eps(eps):
    with pytest.raises(ValueError, match="eps must be > 0 and finite"):
        gradcheck.numerical_gradient(lambda x: float(np.sum(x**2)), np.ones(3), eps=eps)


@pytest.mark.parametrize("eps", [0.0, np.nan, np.inf, -1e-6])
def test_defect17_numerical_jacobian_refuses_a_bad_eps(eps):
    with pytest.raises(ValueError, match="eps must be"):
        recursion.numerical_jacobian(lambda x: x**2, np.ones(3), eps=eps)


def test_defect18_median_seconds_and_loglog_slope_refuse_what_gives_nan():
    with pytest.raises(ValueError, match="repeats must be a positive int, got 0"):
        recursion.median_seconds(lambda: None, repeats=0)
    with pytest.raises(ValueError, match=r"seconds must be > 0 .* seconds\[1\] = 0.0"):
        recursion.loglog_slope([10, 20, 40], [1e-3, 0.0, 4e-3])


def test_defect19_spectral_refuses_nan_and_inf():
    w = np.eye(3) * 0.5
    for rho in (np.nan, np.inf):
        with pytest.raises(ValueError, match="rho must be finite"):
            spectral.scale_to_spectral_radius(w, rho)
    with pytest.raises(ValueError, match=r"eigenvalues must be finite, but eigenvalues\[1\] = nan"):
        spectral.matrix_with_eigenvalues([0.5, np.nan, 0.2], rng=0)
    with pytest.raises(ValueError, match=r"a must be finite"):
        spectral.cosine_similarity(np.array([1.0, np.nan]), np.array([1.0, 2.0]))


# poor cases: lists and D = 0 ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CELL_MODULES))
def test_poor_parameters_as_lists_are_a_type_error(name):
    params = {k: v.tolist() for k, v in CELL_MODULES[name].init_params(2, 3, rng=0).items()}
    with pytest.raises(TypeError, match=r"params\['weight_ih'\] must be a NumPy array, got list"):
        CELL_MODULES[name].forward(np.ones((2, 1, 2)), None, params)


@pytest.mark.parametrize("name", sorted(CELL_MODULES))
def test_poor_zero_input_features_are_refused(name):
    params = CELL_MODULES[name].init_params(2, 3, rng=0)
    params["weight_ih"] = params["weight_ih"][:, :0]
    with pytest.raises(ValueError, match=r"params\['weight_ih'\] must have shape"):
        CELL_MODULES[name].forward(np.ones((2, 1, 0)), None, params)


# found by the probe and the fuzz: more of the same kinds ------------------------------------


def test_found_bptt_tools_validate_the_cell_and_the_cache():
    params = rnn.init_params(2, 3, rng=0)
    xs, dhs = np.ones((2, 1, 2)), np.ones((2, 1, 3))
    from rnnlib import bptt

    with pytest.raises(TypeError, match="cell must be a cell module"):
        bptt.truncated_backward(object(), xs, None, params, dhs, 1)
    with pytest.raises(TypeError, match=r"cache must be the cache from a cell's forward .* got list"):
        bptt.gradient_contributions(rnn, [1, 2], dhs)
    with pytest.raises(TypeError, match=r"cache must be the cache from a cell's forward .* got NoneType"):
        bptt.cache_float_count(None)
    np.testing.assert_array_equal(
        bptt.truncated_backward("rnn", xs, None, params, dhs, 1)[0], bptt.truncated_backward(rnn, xs, None, params, dhs, 1)[0]
    )


def test_found_gru_reset_before_step_validates_its_arguments():
    params = gru.init_params(2, 3, rng=0)
    h, _ = variants.gru_reset_before_step(np.ones((1, 2)), None, params)  # None: zeros, as the cells
    assert h.shape == (1, 3)
    params["bias_hh"][4] = np.nan
    with pytest.raises(ValueError, match=r"params\['bias_hh'\] must be finite"):
        variants.gru_reset_before_step(np.ones((1, 2)), np.zeros((1, 3)), params)


def test_found_difference_quotients_that_overflow_are_refused():
    # found by the fuzz: eps = 1e300 is finite and > 0, but (x + eps)**2 overflows
    with pytest.raises(ValueError, match=r"column 0 of the Jacobian is not finite: .*\(eps = 1e\+300\)"):
        recursion.numerical_jacobian(lambda v: v**2, np.ones(2), eps=1e300)
    x = np.ones(2)
    with pytest.raises(ValueError, match=r"the difference quotient at x\[0\] is (nan|inf)"):
        gradcheck.numerical_gradient(lambda: float(np.sum(x**2)), x, eps=1e300)
