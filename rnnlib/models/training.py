"""The training loops of the two models, and the loop they share.

:func:`train_char_lm` trains a :class:`~rnnlib.models.CharLM` by truncated BPTT: the
hidden state is carried from one chunk to the next, but gradients stop at chunk
boundaries.  :func:`train_regressor` trains a :class:`~rnnlib.models.SequenceRegressor`
on minibatches.  Both stop with :class:`~rnnlib.models.TrainingDiverged` at the first
step whose loss, gradients or updated parameters are not finite, and print nothing but
rounded losses (no timings), so notebook outputs are reproducible.
"""

import copy
from typing import NamedTuple

import numpy as np

from .. import losses
from .._checks import as_float_array, as_rng, check_positive_int, check_shape
from ..data import batchify, iterate_chunks
from ..optim import _leaves, clip_grad_norm, global_norm
from .charlm import CharLM
from .common import TrainingDiverged, _nonfinite_leaf
from .regressor import SequenceRegressor


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
    """The default progress line: rounded losses, no timings, so outputs are stable."""
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

    The text is cut into ``batch_size`` contiguous streams
    (:func:`rnnlib.data.batchify`) and read in consecutive chunks of ``seq_len`` steps.
    The state at the end of a chunk is the initial state of the next, so the model sees
    context beyond ``seq_len``; but the backward pass of a chunk stops at its first step
    (the state is a plain array, "detached": no gradient flows into the previous chunk).
    At the end of the text the state is reset to zeros and reading starts over.

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
        Called with a :class:`LogRecord` instead of printing (every step if
        ``log_every`` is None).
    val_ids : array_like of int, shape (L_val,), or None
        Validation text, scored with :meth:`CharLM.evaluate` (``seq_len``,
        ``batch_size``) at every report and after the last step.

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
