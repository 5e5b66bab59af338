import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnnlib import losses
from rnnlib.activations import sigmoid
from rnnlib.gradcheck import assert_gradients_close, check_vjp

PROPERTY = settings(derandomize=True, max_examples=40, deadline=None, database=None)
TOL = 1e-7  # relative error of analytic against finite-difference gradients, float64

# Leading shapes of the positions, with V: B=1, V=2, and extra leading axes.
SHAPES = [((1,), 2), ((3,), 5), ((2, 3), 4), ((1, 1, 2), 3), ((), 6)]


def logit_arrays(max_rows=4, max_classes=6, bound=30.0):
    return st.tuples(st.integers(1, max_rows), st.integers(1, max_classes)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=st.floats(-bound, bound))
    )


def naive_log_softmax(z):
    """The textbook formula, fine for moderate logits: the reference for the stable one."""
    return np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))


# --- softmax, log-softmax, logsumexp ---------------------------------------------------


@PROPERTY
@given(logit_arrays())
def test_softmax_rows_are_positive_and_sum_to_one(z):
    p = losses.softmax(z)
    assert p.shape == z.shape
    assert np.all(p > 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)


@PROPERTY
@given(logit_arrays())
def test_log_softmax_and_logsumexp_equal_the_naive_formulas_for_moderate_logits(z):
    np.testing.assert_allclose(losses.log_softmax(z), naive_log_softmax(z), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(losses.logsumexp(z), np.log(np.exp(z).sum(axis=-1)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.exp(losses.log_softmax(z)), losses.softmax(z), rtol=1e-12)


@PROPERTY
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50)))
def test_two_class_softmax_equals_the_sigmoid_of_the_logit_difference(pair):
    a = pair[:, None]  # (N, 1)
    b = np.roll(pair, 1)[:, None]
    p = losses.softmax(np.concatenate([a, b], axis=1))  # (N, 2)
    np.testing.assert_allclose(p[:, 0], sigmoid(a - b)[:, 0], rtol=1e-12, atol=1e-300)


