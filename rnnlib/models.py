"""The small models the chapters train, and their training loops.

:class:`CharLM`
    A character-level language model: one-hot or embedded characters, a recurrent cell
    (``"rnn"``, ``"lstm"`` or ``"gru"``), a linear read-out to logits over the
    vocabulary.  :func:`train_char_lm` trains it by truncated BPTT: the hidden state is
    carried from one chunk to the next, but gradients stop at chunk boundaries.
:class:`SequenceRegressor`
    Many-to-one regression: the cell reads a whole sequence and a linear head maps the
    last hidden state to the output.  :func:`train_regressor` trains it on minibatches.

Each model keeps its parameters in one nested dict, ``model.params``, e.g.
``{"embed": {"weight"}, "cell": {"weight_ih", ...}, "out": {"weight", "bias"}}``, which is
what the optimisers of :mod:`rnnlib.optim` update in place.  Gradients come back in a dict
of the same structure.

Both training loops stop with :class:`TrainingDiverged` (a ``FloatingPointError``) at the
first step whose loss, gradients or updated parameters are not finite, and print nothing
but rounded losses (no timings), so notebook outputs are reproducible.
"""

import copy
import importlib
import types
from typing import NamedTuple

import numpy as np

from . import layers, losses
from ._checks import as_float_array, as_rng, check_ids, check_positive_int, check_shape
from .data import Vocab, batchify, iterate_chunks
from .optim import _leaves, clip_grad_norm, global_norm

CELLS = ("rnn", "lstm", "gru")


def get_cell(cell):
    """Return the cell module for a name (``"rnn"``, ``"lstm"``, ``"gru"``) or a module.

    A cell module has ``init_params``, ``step_forward``, ``step_backward``, ``forward`` and
    ``backward`` with the contract of :mod:`rnnlib.rnn`.
    """
    if isinstance(cell, str):
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS} or a cell module, got {cell!r}")
        return importlib.import_module(f"rnnlib.{cell}")
    required = ("init_params", "step_forward", "step_backward", "forward", "backward")
    if not isinstance(cell, types.ModuleType) or not all(hasattr(cell, f) for f in required):
        raise TypeError(
            f"cell must be one of {CELLS} or a module with {', '.join(required)}, got {cell!r}"
        )
    return cell


def final_state(cell, hs, cache):
    """The state after the last step of ``cell.forward``: ``hs[-1]``, or ``(h_T, c_T)``.

    Parameters
    ----------
    cell : module
    hs : ndarray, shape (T, B, H)
    cache : the cache from ``cell.forward``

    Returns
    -------
    state : ndarray, shape (B, H), or a tuple of them for a cell whose state is a tuple
        (the LSTM's ``(h, c)``; such a cell module provides ``final_state(cache)``).
    """
    if hasattr(cell, "final_state"):
        return cell.final_state(cache)
    return hs[-1]


class TrainingDiverged(FloatingPointError):
    """Training met NaN or inf; ``step`` is the (1-based) step where it happened.

    ``history`` is the :class:`History` of the ``step - 1`` steps that went well (None
    when the exception is raised outside a training loop).  The model's parameters (and
    the optimiser's state) are left as they were *before* step ``step``: the last finite
    ones, never the overflowed result of the failed update.
    """

    def __init__(self, step, what, history=None):
        self.step = step
        self.what = what
        self.history = history
        super().__init__(
            f"training diverged at step {step}: {what}"
            + ("" if history is None else "; the parameters are those before this step, the history so far is err.history")
        )


def _check_finite_or_diverged(what, arr):
    """Raise ``FloatingPointError`` (which the training loops turn into
    :class:`TrainingDiverged`) if an intermediate result overflowed."""
    if not np.isfinite(arr).all():
        raise FloatingPointError(f"the {what} are not finite (NaN or inf): the parameters have blown up")


def _check_params_or_diverged(what, params):
    """Raise ``FloatingPointError`` if the parameters hold NaN or inf (O(P), once per call)."""
    bad = _nonfinite_leaf(params)
    if bad is not None:
        raise FloatingPointError(
            f"the {what} are not finite (NaN or inf): the parameters have blown up ({bad} holds NaN or inf)"
        )


