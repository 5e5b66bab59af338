"""How the cost of each cell grows with T, H and B: time, GFLOP/s, peak memory, cache size.

Usage (from the repository's root)::

    python benchmarks/bench_scaling.py              # a few minutes; writes the files below
    python benchmarks/bench_scaling.py --repeats 5 --threads 2 --no-torch

Three sweeps around the course's size (T=50, B=32, D=65, H=128), one size changed at a time:
T in 25...800, H in 32...512 and B in 1...128, for rnnlib's RNN, LSTM and GRU in float64 and
float32, and for torch.nn's where PyTorch is installed.  Each point is forward + backward of
the loss sum(hs * R), as in ``bench_cells.py``, with the minimum of ``--repeats`` runs.

For every point it reports

* the time, and the ratio rnnlib / torch;
* the achieved GFLOP/s of rnnlib, counting the matrix products only (forward
  2*T*B*G*H*(D+H), backward twice that, for G gates), against the machine's GEMM peak:
  the best square matrix product (n = 256, 512, 1024) in the same dtype and threads,
  measured at the start and after every sweep;
* the activation floats the cache holds, counted with ``rnnlib.bptt.cache_float_count``,
  against the formula read off each cell's StepCache (for the RNN the one Chapter 3 gives,
  T*B*D + T*B*H + B*H);
* the memory the cache keeps alive, and the peak memory of forward + backward, both measured
  with ``tracemalloc`` (NumPy reports its allocations to it).

It writes ``benchmarks/scaling.csv`` and ``benchmarks/scaling.png`` and prints a Markdown
table of the largest point of each sweep.  The tests never run it.
"""

import argparse
import csv
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a fresh clone
sys.path.insert(0, str(HERE))

from bench_cells import CELLS, _numpy_step, _torch_step, _import_torch, make_data  # noqa: E402

BASE = {"T": 50, "B": 32, "D": 65, "H": 128}
SWEEPS = {
    "T": [25, 50, 100, 200, 400, 800],
    "H": [32, 64, 128, 256, 512],
    "B": [1, 8, 32, 128],
}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def cache_formula(cell, T, B, D, H):
    """Activation floats in a forward cache, read off the cell's StepCache fields.

    RNN: x_t, and h_t shared with step t+1's h_prev, plus h_0 (Chapter 3's formula).
    LSTM: x_t; h_t and c_t shared the same way, plus h_0 and c_0; i, f, g, o and tanh(c_t).
    GRU: x_t; h_t, plus h_0; r, z, n and hn = W_hn h_prev + b_hn.
    """
    per_step_states = {"rnn": 1, "lstm": 7, "gru": 5}[cell]
    initial = {"rnn": 1, "lstm": 2, "gru": 1}[cell]
    return T * B * D + per_step_states * T * B * H + initial * B * H


def matmul_flops(cell, T, B, D, H):
    """FLOPs of the matrix products of forward + backward (backward does twice forward's)."""
    return 3 * 2 * T * B * GATES[cell] * H * (D + H)


def gemm_peak(dtype, sizes=(256, 512, 1024), repeats=5):
    """The machine's GEMM rate, GFLOP/s: the best n x n matrix product of a few sizes."""
    rates = []
    for n in sizes:
        a = np.ones((n, n), dtype=dtype)
        b = np.ones((n, n), dtype=dtype)
        a @ b
        best = min(_seconds(lambda: a @ b) for _ in range(repeats))
        rates.append(2 * n**3 / best / 1e9)
    return max(rates)


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(cell, dtype, sizes, torch, repeats):
    """One point: times, cache floats, retained and peak memory."""
    from rnnlib import bptt

    module = __import__(f"rnnlib.{cell}", fromlist=[cell])
    T, B, D, H = sizes
    params, xs, state0, dhs = make_data(cell, dtype, sizes=sizes)
    ours = _numpy_step(module, params, xs, state0, dhs)
    theirs = _torch_step(torch, CELLS[cell], params, xs, state0, dhs) if torch else None
    ours()
    if theirs:
        theirs()
    t_ours, t_torch = [], []
    for _ in range(repeats):  # interleaved, so that a busy moment hits both
        t_ours.append(_seconds(ours))
        if theirs:
            t_torch.append(_seconds(theirs))

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    hs, cache = module.forward(xs, state0, params)
    retained = tracemalloc.get_traced_memory()[0] - before - hs.nbytes  # what the cache keeps
    module.backward(dhs, cache)
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    counted = bptt.cache_float_count(cache)
    return {
        "ms": 1e3 * min(t_ours),
        "torch_ms": 1e3 * min(t_torch) if t_torch else float("nan"),
        "gflops": matmul_flops(cell, *sizes) / min(t_ours) / 1e9,
        "cache_floats": counted,
        "formula_floats": cache_formula(cell, *sizes),
        "cache_mb": counted * np.dtype(dtype).itemsize / 2**20,
        "retained_mb": retained / 2**20,
        "peak_mb": peak / 2**20,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--no-torch", action="store_true", help="time rnnlib only")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the CSV and PNG")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    torch = None if args.no_torch else _import_torch()
    if torch:
        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    rows = []
    with threadpool_limits(limits=args.threads):
        peaks = {dt: gemm_peak(dt) for dt in ("float64", "float32")}
        print(f"{args.threads} thread(s); GEMM peak: " + ", ".join(
            f"{dt} {p:.1f} GFLOP/s" for dt, p in peaks.items()), flush=True)
        for axis, values in SWEEPS.items():
            for value in values:
                size = dict(BASE, **{axis: value})
                sizes = (size["T"], size["B"], size["D"], size["H"])
                for dtype in ("float64", "float32"):
                    for cell in args.cells:
                        r = measure(cell, np.dtype(dtype), sizes, torch, args.repeats)
                        r.update(sweep=axis, value=value, cell=cell, dtype=dtype,
                                 T=sizes[0], B=sizes[1], D=sizes[2], H=sizes[3])
                        rows.append(r)
                print(f"  {axis} = {value} done", flush=True)
            # measured again after each sweep: a busy moment at the start would set it low
            peaks = {dt: max(p, gemm_peak(dt)) for dt, p in peaks.items()}
        print("GEMM peak, best over the run: " + ", ".join(
            f"{dt} {p:.1f} GFLOP/s" for dt, p in peaks.items()), flush=True)
    for r in rows:
        r["peak_fraction"] = r["gflops"] / peaks[r["dtype"]]
    args.out.mkdir(parents=True, exist_ok=True)
    _write_csv(rows, args.out / "scaling.csv")
    _plot(rows, peaks, args.out / "scaling.png", args.threads)
    print(_markdown(rows))
    print(f"\nwrote {args.out / 'scaling.csv'} and {args.out / 'scaling.png'} "
          f"in {time.perf_counter() - start:.0f} s")


