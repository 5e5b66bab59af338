"""A character-level language model: one-hot or embedded characters, a recurrent cell,
and a linear read-out to logits over the vocabulary.

:func:`rnnlib.models.train_char_lm` trains it by truncated BPTT.
"""

from typing import NamedTuple

import numpy as np

from .. import layers, losses
from .._checks import as_rng, check_ids, check_positive_int, check_shape
from ..data import Vocab, batchify, iterate_chunks
from .common import _check_finite_or_diverged, _check_params_or_diverged, final_state, get_cell


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
        The vocabulary (then :meth:`sample` takes and returns strings) or just its size
        V.
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

        The text is cut into ``batch_size`` streams (:func:`rnnlib.data.batchify`,
        which drops the last ``len(ids) % batch_size`` ids) and every stream is read
        from a zero state, so a larger batch is faster but scores a few more characters
        "cold".

        Parameters
        ----------
        ids : array_like of int, shape (L,)
        seq_len : int
            Chunk length; it changes the speed, not the result.
        batch_size : int

        Returns
        -------
        loss : float
            Nats per predicted character (``rnnlib.metrics`` converts to bits or
            perplexity).
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
        """The likeliest next character after ``prefix`` (an id for an id prefix)."""
        nxt = self.sample(prefix, 1, greedy=True)
        return nxt if isinstance(nxt, str) else int(nxt[0])

    def _check_ids(self, name, ids, ndim=2):
        ids = check_ids(name, ids, self.vocab_size, what="characters in the vocabulary")
        if ids.ndim != ndim:
            shape = "(T, B)" if ndim == 2 else "(L,)"
            raise ValueError(f"{name} must be {ndim}-D {shape}, got shape {ids.shape}")
        return ids