def _nonfinite_leaf(tree, prefix=""):
    """The path of the first array with NaN or inf in a nested dict, or None."""
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found = _nonfinite_leaf(value, path + "/")
            if found is not None:
                return found
        elif not np.isfinite(value).all():
            return path
    return None


# --------------------------------------------------------------------------------------
# Character-level language model
# --------------------------------------------------------------------------------------


class LMCache(NamedTuple):
    """What :meth:`CharLM.backward` needs from :meth:`CharLM.forward`."""

    embed: object  # layers.EmbeddingCache, or None for one-hot input
    cell: object  # the cell's Cache
    out: object  # layers.LinearCache


class CharLM:
    """A character-level language model: input -> recurrent cell -> logits.

    Math, for a character id y_t at each step::

        x_t = E[y_t]  (an embedding row)  or  onehot(y_t)
        h_t = cell(x_t, h_{t-1})
        z_t = W_out h_t + b_out           (logits over the V characters)
        loss = mean over t and b of  -log softmax(z_t)[y_{t+1}]

    Parameters
    ----------
    vocab : Vocab or int
        The vocabulary (then :meth:`sample` takes and returns strings) or just its size V.
    hidden_size : int
        H.
    cell : {"rnn", "lstm", "gru"} or module
    embedding_dim : int or None
        E, to learn an embedding table (V, E); None feeds one-hot vectors (D = V).
    rng : np.random.Generator or int or None
        Draws the parameters, in the order embedding, cell, read-out.
    dtype : float32 or float64

    Attributes
    ----------
    params : dict
        ``{"embed": {"weight": (V, E)}`` (only with an embedding),
        ``"cell": {...}`` (the cell's parameters with D = E or V),
        ``"out": {"weight": (V, H), "bias": (V,)}}``.
    """

    def __init__(self, vocab, hidden_size, cell="lstm", *, embedding_dim=None, rng=None, dtype=np.float64):
        if isinstance(vocab, Vocab):
            self.vocab, self.vocab_size = vocab, len(vocab)
        else:
            self.vocab, self.vocab_size = None, check_positive_int("vocab", vocab)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.cell_name = cell if isinstance(cell, str) else cell.__name__.rsplit(".", 1)[-1]
        self.cell = get_cell(cell)
        self.embedding_dim = None if embedding_dim is None else check_positive_int("embedding_dim", embedding_dim)
        rng = as_rng(rng)
        V, H = self.vocab_size, self.hidden_size
        self.params = {}
        if self.embedding_dim is not None:
            self.params["embed"] = layers.init_embedding(V, self.embedding_dim, rng=rng, dtype=dtype)
        input_size = self.embedding_dim or V
        self.params["cell"] = self.cell.init_params(input_size, H, rng=rng, dtype=dtype)
        self.params["out"] = layers.init_linear(H, V, rng=rng, dtype=dtype)

    @property
    def dtype(self):
        return self.params["out"]["weight"].dtype

    def __repr__(self):
        embed = f", embedding_dim={self.embedding_dim}" if self.embedding_dim else ""
        return f"CharLM(V={self.vocab_size}, H={self.hidden_size}, cell={self.cell_name!r}{embed})"

    def num_params(self):
        """The number of scalar parameters."""
        return sum(a.size for group in self.params.values() for a in group.values())

    def forward(self, inputs, state0=None):
        """Logits for every position of a batch of id sequences.

        Parameters
        ----------
        inputs : ndarray of int, shape (T, B)
        state0 : the cell's state for batch B, or None for zeros
            (B, H), or the LSTM's ``(h0, c0)``.

        Returns
        -------
        logits : ndarray, shape (T, B, V)
        state : the cell's state after the last step (to carry into the next chunk)
        cache : LMCache
        """
        ids = self._check_ids("inputs", inputs)
        _check_params_or_diverged("logits", self.params)
        if "embed" in self.params:
            xs, embed_cache = layers.embedding_forward(ids, self.params["embed"])  # (T, B, E)
        else:
            xs, embed_cache = layers.one_hot(ids, self.vocab_size, self.dtype), None  # (T, B, V)
        hs, cell_cache = self.cell.forward(xs, state0, self.params["cell"])  # (T, B, H)
        _check_finite_or_diverged("hidden states", hs)
        logits, out_cache = layers.linear_forward(hs, self.params["out"])  # (T, B, V)
        if not np.isfinite(logits).all():
            raise FloatingPointError("the logits are not finite (NaN or inf): the parameters have blown up")
        return logits, final_state(self.cell, hs, cell_cache), LMCache(embed_cache, cell_cache, out_cache)

    def backward(self, dlogits, cache):
        """Backward pass of :meth:`forward` (state gradients stop at ``state0``).

        Parameters
        ----------
        dlogits : ndarray, shape (T, B, V)
        cache : LMCache

        Returns
        -------
        grads : dict
            Same structure and shapes as ``params``.
        """
        dhs, grads_out = layers.linear_backward(dlogits, cache.out)  # (T, B, H)
        _check_finite_or_diverged("gradient dL/dhs", dhs)
        dxs, _, grads_cell = self.cell.backward(dhs, cache.cell)  # (T, B, D); dstate0 dropped
        grads = {"cell": grads_cell, "out": grads_out}
        if cache.embed is not None:
            grads = {"embed": layers.embedding_backward(dxs, cache.embed), **grads}
        return grads

    def loss_and_grads(self, inputs, targets, state0=None):
        """Mean cross-entropy per character, its gradients, and the final state.

        Parameters
        ----------
        inputs : ndarray of int, shape (T, B)
        targets : ndarray of int, shape (T, B)
            The next character at each position.
        state0 : the cell's state, or None for zeros

        Returns
        -------
        loss : float
            Mean over the T*B positions of -log q(target), in nats.
        grads : dict
            dloss/dparams, same structure as ``params``.
        state : the cell's state after the last step
        """
        targets = self._check_ids("targets", targets)
        logits, state, cache = self.forward(inputs, state0)
        check_shape("targets", targets, logits.shape[:2], hint="(T, B) like inputs")
        loss, dlogits = losses.softmax_cross_entropy(logits, targets, reduction="mean")
        return loss, self.backward(dlogits, cache), state

    def evaluate(self, ids, seq_len=100, batch_size=1):
        """Mean loss per character (nats) on a text, carrying the state across chunks.

        The text is cut into ``batch_size`` streams (:func:`rnnlib.data.batchify`, which
        drops the last ``len(ids) % batch_size`` ids) and every stream is read from a zero
        state, so a larger batch is faster but scores a few more characters "cold".

        Parameters
        ----------
        ids : array_like of int, shape (L,)
        seq_len : int
            Chunk length; it changes the speed, not the result.
        batch_size : int

        Returns
        -------
        loss : float
            Nats per predicted character (``rnnlib.metrics`` converts to bits or perplexity).
        """
        streams = batchify(self._check_ids("ids", ids, ndim=1), batch_size)  # (N, B)
        total, count, state = 0.0, 0, None
        for inputs, targets in iterate_chunks(streams, seq_len):
            logits, state, _ = self.forward(inputs, state)  # (T, B, V)
            log_p = losses.log_softmax(logits)
            total -= float(np.take_along_axis(log_p, targets[..., None], axis=-1).sum())
            count += targets.size
        return total / count

    def sample(self, prefix, n, *, temperature=1.0, greedy=False, rng=None):
        """Generate ``n`` characters after ``prefix``, one at a time.

        Each next character is drawn from ``softmax(z / temperature)``: temperature < 1
        sharpens the distribution towards the likeliest characters, > 1 flattens it.
        ``greedy=True`` takes the argmax instead (the limit temperature -> 0).

        Parameters
        ----------
        prefix : str or array_like of int, shape (P,)
            At least one character to condition on; a str needs the model built with a
            :class:`~rnnlib.data.Vocab`.
        n : int
            How many characters to generate (0 is allowed).
        temperature : float
            > 0.
        greedy : bool
        rng : np.random.Generator or int or None
            Source of the draws (unused when greedy).

        Returns
        -------
        continuation : str, or ndarray of int64, shape (n,), for an id prefix
            The generated characters only, without the prefix.
        """
        as_text = isinstance(prefix, str)
        if as_text:
            if self.vocab is None:
                raise TypeError("a str prefix needs a CharLM built with a Vocab; pass ids instead")
            prefix = self.vocab.encode(prefix)
        prefix = self._check_ids("prefix", prefix, ndim=1)
        if prefix.size == 0:
            raise ValueError("prefix is empty: give at least one character to start from")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative int, got {n!r}")
        if not isinstance(temperature, (int, float, np.floating)) or not temperature > 0:
            raise ValueError(
                f"temperature must be > 0, got {temperature!r}; for the likeliest character "
                f"use greedy=True"
            )
        rng = None if greedy else as_rng(rng)
        logits, state, _ = self.forward(prefix[:, None])  # (P, 1, V)
        out = np.empty(int(n), dtype=np.int64)
        for i in range(int(n)):
            z = logits[-1, 0].astype(np.float64)  # (V,)
            if greedy:
                nxt = int(np.argmax(z))
            else:
                p = losses.softmax(z / temperature)  # (V,)
                cdf = np.cumsum(p)
                nxt = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(p) - 1)
            out[i] = nxt
            logits, state, _ = self.forward(np.array([[nxt]]), state)  # (1, 1, V)
        return self.vocab.decode(out) if as_text else out

    def predict_next(self, prefix):
        """The likeliest next character after ``prefix`` (a str, or an id for an id prefix)."""
        nxt = self.sample(prefix, 1, greedy=True)
        return nxt if isinstance(nxt, str) else int(nxt[0])

    def _check_ids(self, name, ids, ndim=2):
        ids = check_ids(name, ids, self.vocab_size, what="characters in the vocabulary")
        if ids.ndim != ndim:
            shape = "(T, B)" if ndim == 2 else "(L,)"
            raise ValueError(f"{name} must be {ndim}-D {shape}, got shape {ids.shape}")
        return ids


