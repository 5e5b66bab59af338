"""Chapter 5's instruments for taking a gradient apart by distance in time.

* :func:`reverse_closed_form` -- delta_t = sum_{s >= t} (dh_s/dh_t)^T dL_s/dh_s, evaluated
  literally: the product dh_s/dh_t is formed for every pair (s, t), O(T^2) matrix products;
* :func:`lag_sums`, :func:`long_range_share` -- the (s, t) terms of a parameter gradient
  grouped by the lag s - t, and the part of the gradient carried by lags above k;
* :func:`path_products` -- Hochreiter's error flow: one product per path through the units;
* :func:`cliff_losses`, :func:`cliff_grads`, :func:`cliff_loss_and_grad`,
  :func:`cliff_descent` -- a one-unit tanh RNN whose loss, as a function of the recurrent
  weight, has a cliff, and gradient descent on it;
* :func:`per_example_grads`, :func:`clipped_run` -- stochastic gradients and optimiser runs
  with gradient-norm clipping, for the clipping section.

Indexing follows :mod:`rnnlib.recursion`: ``jacobians[j - 1]`` is J_j = dh_j/dh_{j-1} and
``dls[s - 1]`` is the immediate dL_s/dh_s, for j, s = 1 ... T.
"""

import itertools

import numpy as np

from .. import rnn
from ..losses import squared_error
from ..optim import clip_grad_norm, global_norm


def _jacobians(jacobians):
    jacobians = np.asarray(jacobians, dtype=np.float64)
    if jacobians.ndim != 3 or jacobians.shape[1] != jacobians.shape[2]:
        raise ValueError(f"jacobians must have shape (T, H, H), got {jacobians.shape}")
    return jacobians


def reverse_closed_form(jacobians, dls):
    """The terms of delta_t = sum_{s >= t} (dh_s/dh_t)^T dL_s/dh_s, one by one.

    Parameters
    ----------
    jacobians : ndarray, shape (T, H, H)
        ``jacobians[j - 1]`` is J_j (as :func:`rnnlib.recursion.state_jacobians` returns).
    dls : ndarray, shape (T, H)
        ``dls[s - 1]`` is the immediate dL_s/dh_s of the loss at step s.

    Returns
    -------
    terms : ndarray, shape (T + 1, T, H)
        ``terms[t, s - 1]`` = (dh_s/dh_t)^T dls[s - 1] for s >= t, zero for s < t;
        t runs 0 ... T.
    deltas : ndarray, shape (T + 1, H)
        ``deltas[t]`` = delta_t = dL/dh_t, the sum of ``terms[t]`` over s.
    """
    jacobians = _jacobians(jacobians)
    T, H = jacobians.shape[:2]
    dls = np.asarray(dls, dtype=np.float64)
    if dls.shape != (T, H):
        raise ValueError(f"dls must have shape (T, H) = {(T, H)}, got {dls.shape}")
    terms = np.zeros((T + 1, T, H))
    for t in range(T + 1):
        product = np.eye(H)  # dh_t/dh_t
        if t >= 1:
            terms[t, t - 1] = dls[t - 1]
        for s in range(t + 1, T + 1):
            product = jacobians[s - 1] @ product  # dh_s/dh_t = J_s dh_{s-1}/dh_t
            terms[t, s - 1] = product.T @ dls[s - 1]  # (H,)
    return terms, terms.sum(axis=1)


def lag_sums(contributions):
    """Group (s, t) terms by the lag s - t: ``out[l]`` = sum of ``contributions[t + l, t]``.

    Parameters
    ----------
    contributions : ndarray, shape (T, T, ...)
        Indexed [s, t], as one entry of :func:`rnnlib.bptt.gradient_contributions`.

    Returns
    -------
    ndarray, shape (T, ...)
    """
    c = np.asarray(contributions, dtype=np.float64)
    if c.ndim < 2 or c.shape[0] != c.shape[1]:
        raise ValueError(f"contributions must have shape (T, T, ...), got {c.shape}")
    T = c.shape[0]
    return np.stack([sum(c[t + lag, t] for t in range(T - lag)) for lag in range(T)])


