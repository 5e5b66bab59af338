"""Four optimisers behind one interface: SGD, momentum, Adagrad and Adam.

Every optimiser is built as ``Opt(params, lr, ...)`` and updated with
``opt.step(grads)``, which changes the arrays of ``params`` *in place* (so a model
holding the same dict sees the new values) and keeps their dtype.  Its state
(velocities, moment estimates) lives on the optimiser, one entry per parameter array.
In the equations below, g is a parameter's gradient, lr the learning rate, and every
operation is elementwise.
"""

import numpy as np

from .._checks import check_finite
from ._common import _check_positive, _check_unit_interval, _leaves


class Optimizer:
    """The shared interface: ``Opt(params, lr, ...)``, then ``opt.step(grads)``.

    Parameters
    ----------
    params : dict
        Float arrays, possibly nested; updated in place by :meth:`step`.
    lr : float
        The learning rate, > 0.  It is a plain attribute, so a schedule may change
        ``opt.lr`` between steps.
    """

    def __init__(self, params, lr):
        for path, value in _leaves(params, "params"):
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                raise TypeError(
                    f"params['{path}'] must be a float ndarray (it is updated in place), "
                    f"got {type(value).__name__}"
                    + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else "")
                )
        self.params = params
        self.lr = _check_positive("lr", lr)
        self.state = {}  # path -> dict of state arrays, created on first use
        self.t = 0  # number of steps taken

    def step(self, grads):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : dict
            Same structure, shapes and dtypes as ``params``, all finite.  Everything
            (``grads`` and ``lr``) is checked before anything is changed, and the update
            is all or nothing: an error or a KeyboardInterrupt half-way leaves
            ``params`` and the optimiser's state as they were.

        Raises
        ------
        ValueError
            On missing or extra keys, a shape mismatch, or a non-finite gradient (the
            message names the key).
        TypeError
            On a dtype mismatch.
        """
        self.lr = _check_positive("lr", self.lr)  # a schedule may have set it
        pairs = self._match(grads)
        for path, p, _ in pairs:
            if not p.flags.writeable:
                raise ValueError(f"params['{path}'] is read-only; the optimiser updates it in place")
        # All or nothing: on any error, or a KeyboardInterrupt, half-way through the
        # arrays, every parameter and the state are put back as they were.
        backup = [(p, p.copy()) for _, p, _ in pairs]
        state = {path: {k: v.copy() for k, v in st.items()} for path, st in self.state.items()}
        t = self.t
        try:
            self.t += 1
            for path, p, g in pairs:
                self._update(p, g, self.state.setdefault(path, {}))
        except BaseException:
            for p, old in backup:
                np.copyto(p, old)
            self.state, self.t = state, t
            raise

    def _update(self, p, g, state):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _match(self, grads):
        """Pair each parameter with its gradient; check keys, shapes, dtypes, values."""
        params = dict(_leaves(self.params, "params"))
        grad_leaves = dict(_leaves(grads, "grads"))
        missing = [k for k in params if k not in grad_leaves]
        extra = [k for k in grad_leaves if k not in params]
        if missing or extra:
            raise ValueError(
                "grads must have the keys of params; "
                f"missing from grads: {missing}, not in params: {extra}"
            )
        pairs = []
        for path, p in params.items():
            g = np.asarray(grad_leaves[path])
            if g.shape != p.shape:
                raise ValueError(f"grads['{path}'] has shape {g.shape} but params['{path}'] has shape {p.shape}")
            if g.dtype != p.dtype:
                raise TypeError(f"grads['{path}'] has dtype {g.dtype} but params['{path}'] has dtype {p.dtype}")
            check_finite(f"grads['{path}']", g)
            pairs.append((path, p, g))
        return pairs

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}(lr={self.lr!r}{extra}, steps={self.t})"

    def _hyper(self):
        return {}


class SGD(Optimizer):
    """Plain stochastic gradient descent: ``p <- p - lr * g``.

    Parameters
    ----------
    params : dict
    lr : float
    """

    def _update(self, p, g, state):
        p -= self.lr * g


class Momentum(Optimizer):
    """SGD with (heavy-ball) momentum, in PyTorch's form::

        v <- momentum * v + g        (v starts at 0)
        p <- p - lr * v

    For a constant lr this equals the classical
    ``v <- momentum * v - lr * g; p <- p + v`` (Polyak, 1964; Sutskever et al., 2013)
    with v scaled by -lr.

    Parameters
    ----------
    params : dict
    lr : float
    momentum : float
        In [0, 1); 0 gives :class:`SGD`.
    """

    def __init__(self, params, lr, momentum=0.9):
        super().__init__(params, lr)
        self.momentum = _check_unit_interval("momentum", momentum)

    def _update(self, p, g, state):
        v = state.setdefault("velocity", np.zeros_like(p))
        v *= self.momentum
        v += g
        p -= self.lr * v

    def _hyper(self):
        return {"momentum": self.momentum}


class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, 2011): per-entry steps that shrink over time.

    Each entry's step is divided by the root of the sum of its squared gradients so
    far::

        G <- G + g**2                       (G starts at 0)
        p <- p - lr * g / (sqrt(G) + eps)

    Parameters
    ----------
    params : dict
    lr : float
    eps : float
        > 0, keeps the division finite where G is 0.
    """

    def __init__(self, params, lr, eps=1e-8):
        super().__init__(params, lr)
        self.eps = _check_positive("eps", eps)

    def _update(self, p, g, state):
        G = state.setdefault("sum_sq", np.zeros_like(p))
        G += g * g
        p -= self.lr * g / (np.sqrt(G) + self.eps)

    def _hyper(self):
        return {"eps": self.eps}


class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba, 2015, Algorithm 1).

    At step t = 1, 2, ...::

        m <- beta1 * m + (1 - beta1) * g          (m, v start at 0)
        v <- beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    The corrections undo the bias of m and v towards their zero start; without them the
    first steps would be too small by the factor (1 - beta1).

    Parameters
    ----------
    params : dict
    lr : float
    betas : tuple of float
        (beta1, beta2), each in [0, 1).
    eps : float
        > 0.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (_check_unit_interval("betas[0]", beta1), _check_unit_interval("betas[1]", beta2))
        self.eps = _check_positive("eps", eps)

    def _update(self, p, g, state):
        beta1, beta2 = self.betas
        m = state.setdefault("m", np.zeros_like(p))
        v = state.setdefault("v", np.zeros_like(p))
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * (g * g)
        m_hat = m / (1.0 - beta1**self.t)
        v_hat = v / (1.0 - beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def _hyper(self):
        return {"betas": self.betas, "eps": self.eps}
