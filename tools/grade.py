"""Grade submissions with ``otter run``, bounded in time and memory, guarded against tampering.

    python -m tools.grade -a ZIP -o DIR NOTEBOOK      # one notebook: DIR/results.json
    python -m tools.grade -a ZIP -o DIR FOLDER        # every .ipynb in FOLDER: DIR/<name>/
                                                      # results.json and DIR/grades.csv

``-a``/``-o`` are ``otter run``'s own arguments; ``--timeout`` (seconds, default 120) and
``--memory`` (MiB per process, default 4096) bound each notebook.  Needs the ``instructor``
extra (otter-grader 7).

What the command adds to plain ``otter run``:

- **Bounds.** ``otter run`` runs in its own process group with ``RLIMIT_AS`` (``--memory``),
  ``RLIMIT_FSIZE`` (no file over 1 GiB) and ``RLIMIT_CORE`` = 0, which the kernel inherits.
  After ``--timeout`` seconds the whole process tree, kernel included, is killed.
- **Zero, with a reason, instead of no result.** A timed-out run, a kernel that died
  (``os._exit``, the memory cap) or a run that left no results gets a ``results.json`` with
  score 0 and a message saying why, in otter's (Gradescope's) format.
- **A guard** (``tools/grading_guard.py``), two cells injected around the student's cells.
  The hidden tests in the zip are replaced by encrypted copies; the keys reach the kernel
  through a file that the first guard cell reads and deletes before any student cell runs, so
  a submission that reads ``tests/`` finds ciphertext.  The same cell snapshots the functions
  and module attributes of ``otter``, ``rnnlib``, ``numpy``, ``numpy.testing``, ``sympy``,
  ``doctest``, ``math`` and ``builtins``.  The ``grader.check`` cells of the submission are
  dropped (their results would be cached and not re-run).  After the last student cell the
  second guard cell restores every patched function (``__code__`` too) and attribute, clears
  ``atexit`` and IPython callbacks and trace hooks, rewrites ``tests/`` (deleted or
  overwritten files come back), then runs every test itself, checking after each question that
  nothing was patched meanwhile.  It writes its scores with a secret nonce to a file outside the
  submission's folder; the command trusts otter's ``results.json`` only where it agrees with
  them, and gives 0 to a submission that patched the grading code while being graded.

Limits, stated plainly: the student's code runs in the same process as otter's checks (that is
how otter works), so code determined to find the guard's secrets in memory (through ``gc``) or
to read files of the grading machine outside its folder (the instructor's own autograder zip)
can defeat any in-process guard.  Grade as a dedicated user who cannot read the zips, or in
Docker (``otter grade``), for more isolation; Gradescope's container has otter's own model.
"""

import argparse
import csv
import json
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tools import grading_guard

DEFAULT_TIMEOUT = 120
DEFAULT_MEMORY_MB = 4096
KEYS_ENV = "RNN_GRADE_KEYS"
STUB = '''\
import builtins as _b_
exec(_b_.__dict__["_rnn_grade_open_"]({name!r}, bytes.fromhex({blob!r})), globals())
'''


def read_tests(zip_path):
    """{question: (source, points)} of the autograder zip's tests (all of them, hidden too)."""
    out = {}
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            m = re.fullmatch(r"tests/([^/]+)\.py", info.filename)
            if m:
                src = zf.read(info).decode("utf-8")
                env = {}
                exec(src, env)
                out[m.group(1)] = (src, float(env["test"].get("points") or 0))
    return out


def points_possible(zip_path):
    return sum(p for _, p in read_tests(zip_path).values())


def encrypt(text, key):
    import hashlib

    data = text.encode("utf-8")
    stream = hashlib.shake_256(key).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, stream))


def guarded_zip(zip_path, dest):
    """A copy of the autograder zip whose tests are encrypted stubs; returns (path, keys)."""
    keys = {}
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            m = re.fullmatch(r"tests/([^/]+)\.py", info.filename)
            if m:
                key = secrets.token_bytes(32)
                keys[m.group(1) + ".py"] = key.hex()
                data = STUB.format(name=m.group(1) + ".py", blob=encrypt(data.decode("utf-8"), key).hex()).encode()
            out.writestr(info.filename, data)
    return dest, keys


