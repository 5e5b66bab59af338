import re

import numpy as np
import pytest
import sympy as sp

from rnnlib import recursion, rnn, symbolic


@pytest.mark.parametrize("t", [1, 2, 3, 10, 57])
def test_recursion_and_closed_form_agree_with_the_sympy_loop(t):
    rng = np.random.default_rng(t)
    b, c = rng.normal(size=t), rng.normal(size=t)
    bs, cs = [None, *b], [None, *c]  # the SymPy helper counts from 1
    expected = float(symbolic.recursion_by_loop(bs, cs, t))
    np.testing.assert_allclose(recursion.by_recursion(b, c).value, expected, rtol=1e-12)
    np.testing.assert_allclose(recursion.by_closed_form(b, c).value, expected, rtol=1e-12)


@pytest.mark.parametrize("t", [1, 2, 5, 100])
def test_multiplication_counts_are_t_minus_one_and_t_choose_two(t):
    b = c = np.ones(t)
    assert recursion.by_recursion(b, c).multiplications == t - 1
    assert recursion.by_closed_form(b, c).multiplications == t * (t - 1) // 2


def test_c1_is_never_used():
    b = np.array([2.0, 3.0, 5.0])
    c1 = np.array([7.0, 11.0, 13.0])
    c2 = np.array([-99.0, 11.0, 13.0])
    assert recursion.by_recursion(b, c1) == recursion.by_recursion(b, c2)
    assert recursion.by_closed_form(b, c1) == recursion.by_closed_form(b, c2)


@pytest.mark.parametrize(
    "b, c, match",
    [([], [], "non-empty"), ([1.0, 2.0], [1.0], "one c_k per b_k"), ([np.nan], [1.0], "finite")],
)
def test_bad_coefficients_are_rejected(b, c, match):
    with pytest.raises(ValueError, match=match):
        recursion.by_recursion(b, c)


def test_jacobian_product_matches_finite_differences_of_rnn_forward():
    rng = np.random.default_rng(0)
    T, D, H, i = 7, 3, 4, 2
    params = rnn.init_params(D, H, rng=rng)
    params["weight_hh"] *= 3.0  # far from the identity, so a wrong order would show
    xs = rng.normal(size=(T, 1, D))
    hs, _ = rnn.forward(xs, rng.normal(size=(1, H)), params)
    jac = recursion.state_jacobians(hs[:, 0], params["weight_hh"])
    analytic = recursion.jacobian_product(jac, i, T)

    def h_T(h_i):  # (H,) -> (H,): run from step i + 1 to T
        return rnn.forward(xs[i:], h_i[None, :], params)[0][-1, 0]

    numeric = recursion.numerical_jacobian(h_T, hs[i - 1, 0])
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_jacobian_product_of_an_empty_range_is_the_identity():
    jac = np.ones((3, 2, 2))
    np.testing.assert_array_equal(recursion.jacobian_product(jac, 2, 2), np.eye(2))
    with pytest.raises(ValueError, match="0 <= i <= t"):
        recursion.jacobian_product(jac, 3, 2)


def test_loglog_slope_recovers_a_power():
    sizes = np.array([10, 20, 40, 80])
    assert recursion.loglog_slope(sizes, 3e-9 * sizes**2.0) == pytest.approx(2.0)


def test_path_diagram_draws_one_entry_arrow_per_step_and_one_c_arrow_per_multiplication():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    from rnnlib import viz

    t = 5
    fig, ax = plt.subplots()
    assert viz.draw_recursion_paths(t, ax=ax) is ax
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    # t arrows w -> h_i (the b_i) and t(t-1)/2 arrows labelled c_j: the naive cost, drawn
    assert len(arrows) == t + t * (t - 1) // 2
    c_labels = [x.get_text() for x in ax.texts if re.fullmatch(r"\$c_\{\d+\}\$", x.get_text())]
    assert len(c_labels) == t * (t - 1) // 2
    plt.close(fig)


def test_loglog_cost_plot_draws_each_series_and_each_reference_line():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnnlib import viz

    fig, ax = plt.subplots()
    sizes = np.array([10, 20, 40])
    viz.plot_loglog_cost(sizes, {"a": sizes**2.0, "b": sizes * 1.0}, ax=ax,
                         reference_slopes={"a": 2})
    assert len(ax.lines) == 3 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    plt.close(fig)


def test_median_seconds_uses_the_clock_it_is_given():
    ticks = iter(range(0, 100, 2))  # each call of the clock advances 2 "seconds"
    assert recursion.median_seconds(lambda: None, repeats=3, clock=lambda: next(ticks)) == 2.0