def long_range_share(contributions, k):
    """||sum of the terms with lag s - t > k|| / ||sum of all terms|| (Frobenius norms).

    Parameters
    ----------
    contributions : ndarray, shape (T, T, ...)
    k : int
        k >= 0.

    Returns
    -------
    float
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be an integer >= 0, got {k!r}")
    by_lag = lag_sums(contributions)
    total = np.linalg.norm(by_lag.sum(axis=0))
    if total == 0:
        raise ValueError("the gradient is zero; its share is undefined")
    return float(np.linalg.norm(by_lag[k + 1:].sum(axis=0)) / total)


def path_products(derivs, weight_hh, t, T, v, u, *, max_paths=10**6):
    """Hochreiter's error flow from unit v at step T back to unit u at step t, path by path.

    A path is a sequence of units i_T = v, i_{T-1}, ..., i_t = u; its scaled error is
    prod_{j=t+1}^{T} phi'(a_j)[i_j] * W_hh[i_j, i_{j-1}].  Their sum is the entry [v, u] of
    dh_T/dh_t.

    Parameters
    ----------
    derivs : ndarray, shape (T_all, H)
        ``derivs[j - 1]`` is phi'(a_j).
    weight_hh : ndarray, shape (H, H)
    t, T : int
        0 <= t < T <= T_all.
    v, u : int
        Units, 0 <= v, u < H.
    max_paths : int
        Refuse windows with more than this many paths (there are H^(T - t - 1)).

    Returns
    -------
    ndarray, shape (H^(T - t - 1),)
        One product per path.
    """
    derivs = np.asarray(derivs, dtype=np.float64)
    w = np.asarray(weight_hh, dtype=np.float64)
    if derivs.ndim != 2 or w.shape != (derivs.shape[1],) * 2:
        raise ValueError(f"derivs must be (T, H) and weight_hh (H, H), got {derivs.shape}, {w.shape}")
    H = w.shape[0]
    if not 0 <= t < T <= derivs.shape[0]:
        raise ValueError(f"need 0 <= t < T <= {derivs.shape[0]}, got t = {t}, T = {T}")
    if not (0 <= v < H and 0 <= u < H):
        raise ValueError(f"units v, u must lie in 0 ... {H - 1}, got v = {v}, u = {u}")
    if H ** (T - t - 1) > max_paths:
        raise ValueError(f"{H}^{T - t - 1} paths exceed max_paths = {max_paths}")
    products = []
    for middle in itertools.product(range(H), repeat=T - t - 1):
        units = (v,) + middle + (u,)  # units[m] = i_{T - m}
        p = 1.0
        for m in range(T - t):
            j = T - m  # the factor of step j links i_j = units[m] to i_{j-1} = units[m + 1]
            p *= derivs[j - 1, units[m]] * w[units[m], units[m + 1]]
        products.append(p)
    return np.array(products)


def cliff_losses(ws, *, bias, h0, steps, target):
    """L(w) = 1/2 (h_T - y)^2 of h_t = tanh(w h_{t-1} + bias), for many w at once.

    Parameters
    ----------
    ws : ndarray, shape (N,)
    bias, h0, target : float
    steps : int
        T >= 1.

    Returns
    -------
    ndarray, shape (N,)
    """
    h = np.full(np.shape(ws), float(h0))
    for _ in range(int(steps)):
        h = np.tanh(np.asarray(ws) * h + bias)
    return 0.5 * (h - target) ** 2


def cliff_grads(ws, *, bias, h0, steps, target):
    """dL/dw of :func:`cliff_losses` for many w at once, in forward mode.

    Chapter 2's recursion for the total derivative: with g_t = dh_t/dw,
    g_t = (1 - h_t^2) (h_{t-1} + w g_{t-1}), g_0 = 0, and dL/dw = (h_T - y) g_T.

    Returns
    -------
    ndarray, shape (N,)
    """
    ws = np.asarray(ws, dtype=np.float64)
    h, g = np.full(ws.shape, float(h0)), np.zeros(ws.shape)
    for _ in range(int(steps)):
        h_new = np.tanh(ws * h + bias)
        g = (1.0 - h_new**2) * (h + ws * g)
        h = h_new
    return (h - target) * g


def cliff_loss_and_grad(w, *, bias, h0, steps, target):
    """The same loss at one w, and dL/dw, through :func:`rnnlib.rnn.forward` / ``backward``.

    Returns
    -------
    loss : float
    grad : float
    """
    params = {"weight_ih": np.zeros((1, 1)), "weight_hh": np.array([[float(w)]]),
              "bias_ih": np.array([float(bias)]), "bias_hh": np.zeros(1)}
    xs = np.zeros((int(steps), 1, 1))  # (T, B, D): no input, the bias drives the unit
    hs, cache = rnn.forward(xs, np.array([[float(h0)]]), params)
    loss, dlast = squared_error(hs[-1], np.array([[float(target)]]))
    dhs = np.zeros_like(hs)  # (T, 1, 1)
    dhs[-1] = dlast
    return float(loss), float(rnn.backward(dhs, cache)[2]["weight_hh"][0, 0])


def _last_state_loss(cell, params, xs, ys):
    """1/2 mean over the batch of ||h_T - y||^2 and its gradient."""
    hs, cache = cell.forward(xs, None, params)
    loss, dlast = squared_error(hs[-1], ys)  # dlast (B, H)
    dhs = np.zeros_like(hs)
    dhs[-1] = dlast / xs.shape[1]
    return loss / xs.shape[1], cell.backward(dhs, cache)[2]


def per_example_grads(cell, params, xs, ys):
    """The gradient of 1/2 ||h_T - y||^2 for each sequence of the batch on its own.

    Parameters
    ----------
    cell : module
    params : dict
    xs : ndarray, shape (T, B, D)
    ys : ndarray, shape (B, H)

    Returns
    -------
    list of B dicts
    """
    return [_last_state_loss(cell, params, xs[:, b:b + 1], ys[b:b + 1])[1]
            for b in range(xs.shape[1])]


def clipped_run(cell, params, xs, ys, make_opt, *, lr, steps, max_norm=None):
    """Train on 1/2 mean ||h_T - y||^2 with ``make_opt(params, lr)``, clipping if asked.

    Returns
    -------
    params : dict
        The trained copy.
    moves : ndarray, shape (steps,)
        The largest absolute change of any single parameter entry at each update.
    norms : ndarray, shape (steps,)
        The global gradient norm before clipping.
    losses : ndarray, shape (steps,)
        The loss before each update.
    """
    params = {k: np.array(v, copy=True) for k, v in params.items()}
    opt = make_opt(params, lr)
    moves, norms, losses = [], [], []
    for _ in range(int(steps)):
        loss, grads = _last_state_loss(cell, params, xs, ys)
        norms.append(global_norm(grads))
        losses.append(loss)
        if max_norm is not None:
            grads, _ = clip_grad_norm(grads, max_norm)
        before = {k: v.copy() for k, v in params.items()}
        opt.step(grads)
        moves.append(max(np.abs(params[k] - before[k]).max() for k in params))
    return params, np.array(moves), np.array(norms), np.array(losses)


def cliff_descent(w0, cliff, *, lr, updates, max_norm=None):
    """Gradient descent on the cliff loss of :func:`cliff_loss_and_grad`, from w0.

    Parameters
    ----------
    w0 : float
    cliff : dict
        The keyword arguments of :func:`cliff_loss_and_grad`: bias, h0, steps, target.
    lr : float
    updates : int
        The number of gradient steps.
    max_norm : float or None
        Clip the size of dL/dw to this value (:func:`rnnlib.optim.clip_grad_norm`);
        None: no clipping.

    Returns
    -------
    ws : ndarray, shape (updates + 1,)
        The iterates, w0 first.
    grads : ndarray, shape (updates,)
        dL/dw at each iterate before clipping.
    """
    ws, grads = [float(w0)], []
    for _ in range(int(updates)):
        _, g = cliff_loss_and_grad(ws[-1], **cliff)
        grads.append(g)
        if max_norm is not None:
            g = float(clip_grad_norm({"w": np.array(g)}, max_norm)[0]["w"])
        ws.append(ws[-1] - lr * g)
    return np.array(ws), np.array(grads)