def test_softmax_is_unchanged_by_a_shift_and_finite_for_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [1e4, 1e4 - 1.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        p = losses.softmax(z)
        log_p = losses.log_softmax(z)
        lse = losses.logsumexp(z)
    np.testing.assert_allclose(p, losses.softmax(z - 1e4), rtol=1e-12)
    np.testing.assert_allclose(p[1, :2], [1 / (1 + np.exp(-1)), 1 / (1 + np.exp(1))], rtol=1e-12)
    assert np.all(np.isfinite(log_p))
    np.testing.assert_allclose(lse[0], 1e4, rtol=1e-15)
    assert lse.shape == (2,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_keeps_the_dtype(dtype):
    z = np.arange(6, dtype=dtype).reshape(2, 3)
    for fn in (losses.softmax, losses.log_softmax, losses.logsumexp):
        assert fn(z).dtype == dtype


def test_integer_logits_are_read_as_float64():
    assert losses.softmax(np.array([0, 1])).dtype == np.float64


# --- cross-entropy with class targets ----------------------------------------------------


@PROPERTY
@given(logit_arrays(), st.data())
def test_cross_entropy_of_a_class_target_is_minus_the_log_probability(z, data):
    n, v = z.shape
    y = np.array(data.draw(st.lists(st.integers(0, v - 1), min_size=n, max_size=n)))
    loss, _ = losses.softmax_cross_entropy(z, y, reduction="sum")
    expected = -np.log(losses.softmax(z)[np.arange(n), y]).sum()
    np.testing.assert_allclose(loss, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("lead, v", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
def test_softmax_cross_entropy_gradient_matches_finite_differences(lead, v, reduction, smoothing):
    rng = np.random.default_rng(0)
    z = rng.normal(scale=2.0, size=lead + (v,))
    y = rng.integers(0, v, size=lead)
    loss, dz = losses.softmax_cross_entropy(z, y, reduction=reduction, label_smoothing=smoothing)
    assert dz.shape == z.shape

    def f():
        return losses.softmax_cross_entropy(z, y, reduction=reduction, label_smoothing=smoothing)[0]

    errors = check_vjp(f, {"logits": z}, {"logits": dz}, dout=1.0)
    assert_gradients_close(errors, tol=TOL)


def test_label_smoothing_matches_torchs_target_distribution_written_out():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 5))
    y = np.array([0, 4, 2, 2])
    eps, v = 0.2, 5
    q = np.full((4, 5), eps / v)
    q[np.arange(4), y] += 1 - eps
    expected = -(q * naive_log_softmax(z)).sum(axis=-1).mean()
    loss, dz = losses.softmax_cross_entropy(z, y, label_smoothing=eps)
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    np.testing.assert_allclose(dz, (losses.softmax(z) - q) / 4, rtol=1e-12, atol=1e-15)
    soft_loss, soft_dz = losses.cross_entropy_soft(z, q)
    np.testing.assert_allclose([loss, *dz.ravel()], [soft_loss, *soft_dz.ravel()], rtol=1e-12, atol=1e-15)


def test_mean_reduction_divides_the_sum_by_the_number_of_positions():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(3, 2, 4))
    y = rng.integers(0, 4, size=(3, 2))
    total, dtotal = losses.softmax_cross_entropy(z, y, reduction="sum")
    mean, dmean = losses.softmax_cross_entropy(z, y, reduction="mean")
    np.testing.assert_allclose(mean, total / 6, rtol=1e-14)
    np.testing.assert_allclose(dmean, dtotal / 6, rtol=1e-14)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_is_finite_for_logits_of_magnitude_1e4(smoothing):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]])
    y = np.array([1, 2, 0])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        loss, dz = losses.softmax_cross_entropy(z, y, label_smoothing=smoothing)
    assert np.isfinite(loss) and np.all(np.isfinite(dz))
    if smoothing == 0.0:  # row 0 puts p ~ exp(-2e4) on its target: loss 2e4; rows 1, 2: 0 and log 2
        np.testing.assert_allclose(loss, (2e4 + 0.0 + np.log(2)) / 3, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_gradients_keep_the_dtype_of_the_logits(dtype):
    z = np.ones((2, 3), dtype=dtype)
    _, dz = losses.softmax_cross_entropy(z, np.array([0, 1]), label_smoothing=0.1)
    assert dz.dtype == dtype
    _, dz = losses.cross_entropy_soft(z, np.full((2, 3), 1 / 3, dtype=dtype))
    assert dz.dtype == dtype
    _, dpred = losses.squared_error(z, np.zeros((2, 3), dtype=dtype), reduction="mean")
    assert dpred.dtype == dtype


# --- cross-entropy with soft targets ----------------------------------------------------


@pytest.mark.parametrize("lead, v", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_soft_cross_entropy_gradient_matches_finite_differences(lead, v, reduction):
    rng = np.random.default_rng(3)
    z = rng.normal(scale=2.0, size=lead + (v,))
    q = rng.dirichlet(np.ones(v), size=lead)  # rows are distributions
    _, dz = losses.cross_entropy_soft(z, q, reduction=reduction)

    def f():
        return losses.cross_entropy_soft(z, q, reduction=reduction)[0]

    assert_gradients_close(check_vjp(f, {"logits": z}, {"logits": dz}, dout=1.0), tol=TOL)


def test_soft_targets_that_are_one_hot_give_the_class_target_loss():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(5, 3))
    y = np.array([0, 1, 2, 2, 1])
    q = np.eye(3)[y]
    hard = losses.softmax_cross_entropy(z, y)
    soft = losses.cross_entropy_soft(z, q)
    np.testing.assert_allclose(soft[0], hard[0], rtol=1e-14)
    np.testing.assert_allclose(soft[1], hard[1], rtol=1e-14, atol=1e-17)


# --- squared error -----------------------------------------------------------------------


def test_squared_error_uses_the_one_half_convention():
    pred = np.array([[1.0, 2.0], [3.0, -1.0]])
    target = np.array([[0.0, 2.0], [1.0, 1.0]])
    loss, dpred = losses.squared_error(pred, target)
    assert loss == 0.5 * (1 + 0 + 4 + 4)
    np.testing.assert_array_equal(dpred, [[1.0, 0.0], [2.0, -2.0]])
    loss, dpred = losses.squared_error(pred, target, reduction="mean")
    assert loss == 4.5 / 4
    np.testing.assert_array_equal(dpred, [[0.25, 0.0], [0.5, -0.5]])


@pytest.mark.parametrize("shape", [(1,), (3, 1), (2, 3, 4)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_squared_error_gradient_matches_finite_differences(shape, reduction):
    rng = np.random.default_rng(5)
    pred, target = rng.normal(size=shape), rng.normal(size=shape)
    _, dpred = losses.squared_error(pred, target, reduction=reduction)

    def f():
        return losses.squared_error(pred, target, reduction=reduction)[0]

    assert_gradients_close(check_vjp(f, {"pred": pred}, {"pred": dpred}, dout=1.0), tol=TOL)


def test_squared_error_accepts_integer_targets():
    loss, _ = losses.squared_error(np.array([1.5]), np.array([1]))
    assert loss == 0.125


# --- bad input ---------------------------------------------------------------------------


Z = np.zeros((2, 3))


@pytest.mark.parametrize(
    "targets, message",
    [
        (np.array([0, 3]), r"targets must lie in \[0, 3\) for 3 classes, but targets\[1\] = 3"),
        (np.array([-1, 0]), r"targets\[0\] = -1"),
    ],
)
def test_out_of_range_targets_are_named_with_the_value_and_V(targets, message):
    with pytest.raises(ValueError, match=message):
        losses.softmax_cross_entropy(Z, targets)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: losses.softmax_cross_entropy(Z, np.array([0.0, 1.0])), TypeError, "targets must be an integer array, got dtype float64"),
        (lambda: losses.softmax_cross_entropy(Z, np.array([0, 1, 2])), ValueError, r"targets has shape \(3,\) but expected \(2,\)"),
        (lambda: losses.softmax_cross_entropy(Z, np.array([0, 1]), reduction="avg"), ValueError, "reduction must be one of"),
        (lambda: losses.softmax_cross_entropy(Z, np.array([0, 1]), label_smoothing=1.5), ValueError, r"label_smoothing must lie in \[0, 1\], got 1.5"),
        (lambda: losses.softmax_cross_entropy(Z, np.array([0, 1]), label_smoothing="a"), TypeError, "label_smoothing must be a float"),
        (lambda: losses.softmax_cross_entropy(np.array([[0.0, np.nan]]), np.array([0])), ValueError, r"logits must be finite, but logits\[0, 1\] = nan"),
        (lambda: losses.softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, int)), ValueError, "logits has no positions"),
        (lambda: losses.softmax(np.zeros((2, 0))), ValueError, r"at least one class along the last axis, got shape \(2, 0\)"),
        (lambda: losses.softmax(np.float64(1.0)), ValueError, "at least one class"),
        (lambda: losses.softmax(np.zeros(3, np.float16)), TypeError, "logits must be float32 or float64, got float16"),
        (lambda: losses.softmax(np.array(["a"])), TypeError, "logits must be a float array"),
        (lambda: losses.cross_entropy_soft(Z, np.full((2, 3), -0.5)), ValueError, r"target_probs must be non-negative, but target_probs\[0, 0\] = -0.5"),
        (lambda: losses.cross_entropy_soft(Z, np.full((2, 3), 0.5)), ValueError, r"must sum to 1 \(within 1e-06\), but target_probs\[0, :\] sums to"),
        (lambda: losses.cross_entropy_soft(Z, np.full((3, 2), 0.5)), ValueError, r"target_probs has shape \(3, 2\) but expected \(2, 3\)"),
        (lambda: losses.cross_entropy_soft(Z, np.full((2, 3), 1 / 3, np.float32)), TypeError, "target_probs has dtype float32 but logits has dtype float64"),
        (lambda: losses.cross_entropy_soft(Z, np.full((2, 3), 1 / 3), reduction="none"), ValueError, "reduction must be one of"),
        (lambda: losses.squared_error(Z, np.zeros((3, 2))), ValueError, r"target has shape \(3, 2\) but expected \(2, 3\)"),
        (lambda: losses.squared_error(Z, Z.astype(np.float32)), TypeError, "target has dtype float32 but pred has dtype float64"),
        (lambda: losses.squared_error(Z, np.zeros(6)), ValueError, "target must be 2-D, got 1-D"),
        (lambda: losses.squared_error(Z, Z, reduction="max"), ValueError, "reduction must be one of"),
        (lambda: losses.squared_error(np.zeros(0), np.zeros(0)), ValueError, "pred is empty"),
        (lambda: losses.squared_error(Z, np.full((2, 3), np.inf)), ValueError, "target must be finite"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- masks for padded batches ----------------------------------------------------------


def padded_batch(lengths, v, rng):
    """Logits (T, B, V), targets (T, B) and mask (T, B) for sequences of the given lengths.

    Padding positions get random logits and the padding target -1, so that a loss which
    used them anywhere would show it.
    """
    t, b = max(lengths), len(lengths)
    z = rng.normal(scale=2.0, size=(t, b, v))
    y = rng.integers(0, v, size=(t, b))
    mask = np.arange(t)[:, None] < np.array(lengths)[None, :]  # (T, B)
    return z, np.where(mask, y, -1), mask


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_masked_cross_entropy_gradient_matches_finite_differences(reduction, smoothing):
    z, y, mask = padded_batch([4, 1, 3], 5, np.random.default_rng(1))

    def f():
        return losses.softmax_cross_entropy(
            z, y, reduction=reduction, label_smoothing=smoothing, mask=mask
        )[0]

    _, dz = losses.softmax_cross_entropy(
        z, y, reduction=reduction, label_smoothing=smoothing, mask=mask
    )
    assert_gradients_close(check_vjp(f, {"logits": z}, {"logits": dz}, dout=1.0), tol=TOL)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_masked_soft_cross_entropy_gradient_matches_finite_differences(reduction):
    rng = np.random.default_rng(2)
    z, _, mask = padded_batch([2, 4, 3], 3, rng)
    q = rng.dirichlet(np.ones(3), size=z.shape[:-1])  # (T, B, V) distributions
    q[~mask] = 0.0  # padding rows need not be distributions

    def f():
        return losses.cross_entropy_soft(z, q, reduction=reduction, mask=mask)[0]

    _, dz = losses.cross_entropy_soft(z, q, reduction=reduction, mask=mask)
    assert_gradients_close(check_vjp(f, {"logits": z}, {"logits": dz}, dout=1.0), tol=TOL)


@pytest.mark.parametrize("loss_of", ["class", "soft"])
def test_masked_positions_get_exactly_zero_gradient_and_change_nothing(loss_of):
    rng = np.random.default_rng(3)
    z, y, mask = padded_batch([5, 2, 3, 1], 6, rng)
    q = np.eye(6)[np.where(mask, y, 0)]  # (T, B, V) one-hot rows

    def loss(logits):
        if loss_of == "class":
            return losses.softmax_cross_entropy(logits, y, label_smoothing=0.2, mask=mask)
        return losses.cross_entropy_soft(logits, q, mask=mask)

    value, dz = loss(z)
    assert np.count_nonzero(dz[~mask]) == 0 and np.all(dz[~mask] == 0.0)
    assert np.all(np.any(dz[mask] != 0.0, axis=-1))  # every real position has a gradient
    z_other = z.copy()
    z_other[~mask] = rng.normal(scale=50.0, size=z_other[~mask].shape)  # other padding logits
    value_other, dz_other = loss(z_other)
    assert value_other == value
    np.testing.assert_array_equal(dz_other, dz)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_a_masked_padded_batch_equals_the_losses_of_the_unpadded_sequences(reduction):
    lengths = [5, 2, 3]
    z, y, mask = padded_batch(lengths, 4, np.random.default_rng(4))
    loss, dz = losses.softmax_cross_entropy(z, y, reduction=reduction, mask=mask)
    # Each sequence on its own, without padding: its summed loss and gradient.
    per_sequence = [
        losses.softmax_cross_entropy(z[:n, b], y[:n, b], reduction="sum")
        for b, n in enumerate(lengths)
    ]
    scale = sum(lengths) if reduction == "mean" else 1  # the mean is over the 10 real positions
    np.testing.assert_allclose(loss, sum(s for s, _ in per_sequence) / scale, rtol=1e-14)
    for b, (n, (_, dz_b)) in enumerate(zip(lengths, per_sequence)):
        np.testing.assert_allclose(dz[:n, b], dz_b / scale, rtol=1e-14, atol=1e-17)
        assert np.all(dz[n:, b] == 0.0)


def test_a_full_mask_changes_nothing_and_integer_masks_equal_boolean_ones():
    z, y, mask = padded_batch([3, 1], 4, np.random.default_rng(5))
    full = np.ones(y.shape, dtype=bool)
    y_full = np.where(mask, y, 0)
    plain = losses.softmax_cross_entropy(z, y_full)
    with_full_mask = losses.softmax_cross_entropy(z, y_full, mask=full)
    assert plain[0] == with_full_mask[0]
    np.testing.assert_array_equal(plain[1], with_full_mask[1])
    as_bool = losses.softmax_cross_entropy(z, y, mask=mask)
    as_int = losses.softmax_cross_entropy(z, y, mask=mask.astype(np.int64))
    assert as_bool[0] == as_int[0]
    np.testing.assert_array_equal(as_bool[1], as_int[1])


def test_masked_losses_keep_float32():
    z, y, mask = padded_batch([2, 3], 5, np.random.default_rng(6))
    z32 = z.astype(np.float32)
    _, dz = losses.softmax_cross_entropy(z32, y, mask=mask)
    assert dz.dtype == np.float32
    _, dz_soft = losses.cross_entropy_soft(z32, np.full(z.shape, 0.2, np.float32), mask=mask)
    assert dz_soft.dtype == np.float32


M = np.array([[True, False]])  # (T, B) = (1, 2) for logits ZM (1, 2, 3)
ZM = np.zeros((1, 2, 3))
YM = np.array([[0, 1]])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: losses.softmax_cross_entropy(ZM, YM, mask=M.T), ValueError,
         r"mask has shape \(2, 1\) but expected \(1, 2\)"),
        (lambda: losses.softmax_cross_entropy(ZM, YM, mask=M.astype(float)), TypeError,
         "mask must be a boolean array .*got dtype float64"),
        (lambda: losses.softmax_cross_entropy(ZM, YM, mask=np.array([[1, 2]])), ValueError,
         r"mask must hold only 0 and 1 \(or booleans\), but mask\[0, 1\] = 2"),
        (lambda: losses.softmax_cross_entropy(ZM, YM, mask=np.zeros((1, 2), bool)), ValueError,
         "mask has no True entry"),
        (lambda: losses.softmax_cross_entropy(ZM, np.array([[-1, 1]]), mask=M), ValueError,
         r"targets\[0, 0\] = -1"),
        (lambda: losses.cross_entropy_soft(ZM, np.full((1, 2, 3), 0.5), mask=M), ValueError,
         r"target_probs\[0, 0, :\] sums to 1.5"),
        (lambda: losses.cross_entropy_soft(ZM, np.full((1, 2, 3), 1 / 3), mask=M[0]), ValueError,
         r"mask has shape \(2,\) but expected \(1, 2\)"),
    ],
)
def test_bad_masks_raise_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_an_all_false_mask_with_sum_reduction_gives_zero():
    loss, dz = losses.softmax_cross_entropy(ZM, YM, reduction="sum", mask=np.zeros((1, 2), bool))
    assert loss == 0.0 and np.all(dz == 0.0)