# --------------------------------------------------------------------------------------
# Many-to-one regressor
# --------------------------------------------------------------------------------------


class RegressorCache(NamedTuple):
    """What :meth:`SequenceRegressor.backward` needs from its forward pass."""

    hs_shape: tuple  # (T, B, H)
    cell: object  # the cell's Cache
    out: object  # layers.LinearCache


class SequenceRegressor:
    """Many-to-one regression: read a sequence, predict from the last hidden state.

    Math::

        h_t  = cell(x_t, h_{t-1}),  t = 1..T
        pred = W_out h_T + b_out
        loss = (1/2) mean over all entries of (pred - y)^2

    Parameters
    ----------
    input_size : int
        D.
    hidden_size : int
        H.
    output_size : int
        K, the number of outputs per sequence.
    cell : {"rnn", "lstm", "gru"} or module
    rng : np.random.Generator or int or None
        Draws the parameters, cell first.
    dtype : float32 or float64

    Attributes
    ----------
    params : dict
        ``{"cell": {...}, "out": {"weight": (K, H), "bias": (K,)}}``.
    """

    def __init__(self, input_size, hidden_size, output_size=1, cell="lstm", *, rng=None, dtype=np.float64):
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.output_size = check_positive_int("output_size", output_size)
        self.cell_name = cell if isinstance(cell, str) else cell.__name__.rsplit(".", 1)[-1]
        self.cell = get_cell(cell)
        rng = as_rng(rng)
        self.params = {
            "cell": self.cell.init_params(self.input_size, self.hidden_size, rng=rng, dtype=dtype),
            "out": layers.init_linear(self.hidden_size, self.output_size, rng=rng, dtype=dtype),
        }

    def __repr__(self):
        return (
            f"SequenceRegressor(D={self.input_size}, H={self.hidden_size}, "
            f"K={self.output_size}, cell={self.cell_name!r})"
        )

    def forward(self, xs):
        """Predictions for a batch of sequences.

        Parameters
        ----------
        xs : ndarray, shape (T, B, D)

        Returns
        -------
        pred : ndarray, shape (B, K)
        cache : RegressorCache
        """
        _check_params_or_diverged("predictions", self.params)
        hs, cell_cache = self.cell.forward(xs, None, self.params["cell"])  # (T, B, H)
        _check_finite_or_diverged("hidden states", hs)
        pred, out_cache = layers.linear_forward(hs[-1], self.params["out"])  # (B, K)
        if not np.isfinite(pred).all():
            raise FloatingPointError("the predictions are not finite (NaN or inf): the parameters have blown up")
        return pred, RegressorCache(hs.shape, cell_cache, out_cache)

    def backward(self, dpred, cache):
        """Backward pass of :meth:`forward`.

        Parameters
        ----------
        dpred : ndarray, shape (B, K)
        cache : RegressorCache

        Returns
        -------
        grads : dict
            Same structure and shapes as ``params``.
        """
        dh_last, grads_out = layers.linear_backward(dpred, cache.out)  # (B, H)
        _check_finite_or_diverged("gradient dL/dh_T", dh_last)
        dhs = np.zeros(cache.hs_shape, dtype=dh_last.dtype)  # (T, B, H): the loss sees h_T only
        dhs[-1] = dh_last
        _, _, grads_cell = self.cell.backward(dhs, cache.cell)
        return {"cell": grads_cell, "out": grads_out}

    def loss_and_grads(self, xs, ys):
        """Half the mean squared error and its gradients.

        Parameters
        ----------
        xs : ndarray, shape (T, B, D)
        ys : ndarray, shape (B, K)

        Returns
        -------
        loss : float
            (1/2) mean over the B*K entries of (pred - y)^2.
        grads : dict
        """
        pred, cache = self.forward(xs)
        ys = as_float_array("ys", ys, ndim=2, dtype=pred.dtype)
        check_shape("ys", ys, pred.shape, hint="(B, K): one target row per sequence")
        loss, dpred = losses.squared_error(pred, ys, reduction="mean")
        return loss, self.backward(dpred, cache)

    def predict(self, xs):
        """Predictions, shape (B, K), for ``xs`` of shape (T, B, D)."""
        return self.forward(xs)[0]

    def mse(self, xs, ys):
        """The mean squared error (no 1/2) of the predictions on ``xs`` (T, B, D), ``ys`` (B, K)."""
        pred = self.predict(xs)
        ys = as_float_array("ys", ys, ndim=2, dtype=pred.dtype)
        check_shape("ys", ys, pred.shape, hint="(B, K): one target row per sequence")
        return float(np.mean((pred - ys) ** 2))