FIELDS = ["sweep", "value", "cell", "dtype", "T", "B", "D", "H", "ms", "torch_ms", "gflops",
          "peak_fraction", "cache_floats", "formula_floats", "cache_mb", "retained_mb",
          "peak_mb"]


def _write_csv(rows, path):
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (f"{r[k]:.4g}" if isinstance(r[k], float) else r[k])
                             for k in FIELDS})


def _markdown(rows):
    """The largest point of each sweep, every cell and dtype."""
    lines = [
        "| point | cell | dtype | ms | vs torch | GFLOP/s | % of peak | cache floats"
        " = formula | cache MB | kept alive MB | peak MB |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for axis, values in SWEEPS.items():
        for r in rows:
            if r["sweep"] == axis and r["value"] == values[-1]:
                same = "yes" if r["cache_floats"] == r["formula_floats"] else "**no**"
                lines.append(
                    f"| {axis}={r['value']} | {r['cell']} | {r['dtype']} | {r['ms']:.1f} "
                    f"| {r['ms'] / r['torch_ms']:.2f} | {r['gflops']:.1f} "
                    f"| {100 * r['peak_fraction']:.0f} | {r['cache_floats']:,} {same} "
                    f"| {r['cache_mb']:.1f} | {r['retained_mb']:.1f} | {r['peak_mb']:.1f} |"
                )
    return "\n".join(lines)


def _plot(rows, peaks, path, threads):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"rnn": "tab:blue", "lstm": "tab:red", "gru": "tab:green"}
    styles = {"float64": "-", "float32": "--"}
    panels = [("ms", "forward + backward, ms"), ("ratio", "rnnlib / torch time"),
              ("peak_fraction", "GFLOP/s / GEMM peak"), ("peak_mb", "peak memory, MB")]
    fig, axes = plt.subplots(len(panels), len(SWEEPS), figsize=(12, 12), sharex="col")
    for j, axis in enumerate(SWEEPS):
        for cell in colours:
            for dtype, style in styles.items():
                pts = [r for r in rows if r["sweep"] == axis and r["cell"] == cell
                       and r["dtype"] == dtype]
                if not pts:
                    continue
                x = [r["value"] for r in pts]
                for i, (key, _) in enumerate(panels):
                    y = [r["ms"] / r["torch_ms"] if key == "ratio" else r[key] for r in pts]
                    axes[i, j].plot(x, y, style, color=colours[cell], marker="o", ms=3,
                                    label=f"{cell} {dtype}")
        for i, (key, label) in enumerate(panels):
            ax = axes[i, j]
            ax.set_xscale("log", base=2)
            if key in ("ms", "peak_mb"):
                ax.set_yscale("log")
            if key == "ratio":
                ax.axhline(1.0, color="grey", lw=0.8)
            if j == 0:
                ax.set_ylabel(label)
        others = ", ".join(f"{k}={v}" for k, v in BASE.items() if k not in (axis, "D"))
        axes[0, j].set_title(f"{axis} grows ({others}, D={BASE['D']})")
        axes[-1, j].set_xlabel(axis)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"rnnlib cells, {threads} thread(s); GEMM peak "
                 + ", ".join(f"{dt} {p:.0f} GFLOP/s" for dt, p in peaks.items()))
    fig.tight_layout()
    fig.savefig(path, dpi=80)


if __name__ == "__main__":
    main()
