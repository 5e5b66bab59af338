"""Training curves: losses against update steps or against the characters read
(Chapters 5, 6 and 7).
"""

import numpy as np

from ._draw import _integer_ticks, _new_axes


def plot_loss_curves(runs, labels, ax=None, *, ylabel="training loss"):
    """Training losses against the update step on a log scale, one curve per run.

    A run that ended in a non-finite value gets a cross at that step, on the top edge of
    the axes.

    Parameters
    ----------
    runs : sequence of (losses, nonfinite_step)
        ``losses`` a 1-D array (its non-finite entries are not drawn) and
        ``nonfinite_step`` an int or None, as in :class:`rnnlib.models.TrainingRun`.
    labels : sequence of str
    ax : matplotlib Axes or None
    ylabel : str

    Returns
    -------
    ax : matplotlib Axes
        One line per run, then one single-point line (the cross) per run that failed.
    """
    from matplotlib.ticker import MaxNLocator

    runs = list(runs)
    labels = [str(s) for s in labels]
    if len(labels) != len(runs) or not runs:
        raise ValueError(f"need one label per run and at least one run, got {len(labels)} labels for {len(runs)} runs")
    ax = _new_axes(ax, figsize=(6.5, 3.4))
    lines = []
    for (losses, _), label in zip(runs, labels):
        losses = np.asarray(losses, dtype=np.float64)
        ok = np.isfinite(losses)
        (line,) = ax.plot(np.arange(losses.size)[ok], losses[ok], lw=1.4, label=label)
        lines.append(line)
    ax.set_yscale("log")
    for (_, step), line in zip(runs, lines):
        if step is not None:
            ax.plot([step], [ax.get_ylim()[1]], "x", color=line.get_color(), ms=10, mew=2.5,
                    clip_on=False, label=f"non-finite at step {step}")
    # update steps are integers
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel("update step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=9, frameon=False)
    return ax


def plot_learning_curves(losses, labels, ax=None, *, baseline=None, window=25):
    """Moving averages of per-step training losses, one curve per run, on a log scale.

    Parameters
    ----------
    losses : sequence of 1-D arrays
        One array of per-step losses per run (they may differ in length).
    labels : sequence of str
    ax : matplotlib Axes or None
    baseline : float or None
        Drawn as a dashed horizontal line, e.g. the loss of predicting the mean.
    window : int
        Length of the moving average (1 draws the raw losses).

    Returns
    -------
    ax : matplotlib Axes
        One line per run (``ax.lines[:R]``, x data the step of each window's last loss,
        1-based), then the baseline line if given.
    """
    losses = [np.asarray(l, dtype=np.float64) for l in losses]
    labels = [str(s) for s in labels]
    if not losses or len(labels) != len(losses):
        raise ValueError(f"need one label per run and at least one run, got {len(labels)} labels for {len(losses)} runs")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    ax = _new_axes(ax, (6.5, 3.4))
    kernel = np.ones(window) / window
    for l, label in zip(losses, labels):
        if l.ndim != 1 or l.size < window:
            raise ValueError(f"each run needs a 1-D array of at least window={window} losses, got shape {l.shape}")
        smooth = np.convolve(l, kernel, mode="valid")  # (S - window + 1,)
        ax.plot(np.arange(window, l.size + 1), smooth, lw=1.4, label=label)
    if baseline is not None:
        ax.axhline(baseline, color="0.4", ls="--", lw=1.0, label="predict the mean")
    ax.set_yscale("log")
    ax.set_xlabel("update step")
    ax.set_ylabel(f"training loss ({window}-step mean)" if window > 1 else "training loss")
    ax.xaxis.set_major_locator(_integer_ticks())  # update steps are integers
    ax.legend(fontsize=10, frameon=False)
    return ax


def plot_lm_learning_curves(runs, ax=None, *, baseline=None, window=20):
    """Language-model losses against the number of training characters read (Chapter 7).

    The x-axis counts characters, not update steps, so that runs with different batch
    sizes or chunk lengths that read the same text line up.  Each run gets a solid line
    (the running mean of its per-step training losses over ``window`` steps) and round
    markers in the same colour (its validation losses).  The left axis is in nats per
    character, the right one shows the same values in bits.

    Parameters
    ----------
    runs : dict
        Maps a label to ``(chars_per_step, history)``: the characters one update reads
        (B * T) and an :class:`rnnlib.models.History`.
    ax : matplotlib Axes or None
    baseline : tuple (label, nats) or None
        A horizontal dashed line, e.g. the unigram model's held-out loss.
    window : int
        Steps in the running mean of the training loss (1: the raw losses).

    Returns
    -------
    ax : matplotlib Axes
        For each run a training line then a validation line (markers only), in the order
        of ``runs``; then the baseline line, if any.
    """
    if not runs:
        raise ValueError("runs is empty: give at least one (chars_per_step, history)")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    ax = _new_axes(ax, (6.8, 3.8))
    for label, (chars_per_step, history) in runs.items():
        if not chars_per_step > 0:
            raise ValueError(f"chars_per_step of run {label!r} must be > 0, got {chars_per_step!r}")
        losses = np.asarray(history.train_loss, dtype=np.float64)  # (S,)
        w = min(int(window), losses.size)
        smooth = np.convolve(losses, np.ones(w) / w, mode="valid")  # (S - w + 1,)
        steps = np.asarray(history.step)[w - 1 :]
        (line,) = ax.plot(steps * chars_per_step, smooth, lw=1.5, label=f"{label}: train")
        ax.plot(np.asarray(history.val_step) * chars_per_step, history.val_loss, "o", ms=6,
                color=line.get_color(), mec="white", label=f"{label}: validation")
    if baseline is not None:
        name, value = baseline
        ax.axhline(value, color="0.35", ls="--", lw=1.2, label=name)
    ax.set_xlabel("training characters read", fontsize=11)
    ax.set_ylabel("loss (nats per character)", fontsize=11)
    # Whole numbers of characters, in thousands: 120k rather than 1.2 with an offset "1e5".
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, steps=[1, 2, 4, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1000:,.0f}k" if x else "0"))
    ln2 = np.log(2.0)
    second = ax.secondary_yaxis("right", functions=(lambda n: n / ln2, lambda b: b * ln2))
    second.set_ylabel("bits per character", fontsize=11)
    ax.legend(fontsize=10, frameon=False, loc="upper right")
    return ax