# --------------------------------------------------------------------------------------
# Training loops
# --------------------------------------------------------------------------------------


class History(NamedTuple):
    """What a training loop records.

    ``step`` (S,), ``train_loss`` (S,) and ``grad_norm`` (S,) have one entry per step
    (the loss of that step's batch, the global gradient norm before clipping);
    ``val_step`` (M,) and ``val_loss`` (M,) one entry per validation, empty without
    validation data.
    """

    step: np.ndarray
    train_loss: np.ndarray
    grad_norm: np.ndarray
    val_step: np.ndarray
    val_loss: np.ndarray


class LogRecord(NamedTuple):
    """What a progress callback receives every ``log_every`` steps."""

    step: int
    train_loss: float  # mean training loss over the steps since the previous record
    val_loss: float  # nan when there is no validation data


def print_progress(record):
    """The default progress line: rounded losses, no timings (stable notebook output)."""
    val = "" if np.isnan(record.val_loss) else f"  val {record.val_loss:.4g}"
    print(f"step {record.step:>6d}  train {record.train_loss:.4g}{val}")


def _train(params, optimizer, next_loss_and_grads, steps, clip_norm, log_every, callback, validate):
    """The loop both trainers share: step, guard, clip, update, record, log.

    ``next_loss_and_grads(step)`` computes the loss and gradients of the next batch;
    ``validate()`` returns a validation loss, or is None.
    """
    steps = check_positive_int("steps", steps)
    if clip_norm is not None and not clip_norm > 0:
        raise ValueError(f"clip_norm must be > 0 or None, got {clip_norm!r}")
    if log_every is not None:
        log_every = check_positive_int("log_every", log_every)
    elif callback is not None:
        log_every = 1
    if callback is None:
        callback = print_progress
    if optimizer.params is not params:
        raise ValueError("optimizer was built on other parameters: build it with Opt(model.params, ...)")

    train_loss = np.empty(steps)
    grad_norm = np.empty(steps)
    val_step, val_loss = [], []
    since_log = []

    def history(n):
        return History(
            step=np.arange(1, n + 1),
            train_loss=train_loss[:n].copy(),
            grad_norm=grad_norm[:n].copy(),
            val_step=np.array(val_step, dtype=np.int64),
            val_loss=np.array(val_loss, dtype=np.float64),
        )

    def diverged(step, what):
        return TrainingDiverged(step, what, history(step - 1))

    for step in range(1, steps + 1):
        # Overflow is detected below, by checking the results; no warnings on the way.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                loss, grads = next_loss_and_grads(step)
            except FloatingPointError as err:
                raise diverged(step, str(err)) from err
            if not np.isfinite(loss):
                raise diverged(step, f"the loss is {loss}")
            bad = _nonfinite_leaf(grads)
            if bad is not None:
                raise diverged(step, f"the gradient of {bad} is not finite")
            if clip_norm is not None:
                grads, norm = clip_grad_norm(grads, clip_norm)
            else:
                norm = global_norm(grads)
            # O(P) copies per step, small next to the forward and backward passes: a failed
            # update is undone, so the model keeps its last finite parameters.
            backup = [(p, p.copy()) for _, p in _leaves(params, "params")]
            opt_state = copy.deepcopy(optimizer.state), optimizer.t
            optimizer.step(grads)
            bad = _nonfinite_leaf(params)
            if bad is not None:
                for p, old in backup:
                    np.copyto(p, old)
                optimizer.state, optimizer.t = opt_state
                raise diverged(step, f"the update made {bad} non-finite")
        train_loss[step - 1], grad_norm[step - 1] = loss, norm
        since_log.append(loss)
        logging = log_every is not None and step % log_every == 0
        if validate is not None and (logging or step == steps):
            val_step.append(step)
            val_loss.append(validate())
        if logging:
            val = val_loss[-1] if validate is not None else float("nan")
            callback(LogRecord(step, float(np.mean(since_log)), val))
            since_log = []
    return History(
        step=np.arange(1, steps + 1),
        train_loss=train_loss,
        grad_norm=grad_norm,
        val_step=np.array(val_step, dtype=np.int64),
        val_loss=np.array(val_loss, dtype=np.float64),
    )


