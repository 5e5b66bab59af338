"""rnnlib's cells against torch.nn.RNN, LSTM and GRU: forward outputs and every gradient.

Skipped when PyTorch is not installed (it is an optional reference, never a dependency).
The parameters are torch's own, loaded from a freshly initialised module's state_dict, with
the biases drawn again so that none is zero.
"""

import numpy as np
import pytest

from rnnlib import gru, lstm, rnn

torch = pytest.importorskip("torch")

CELLS = {"RNN": rnn, "LSTM": lstm, "GRU": gru}
TOL = 1e-10


def params_from_state_dict(state_dict):
    """rnnlib params from a one-layer torch.nn.RNN/LSTM/GRU state_dict (weight_ih_l0 ...)."""
    return {key[: -len("_l0")]: value.detach().numpy().copy() for key, value in state_dict.items()}


@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (6, 3, 4, 5), (30, 2, 3, 8)])
def test_forward_and_gradients_match_torch(kind, T, B, D, H):
    cell = CELLS[kind]
    torch.manual_seed(T * 100 + H)
    module = getattr(torch.nn, kind)(D, H).double()
    with torch.no_grad():
        module.bias_ih_l0.uniform_(-1, 1)
        module.bias_hh_l0.uniform_(-1, 1)
    params = params_from_state_dict(module.state_dict())

    rng = np.random.default_rng(T + B)
    xs = rng.standard_normal((T, B, D))
    h0 = rng.standard_normal((B, H))
    c0 = rng.standard_normal((B, H))
    dhs = rng.standard_normal((T, B, H))

    xs_t = torch.tensor(xs, requires_grad=True)
    h0_t = torch.tensor(h0[None], requires_grad=True)
    c0_t = torch.tensor(c0[None], requires_grad=True)
    if kind == "LSTM":
        hs_t, _ = module(xs_t, (h0_t, c0_t))
        hs, cache = cell.forward(xs, (h0, c0), params)
    else:
        hs_t, _ = module(xs_t, h0_t)
        hs, cache = cell.forward(xs, h0, params)
    hs_t.backward(torch.tensor(dhs))
    dxs, dstate0, grads = cell.backward(dhs, cache)

    np.testing.assert_allclose(hs, hs_t.detach().numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(dxs, xs_t.grad.numpy(), rtol=TOL, atol=TOL)
    if kind == "LSTM":
        np.testing.assert_allclose(dstate0[0], h0_t.grad[0].numpy(), rtol=TOL, atol=TOL)
        np.testing.assert_allclose(dstate0[1], c0_t.grad[0].numpy(), rtol=TOL, atol=TOL)
    else:
        np.testing.assert_allclose(dstate0, h0_t.grad[0].numpy(), rtol=TOL, atol=TOL)
    for name, value in module.named_parameters():
        np.testing.assert_allclose(grads[name[: -len("_l0")]], value.grad.numpy(), rtol=TOL, atol=TOL, err_msg=name)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_default_init_has_torch_shapes_and_bounds(kind):
    cell = CELLS[kind]
    module = getattr(torch.nn, kind)(7, 6)
    ours = cell.init_params(7, 6, rng=0)
    for name, value in module.state_dict().items():
        key = name[: -len("_l0")]
        assert ours[key].shape == tuple(value.shape)
        bound = 1 / np.sqrt(6)
        assert float(value.abs().max()) <= bound and np.abs(ours[key]).max() <= bound


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_float32_forward_matches_torch_float32(kind):
    cell = CELLS[kind]
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(4, 5)
    params = params_from_state_dict(module.state_dict())
    xs = np.random.default_rng(0).standard_normal((8, 3, 4)).astype(np.float32)
    with torch.no_grad():
        hs_t, _ = module(torch.from_numpy(xs))
    hs, _ = cell.forward(xs, None, params)
    assert hs.dtype == np.float32
    np.testing.assert_allclose(hs, hs_t.numpy(), rtol=1e-5, atol=1e-6)
