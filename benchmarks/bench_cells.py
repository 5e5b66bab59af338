"""Time forward + backward of rnnlib's three cells, and of torch.nn's, at the course's sizes.

Usage (from the repository's root)::

    python benchmarks/bench_cells.py                    # 1 and 2 threads, 31 rounds
    python benchmarks/bench_cells.py --threads 1 --rounds 51
    python benchmarks/bench_cells.py --baseline ../old  # also an older checkout's rnnlib

The sizes are the course's: T=50 steps, B=32 sequences, D=65 inputs, H=128 units.  The loss
is sum(hs * R) for a fixed random R: forward, then backward from dL/dhs = R, with gradients
for the inputs, the initial state and every parameter.

How it measures, so that a shared, loaded machine still gives fair ratios:

* everything runs in one process; the thread count is set with ``threadpoolctl`` for NumPy's
  BLAS and with ``torch.set_num_threads`` for PyTorch, the same number for both;
* every round times each contender once (rnnlib, PyTorch and the baseline, if given), in an
  order that rotates from round to round, so that a slow moment hits all of them alike;
* the table gives the minimum over the rounds of the wall-clock time (the run least
  disturbed by other processes) and the ratio of the minima, rnnlib / torch; below 1 means
  rnnlib is faster.  At one thread it also gives the same ratio in process CPU time, which
  other processes cannot inflate.

``--baseline DIR`` loads a second copy of rnnlib from ``DIR/rnnlib`` (a ``git worktree`` of an
older commit, for instance) under another name and times it in the same rounds; the column
"vs base" is rnnlib's minimum divided by the baseline's.  PyTorch is optional
(``pip install -e ".[torch]"``); without it only rnnlib is timed.  The tests never run this.
"""

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a fresh clone

T, B, D, H = 50, 32, 65, 128  # course sizes: 50 characters, 32 sequences, 65 symbols, 128 units
CELLS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    parser.add_argument("--baseline", type=Path, help="a directory holding an older rnnlib/")
    args = parser.parse_args(argv)

    ours = {cell: importlib.import_module(f"rnnlib.{cell}") for cell in CELLS}
    torch = _import_torch()
    base = _load_baseline(args.baseline) if args.baseline else None
    from threadpoolctl import threadpool_limits

    print(f"T={T}, B={B}, D={D}, H={H}; minimum of {args.rounds} rounds; numpy {np.__version__}"
          + (f", torch {torch.__version__}" if torch else ", no torch"))
    head = f"{'cell':5s} {'dtype':8s} {'thr':>3s} {'rnnlib ms':>9s} {'torch ms':>8s} {'ratio':>6s}"
    head += f" {'cpu ratio':>9s}" + (f" {'base ms':>8s} {'vs base':>7s}" if base else "")
    print(head)
    for threads in args.threads:
        if torch:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            for dtype in args.dtypes:
                for cell in args.cells:
                    row = time_cell(cell, np.dtype(dtype), ours, base, torch, args.rounds)
                    print(_format(cell, dtype, threads, row, base is not None), flush=True)


def time_cell(cell, dtype, ours, base, torch, rounds):
    """Minimum wall and CPU seconds of each contender over ``rounds`` interleaved rounds."""
    data = make_data(cell, dtype)
    contenders = {"rnnlib": _numpy_step(ours[cell], *data)}
    if torch:
        contenders["torch"] = _torch_step(torch, CELLS[cell], *data)
    if base:
        contenders["base"] = _numpy_step(base[cell], *data)
    return interleaved_minima(contenders, rounds)


def interleaved_minima(contenders, rounds):
    """{name: (minimum wall seconds, minimum CPU seconds)} of each function in ``contenders``
    over ``rounds`` rounds, each round calling every one once, in an order that rotates."""
    names = list(contenders)
    for fn in contenders.values():  # warm up
        fn()
        fn()
    wall = {name: [] for name in names}
    cpu = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            w0, c0 = time.perf_counter(), time.process_time()
            contenders[name]()
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
    return {name: (min(wall[name]), min(cpu[name])) for name in names}


def make_data(cell, dtype, sizes=(T, B, D, H), seed=0):
    """Parameters (rnnlib's init), inputs, initial state and dL/dhs for one cell."""
    t, b, d, h = sizes
    module = importlib.import_module(f"rnnlib.{cell}")
    rng = np.random.default_rng(seed)
    params = module.init_params(d, h, rng=rng, dtype=dtype)
    xs = rng.standard_normal((t, b, d)).astype(dtype)
    dhs = rng.standard_normal((t, b, h)).astype(dtype)
    state0 = rng.standard_normal((b, h)).astype(dtype)
    if cell == "lstm":
        state0 = (state0, rng.standard_normal((b, h)).astype(dtype))
    return params, xs, state0, dhs


def _numpy_step(module, params, xs, state0, dhs):
    def step():
        _, cache = module.forward(xs, state0, params)
        return module.backward(dhs, cache)

    return step


def _torch_step(torch, kind, params, xs, state0, dhs):
    """A function that runs forward + backward of torch.nn.<kind> with rnnlib's params."""
    d, h = xs.shape[2], params["weight_hh"].shape[1]
    dtype = getattr(torch, params["weight_ih"].dtype.name)
    module = getattr(torch.nn, kind)(d, h).to(dtype)
    with torch.no_grad():
        for key, value in params.items():
            getattr(module, key + "_l0").copy_(torch.from_numpy(value))
    x = torch.from_numpy(xs).requires_grad_()
    if kind == "LSTM":
        h0 = tuple(torch.from_numpy(s[None]).requires_grad_() for s in state0)
    else:
        h0 = torch.from_numpy(state0[None]).requires_grad_()
    r = torch.from_numpy(dhs)

    def step():
        module.zero_grad(set_to_none=True)
        x.grad = None
        hs, _ = module(x, h0)
        hs.backward(r)

    return step


def _import_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _load_baseline(directory):
    """Import ``directory/rnnlib`` as the package ``rnnlib_baseline``; return its cells."""
    init = Path(directory) / "rnnlib" / "__init__.py"
    if not init.is_file():
        raise SystemExit(f"--baseline: {init} does not exist")
    spec = importlib.util.spec_from_file_location(
        "rnnlib_baseline", init, submodule_search_locations=[str(init.parent)]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules["rnnlib_baseline"] = package
    spec.loader.exec_module(package)
    return {cell: importlib.import_module(f"rnnlib_baseline.{cell}") for cell in CELLS}


def _format(cell, dtype, threads, row, with_base):
    ours_w, ours_c = row["rnnlib"]
    line = f"{cell:5s} {dtype:8s} {threads:3d} {1e3 * ours_w:9.2f}"
    if "torch" in row:
        torch_w, torch_c = row["torch"]
        cpu = f"{ours_c / torch_c:9.2f}" if threads == 1 else f"{'':9s}"
        line += f" {1e3 * torch_w:8.2f} {ours_w / torch_w:6.2f} {cpu}"
    else:
        line += f" {'':8s} {'':6s} {'':9s}"
    if with_base:
        base_w, _ = row["base"]
        line += f" {1e3 * base_w:8.2f} {ours_w / base_w:7.2f}"
    return line


if __name__ == "__main__":
    main()