def train_char_lm(
    model,
    ids,
    *,
    seq_len,
    batch_size,
    steps,
    optimizer,
    clip_norm=None,
    log_every=None,
    callback=None,
    val_ids=None,
):
    """Train a :class:`CharLM` by truncated backpropagation through time.

    The text is cut into ``batch_size`` contiguous streams (:func:`rnnlib.data.batchify`)
    and read in consecutive chunks of ``seq_len`` steps.  The state at the end of a chunk
    is the initial state of the next, so the model sees context beyond ``seq_len``; but
    the backward pass of a chunk stops at its first step (the state is a plain array,
    "detached": no gradient flows into the previous chunk).  At the end of the text the
    state is reset to zeros and reading starts over.

    Parameters
    ----------
    model : CharLM
    ids : array_like of int, shape (L,)
        The training text, encoded.
    seq_len : int
        T, the truncation length.
    batch_size : int
        B.
    steps : int
        Number of parameter updates.
    optimizer : rnnlib.optim optimiser
        Built on ``model.params``.
    clip_norm : float or None
        Clip the global gradient norm to this value before each update.
    log_every : int or None
        Every ``log_every`` steps, report the mean training loss since the last report
        (and the validation loss): by default a printed line such as
        ``step    100  train 2.345  val 2.401``.  None: no reports.
    callback : callable or None
        Called with a :class:`LogRecord` instead of printing (every step if ``log_every``
        is None).
    val_ids : array_like of int, shape (L_val,), or None
        Validation text, scored with :meth:`CharLM.evaluate` (``seq_len``, ``batch_size``)
        at every report and after the last step.

    Returns
    -------
    history : History

    Raises
    ------
    TrainingDiverged
        At the first step whose loss, gradients or updated parameters hold NaN or inf;
        ``err.step`` is that step.
    """
    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
    streams = batchify(model._check_ids("ids", ids, ndim=1), batch_size)  # (N, B)
    seq_len = check_positive_int("seq_len", seq_len)
    if val_ids is not None:
        val_ids = model._check_ids("val_ids", val_ids, ndim=1)
        batchify(val_ids, batch_size)  # fail now, not at the first report, if it is too short
    chunks = iter(())
    state = None

    def next_loss_and_grads(step):
        nonlocal chunks, state
        chunk = next(chunks, None)
        if chunk is None:  # the start, or the end of the text: read it again from a zero state
            chunks, state = iterate_chunks(streams, seq_len), None
            chunk = next(chunks)
        loss, grads, state = model.loss_and_grads(chunk[0], chunk[1], state)
        return loss, grads

    validate = None if val_ids is None else (lambda: model.evaluate(val_ids, seq_len, batch_size))
    return _train(model.params, optimizer, next_loss_and_grads, steps, clip_norm, log_every, callback, validate)


