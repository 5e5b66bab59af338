import numpy as np
import pytest
import sympy as sp

from rnnlib import symbolic


@pytest.mark.parametrize("K", [1, 2, 3, 4])
def test_softmax_jacobian_equals_diag_minus_outer_product(K):
    J, o, s = symbolic.softmax_jacobian_symbolic(K)
    assert J.shape == (K, K) and o.shape == (K, 1) and s.shape == (K, 1)
    assert sp.simplify(J - (sp.diag(*s) - s * s.T)) == sp.zeros(K, K)


def test_softmax_symbolic_matches_a_stable_numpy_softmax_on_random_logits():
    o, s = symbolic.softmax_symbolic(5)
    logits = np.random.default_rng(1).normal(size=5)
    values = [float(e.subs(dict(zip(o, logits)))) for e in s]
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(values, expected, rtol=1e-14)


def test_softmax_symbolic_names_its_symbols():
    o, _ = symbolic.softmax_symbolic(2, name="z")
    assert [str(x) for x in o] == ["z_1", "z_2"]


@pytest.mark.parametrize("K", [0, -1, 2.0, "3"])
def test_softmax_symbolic_rejects_a_bad_K(K):
    with pytest.raises(ValueError, match="K must be an int >= 1"):
        symbolic.softmax_symbolic(K)