CHECK_LINE = re.compile(r"^\s*grader\.check(_all)?\(.*\)\s*$")


def guarded_notebook(nb_path, dest, handle):
    """The submission with the guard cells around it and its grader.check cells dropped.

    A file that is not a readable notebook is copied as it is: otter then reports it."""
    try:
        nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        shutil.copy2(nb_path, dest)
        return
    kept = []
    for cell in cells:
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        lines = [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        if cell.get("cell_type") == "code" and lines and all(CHECK_LINE.match(ln) for ln in lines):
            continue
        kept.append(cell)

    def cell(text):
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": text.replace("__HANDLE__", handle).replace("__KEYS_ENV__", KEYS_ENV)}

    # After otter's init cell (the first code cell of a student notebook) if it is there.
    first = next((i for i, c in enumerate(kept) if c.get("cell_type") == "code"), None)
    at = first + 1 if first is not None and "otter.Notebook" in "".join(kept[first].get("source", "")) else 0
    kept.insert(at, cell(grading_guard.GUARD_START))
    kept.append(cell(grading_guard.GUARD_END))
    nb["cells"] = kept
    Path(dest).write_text(json.dumps(nb), encoding="utf-8")


def _limits(memory_mb):
    def apply():
        os.setsid()
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _descendants(pid):
    """Every process below ``pid`` (from /proc), so a kernel in its own session dies too."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def _kill_tree(proc):
    victims = _descendants(proc.pid)
    for pid in [proc.pid] + victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def zero_results(possible, message):
    return {
        "score": 0,
        "tests": [{"name": "Grading failed", "score": 0, "max_score": possible, "output": message,
                   "visibility": "visible", "status": "failed"}],
        "output": message,
    }


def question_scores(results, questions):
    """{question: score} from otter's results.json (Gradescope format, one entry per test case
    or per question)."""
    scores = {q: 0.0 for q in questions}
    for t in results.get("tests", []):
        name = str(t.get("name", ""))
        q = re.split(r" - | \(", name)[0].strip()
        if q in scores and t.get("score") is not None:
            scores[q] += float(t["score"])
    return scores


def grade(notebook, zip_path, out_dir, timeout=DEFAULT_TIMEOUT, memory_mb=DEFAULT_MEMORY_MB, env=None):
    """Grade one notebook into ``out_dir/results.json``; returns (results, message)."""
    notebook, zip_path, out_dir = Path(notebook), Path(zip_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tests = read_tests(zip_path)
    possible = sum(p for _, p in tests.values())
    results_path = out_dir / "results.json"
    if results_path.exists():
        results_path.unlink()
    tmp = Path(tempfile.mkdtemp(prefix="rnn-grade-"))
    try:
        secret_dir = tmp / "secret"
        secret_dir.mkdir(mode=0o700)
        work = tmp / "work"
        work.mkdir()
        zip_copy, keys = guarded_zip(zip_path, secret_dir / "autograder.zip")
        nonce = secrets.token_hex(16)
        marker = secret_dir / "marker.json"
        keys_file = secret_dir / "keys.json"
        keys_file.write_text(json.dumps({"keys": keys, "nonce": nonce, "marker": str(marker)}), encoding="utf-8")
        handle = "_rnn_grade_" + secrets.token_hex(8)
        sub = work / (notebook.stem + ".ipynb")
        guarded_notebook(notebook, sub, handle)
        run_env = dict(os.environ if env is None else env)
        run_env[KEYS_ENV] = str(keys_file)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            run_env.setdefault(var, "1")
        otter_out = secret_dir / "out"
        otter_out.mkdir()
        cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_copy), "-o", str(otter_out), str(sub)]
        log = open(secret_dir / "otter.log", "wb")
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=work, env=run_env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, preexec_fn=_limits(memory_mb))
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_tree(proc)
            timed_out = True
        for pid in _descendants(proc.pid):  # a kernel left behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        elapsed = time.monotonic() - start
        text = (secret_dir / "otter.log").read_bytes()[-20000:].decode("utf-8", errors="replace")
        otter_results = otter_out / "results.json"
        guard = None
        if marker.exists():
            try:
                guard = json.loads(marker.read_text(encoding="utf-8"))
                if guard.get("nonce") != nonce:
                    guard = None
            except ValueError:
                guard = None
        if timed_out:
            message = f"timed out: the notebook did not finish within {timeout} s, so it scores 0"
            results = zero_results(possible, message)
        elif "DeadKernelError" in text or "Kernel died" in text or "kernel died" in text.lower():
            message = ("the kernel died while running the notebook (os._exit, a crash, or more than "
                       f"{memory_mb} MiB of memory), so it scores 0")
            results = zero_results(possible, message)
        elif proc.returncode != 0 or not otter_results.exists():
            tail = "\n".join(text.strip().splitlines()[-5:])
            message = f"otter run failed (exit code {proc.returncode}), so it scores 0:\n{tail}"
            results = zero_results(possible, message)
        elif guard is None:
            message = "the grading guard did not finish: the submission interfered with grading, so it scores 0"
            results = zero_results(possible, message)
        elif guard["tampered"]:
            message = ("the submission changed the grading code while it was being graded ("
                       + ", ".join(guard["tampered"][:5]) + "), so it scores 0")
            results = zero_results(possible, message)
        else:
            results = json.loads(otter_results.read_text(encoding="utf-8"))
            scores = question_scores(results, tests)
            bad = [q for q in tests if abs(scores[q] - guard["scores"].get(q, 0.0)) > 1e-9]
            if bad:
                message = f"otter's results disagree with the guard's on {', '.join(bad)}, so the submission scores 0"
                results = zero_results(possible, message)
            else:
                message = ""
                if guard["restored"]:
                    message = ("restored before grading (the submission had changed them): "
                               + ", ".join(guard["restored"]))
                    results["output"] = (results.get("output", "") + "\n" + message).strip()
        results["elapsed_seconds"] = round(elapsed, 1)
        results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        return results, message
    finally:
        if os.environ.get("RNN_GRADE_KEEP"):  # debugging: keep the work folder and otter's log
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def total(results):
    if "score" in results:
        return float(results["score"])
    return sum(float(t.get("score") or 0) for t in results.get("tests", []))


def grade_folder(folder, zip_path, out_dir, **kw):
    """Grade every .ipynb of ``folder``; writes out_dir/<stem>/results.json and grades.csv."""
    folder, out_dir = Path(folder), Path(out_dir)
    questions = list(read_tests(zip_path))
    rows = []
    for nb in sorted(folder.glob("*.ipynb")):
        results, message = grade(nb, zip_path, out_dir / nb.stem, **kw)
        scores = question_scores(results, questions)
        rows.append({"notebook": nb.name, **scores, "total": total(results), "message": message})
        print(f"{nb.name}: {total(results):g}" + (f" ({message.splitlines()[0]})" if message else ""), flush=True)
    with open(out_dir / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["notebook", *questions, "total", "message"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", help="a notebook, or a folder of notebooks")
    parser.add_argument("-a", "--autograder", required=True, help="the autograder zip")
    parser.add_argument("-o", "--output-dir", required=True, help="where results.json goes")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per notebook")
    parser.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, help="MiB per process")
    args = parser.parse_args(argv)
    kw = dict(timeout=args.timeout, memory_mb=args.memory)
    if Path(args.submission).is_dir():
        grade_folder(args.submission, args.autograder, args.output_dir, **kw)
        print(f"wrote {Path(args.output_dir) / 'grades.csv'}")
        return 0
    results, message = grade(args.submission, args.autograder, args.output_dir, **kw)
    possible = points_possible(args.autograder)
    print(f"{Path(args.submission).name}: {total(results):g} / {possible:g}" + (f"\n{message}" if message else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
