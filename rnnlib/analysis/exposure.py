"""Teacher forcing against free running, and the loops of greedy decoding (Chapter 7).

Training a :class:`~rnnlib.models.CharLM` is *teacher forced*: at every position the input
is the true previous character.  Generation is *free running*: the input is the model's own
previous output.  :func:`teacher_forced` and :func:`free_running` run the two from the
same states and record what the model predicted at every step; :func:`find_cycle` finds
the loop a greedy decoder falls into.

Shapes: ``W`` warm-up characters, ``T`` predicted steps, ``B`` streams, ``V`` characters,
``H`` hidden units.
"""

from typing import NamedTuple

import numpy as np

from .. import losses
from .._checks import as_rng, check_positive_int


class Trace(NamedTuple):
    """What a model predicted at each of ``T`` steps of ``B`` streams.

    Step ``j`` predicts the character ``chars[j]`` from the state after the warm-up and
    the ``j`` characters before it (``chars[:j]``).
    """

    chars: np.ndarray  # (T, B) the character that followed: the text's, or the model's draw
    loss: np.ndarray  # (T, B) -ln q(chars[j]), nats
    entropy: np.ndarray  # (T, B) entropy of the prediction q at step j, nats
    hidden: np.ndarray  # (T, B, H) the hidden state h that made the prediction


def prediction_entropy(logits):
    """Entropy, in nats, of ``softmax(logits)`` along the last axis.

    Parameters
    ----------
    logits : ndarray, shape (..., V)

    Returns
    -------
    H : ndarray, shape (...)
    """
    log_q = losses.log_softmax(np.asarray(logits, dtype=np.float64))  # (..., V)
    return -(np.exp(log_q) * log_q).sum(axis=-1)


def _check_streams(streams, warmup, steps, scored=True):
    """Validate; ``scored``: the ``steps`` characters after the warm-up must be there."""
    streams = np.asarray(streams)
    if streams.ndim != 2 or not np.issubdtype(streams.dtype, np.integer):
        raise ValueError(
            f"streams must be a 2-D integer array (L, B) of character ids, got dtype "
            f"{streams.dtype} and shape {streams.shape}"
        )
    warmup, steps = check_positive_int("warmup", warmup), check_positive_int("steps", steps)
    if streams.shape[0] < warmup + steps * scored:
        need = f"warmup + steps = {warmup + steps}" if scored else f"warmup = {warmup}"
        raise ValueError(f"streams has {streams.shape[0]} rows but {need} are needed")
    return streams, warmup, steps


def teacher_forced(model, streams, warmup, steps):
    """Score the text itself: every input is the true previous character.

    Parameters
    ----------
    model : CharLM
    streams : ndarray of int, shape (L, B), L >= warmup + steps
        ``B`` pieces of text, one per column.
    warmup : int
        The model first reads ``streams[:warmup]``.
    steps : int
        ``T``: then it predicts ``streams[warmup:warmup + T]``, one character at a time.

    Returns
    -------
    Trace
    """
    streams, W, T = _check_streams(streams, warmup, steps)
    logits, _, cache = model.forward(streams[: W + T - 1])  # (W + T - 1, B, V)
    logits, hidden = logits[W - 1 :], cache.out.x[W - 1 :]  # (T, B, V), (T, B, H)
    chars = streams[W : W + T]  # (T, B)
    log_q = losses.log_softmax(logits)
    loss = -np.take_along_axis(log_q, chars[..., None], axis=-1)[..., 0]
    return Trace(chars, loss, prediction_entropy(logits), hidden)


def free_running(model, streams, warmup, steps, *, temperature=1.0, rng=None):
    """Let the model continue each stream on its own: every input is its own last draw.

    Each next character is drawn from ``softmax(z / temperature)`` by the same inverse-CDF
    rule, and from the same random numbers, as :meth:`rnnlib.models.CharLM.sample` (one
    ``rng.random(B)`` per step), so with ``B = 1`` the characters are those of ``sample``.
    The recorded ``loss`` and ``entropy`` are those of the model's own distribution
    (temperature 1), the one training fits.

    Parameters
    ----------
    model : CharLM
    streams : ndarray of int, shape (L, B), L >= warmup
        Only ``streams[:warmup]`` is read, as the prompt of each stream.
    warmup, steps : int
    temperature : float
        > 0.
    rng : np.random.Generator or int or None

    Returns
    -------
    Trace
    """
    streams, W, steps = _check_streams(streams, warmup, steps, scored=False)
    if not isinstance(temperature, (int, float, np.floating)) or not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    rng = as_rng(rng)
    B = streams.shape[1]
    logits, state, cache = model.forward(streams[:W])  # (W, B, V)
    chars, loss, entropy, hidden = [], [], [], []
    for j in range(steps):
        z = logits[-1].astype(np.float64)  # (B, V)
        cdf = np.cumsum(losses.softmax(z / temperature), axis=-1)  # (B, V)
        u = rng.random(B) * cdf[:, -1]  # (B,)
        nxt = np.array([np.searchsorted(cdf[b], u[b], side="right") for b in range(B)])
        nxt = np.minimum(nxt, z.shape[-1] - 1)  # (B,)
        log_q = losses.log_softmax(z)
        chars.append(nxt)
        loss.append(-log_q[np.arange(B), nxt])
        entropy.append(prediction_entropy(z))
        hidden.append(cache.out.x[-1])  # (B, H)
        if j < steps - 1:
            logits, state, cache = model.forward(nxt[None, :], state)  # (1, B, V)
    return Trace(*(np.stack(a) for a in (chars, loss, entropy, hidden)))


def find_cycle(seq, min_repeats=3):
    """The loop at the end of a sequence: the smallest period, and where it starts.

    A sequence is *eventually periodic* from ``start`` with period ``p`` if
    ``seq[t] == seq[t + p]`` for every ``t >= start``.  Every finite sequence is, trivially,
    near its end; so a loop is only reported if it runs for at least ``min_repeats`` full
    periods.

    Parameters
    ----------
    seq : str or sequence of hashables, length N
    min_repeats : int

    Returns
    -------
    (start, period) : tuple of int, or None if no period repeats ``min_repeats`` times.
        The smallest such period, and the earliest start for it.
    """
    min_repeats = check_positive_int("min_repeats", min_repeats)
    seq = list(seq)
    n = len(seq)
    for p in range(1, n // min_repeats + 1):
        start = n - p
        while start > 0 and seq[start - 1] == seq[start - 1 + p]:
            start -= 1
        if n - start >= min_repeats * p:
            return start, p
    return None