def train_regressor(
    model,
    xs,
    ys,
    *,
    steps,
    batch_size,
    optimizer,
    rng=None,
    clip_norm=None,
    log_every=None,
    callback=None,
    val_data=None,
):
    """Train a :class:`SequenceRegressor` on minibatches drawn without replacement.

    Each pass over the data visits the n sequences in a fresh random order from ``rng``;
    a pass ends with the last full batch (the remainder waits for the next pass).

    Parameters
    ----------
    model : SequenceRegressor
    xs : ndarray, shape (T, n, D)
    ys : ndarray, shape (n, K)
    steps : int
    batch_size : int
        B <= n.
    optimizer : rnnlib.optim optimiser
        Built on ``model.params``.
    rng : np.random.Generator or int or None
        Orders the minibatches; a seed makes training repeatable.
    clip_norm : float or None
    log_every, callback
        As in :func:`train_char_lm`; the losses reported are the training objective,
        half the mean squared error.
    val_data : tuple (xs_val, ys_val) or None
        Scored with the same objective at every report and after the last step.

    Returns
    -------
    history : History

    Raises
    ------
    TrainingDiverged
        At the first step whose loss, gradients or updated parameters hold NaN or inf.
    """
    if not isinstance(model, SequenceRegressor):
        raise TypeError(f"model must be a SequenceRegressor, got {type(model).__name__}")
    dtype = model.params["out"]["weight"].dtype
    xs = as_float_array("xs", xs, ndim=3, dtype=dtype)
    ys = as_float_array("ys", ys, ndim=2, dtype=dtype)
    n = xs.shape[1]
    check_shape("ys", ys, (n, model.output_size), hint="(n, K): one target row per sequence of xs (T, n, D)")
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} is larger than the {n} sequences in xs")
    rng = as_rng(rng)
    order, pos = np.empty(0, dtype=np.int64), 0

    def next_loss_and_grads(step):
        nonlocal order, pos
        if pos + batch_size > len(order):
            order, pos = rng.permutation(n), 0
        idx = order[pos : pos + batch_size]
        pos += batch_size
        return model.loss_and_grads(xs[:, idx], ys[idx])

    validate = None
    if val_data is not None:
        xs_val, ys_val = val_data

        def validate():
            pred = model.predict(xs_val)
            return losses.squared_error(pred, ys_val, reduction="mean")[0]

    return _train(model.params, optimizer, next_loss_and_grads, steps, clip_norm, log_every, callback, validate)
