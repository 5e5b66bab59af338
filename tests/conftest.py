"""Shared helpers for the cell tests: random inputs and the finite-difference reference."""

import os

# One BLAS thread, set before NumPy loads BLAS.  The notebooks' kernels, which nbval starts
# from this process, inherit it: the committed outputs were made the same way, and on two
# cores one thread is also the faster choice for the course's small matrices.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from rnnlib import gru, lstm, rnn
from rnnlib.gradcheck import numerical_gradient, rel_error

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru}
GRAD_TOL = 1e-7  # every analytic gradient vs centred differences, float64, norm-wise

# (T, B, D, H): the edge shapes T=1, B=1, H=1, and a longer T.
SHAPES = [(1, 1, 1, 1), (1, 2, 3, 4), (3, 1, 2, 1), (4, 3, 2, 5), (25, 2, 3, 3)]


def random_params(cell, D, H, rng, dtype=np.float64):
    """Nonzero random parameters, biases included, larger than the default init so the
    gates are not all near 1/2 and the nonlinearities are exercised."""
    params = cell.init_params(D, H, rng=rng, dtype=dtype)
    return {k: rng.uniform(-1.0, 1.0, size=v.shape).astype(dtype) for k, v in params.items()}


def random_state(cell, B, H, rng, dtype=np.float64):
    """A random initial state: (h0, c0) for the LSTM, h0 otherwise."""
    h0 = rng.standard_normal((B, H)).astype(dtype)
    if cell is lstm:
        return (h0, rng.standard_normal((B, H)).astype(dtype))
    return h0


def state_arrays(cell, state):
    """The arrays of a state, as a dict name -> array (the arrays themselves, not copies)."""
    if cell is lstm:
        return {"h0": state[0], "c0": state[1]}
    return {"h0": state}


def assert_matches_numerical(loss, arrays, analytic):
    """Compare each analytic gradient with centred differences of the scalar ``loss()``.

    ``arrays`` maps a name to the array ``loss`` reads (perturbed in place);
    ``analytic`` maps the same names to the gradients under test.  Returns the largest
    relative error, after asserting that each is below GRAD_TOL.
    """
    errors = {}
    for name, x in arrays.items():
        numeric = numerical_gradient(loss, x, eps=1e-6)
        assert analytic[name].shape == x.shape, name
        errors[name] = rel_error(analytic[name], numeric)
    bad = {k: v for k, v in errors.items() if not v < GRAD_TOL}
    assert not bad, f"relative errors above {GRAD_TOL:g}: {bad}"
    return max(errors.values())
