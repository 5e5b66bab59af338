"""Build the otter-grader assignments of every chapter from the chapters themselves.

    python -m tools.assignments                 # all chapters into _build/assignments/
    python -m tools.assignments ch04 ch01       # some chapters (by prefix of the file name)
    python -m tools.assignments reinsert OLD.ipynb NEW.ipynb   # copy declaration cells back

Needs the ``instructor`` extra (``pip install -e ".[instructor]"``: otter-grader 7).

The one source of truth is the chapter notebook: its exercises (the ``{exercise}`` cells), their
labels and, for each auto-graded exercise, the declaration cells of ``tools/autograde.py``
(answer interface and reference answer, setup, public and hidden tests, points).  Nothing is
copied by hand.  For a chapter ``book/chNN_<name>.ipynb`` this writes
``_build/assignments/chNN/``:

``master.ipynb``    otter's master notebook (``# ASSIGNMENT CONFIG``, ``# BEGIN QUESTION``...),
                    built from the chapter; instructors only;
``student/``        what students get: ``chNN.ipynb`` without solutions or hidden tests (its
                    public tests are in its metadata, run by ``grader.check``);
``autograder/``     otter's output for instructors: the solutions notebook, all tests, and
``chNN-autograder.zip``  (also copied to ``_build/assignments/chNN/``), which ``otter run``,
                    ``otter grade`` (Docker) and Gradescope take.  It carries a wheel of this
                    repository's ``rnnlib`` and a ``requirements.txt`` that installs that wheel;
``mistakes.ipynb``  the student notebook with every answer replaced by its declared typical
                    mistake (for the grading tests);
``manual.md``       the exercises graded by hand, for the grader (see book/instructors.md for
                    the rubrics).

Hidden tests may name library functions to block while they run (metadata ``block``, dotted
names, looked up when the test runs; a name that no longer exists is skipped): each is
disabled by swapping its ``__code__`` for one that raises, which also catches a reference the
student bound earlier (``ng = gradcheck.numerical_gradient``), and restored afterwards.
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tools import autograde, solutions

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "assignments"
CHAPTER = re.compile(r"^(ch\d\d)_")

BLOCK_TEMPLATE = '''\
import importlib as _il_
def _blocked_(*args, **kwargs):
    raise RuntimeError("blocked while grading: this question asks for the derivation, not a library or numerical answer")
_swapped_ = []
for _name_ in {names!r}:
    try:
        _f_ = getattr(_il_.import_module(_name_.rpartition(".")[0]), _name_.rpartition(".")[2])
    except (ImportError, AttributeError):
        continue
    if hasattr(_f_, "__code__") and not _f_.__code__.co_freevars:
        _swapped_.append((_f_, _f_.__code__))
        _f_.__code__ = _blocked_.__code__
try:
{body}
finally:
    for _f_, _c_ in _swapped_:
        _f_.__code__ = _c_
'''

INTRO = """\
# Chapter {number} assignment: {title}

The exercises of Chapter {number}, "{title}".  Answer each one in the cell below it, where an
answer cell with `...` waits, then run the cell after it: `grader.check(...)` runs the public
tests of that question.  Passing them is necessary, not sufficient: the grader also runs
hidden tests.  Exercises marked *graded by hand* are read by your instructor.

Run the cells in order from the top (the first one starts the checker): each question's setup
cell defines what its answer may use.
"""


def chapter_id(path):
    m = CHAPTER.match(Path(path).name)
    if not m:
        raise ValueError(f"not a chapter notebook: {path}")
    return m.group(1)


def chapter_title(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in solutions.source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


_ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)?\}`(?:[^`<]*<)?([^`>]*)>?`")
_CITE = re.compile(r"\s*\{cite:[a-z]+\}`[^`]*`")


def exercise_markdown(src, number):
    """An ``{exercise}`` cell as plain notebook Markdown: a heading and the body."""
    lines = src.strip().splitlines()
    m = solutions.TITLE.match(lines[0])
    title = m.group(1).strip() if m else ""
    body = [ln for ln in lines[1:-1] if not re.match(r"^:[a-z-]+:", ln)]
    text = "\n".join(body).strip()
    text = _CITE.sub("", _ROLE.sub(lambda r: f"`{r.group(1)}`", text))
    return f"## Exercise {number}: {title}\n\n{text}\n"


def raw(text):
    return {"cell_type": "raw", "metadata": {}, "source": text}


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}


def test_source(text, points=None, hidden=False, block=()):
    """An otter test cell: a TEST CONFIG docstring (points, hidden), then silent statements."""
    body = "\n".join(ln for ln in text.strip("\n").splitlines() if ln.strip())
    if block:
        body = BLOCK_TEMPLATE.format(names=list(block), body="\n".join("    " + ln for ln in body.splitlines()))
    config = {"hidden": hidden}
    if points is not None:
        config["points"] = points
    head = '""" # BEGIN TEST CONFIG\n' + yaml.safe_dump(config, sort_keys=False) + '""" # END TEST CONFIG\n'
    return head + body


def question_cells(label, decl, number, exercise_md):
    """The master-notebook cells of one auto-graded question."""
    (answer, meta), = decl["answer"]
    hidden_points = sum(m.get("points", 0) for _, m in decl["hidden"])
    total = meta["points"]
    n_public = len(decl["test"])
    if n_public == 0 or not decl["hidden"]:
        raise ValueError(f"{label}: an auto-graded question needs public and hidden tests")
    public_points = (total - hidden_points) / n_public
    if public_points <= 0:
        raise ValueError(f"{label}: the hidden tests' points ({hidden_points}) leave none for the public ones")
    config = {"name": meta["name"], "points": total}
    cells = [raw("# BEGIN QUESTION\n" + yaml.safe_dump(config, sort_keys=False)), md(exercise_md)]
    for src in decl["setup"]:
        cells.append(code("# Setup for this question (run it first; do not change it).\n" + src.strip("\n")))
    cells += [raw("# BEGIN SOLUTION"), code(answer.strip("\n")), raw("# END SOLUTION"), raw("# BEGIN TESTS")]
    cells += [code(test_source(t, public_points)) for t in decl["test"]]
    cells += [code(test_source(t, m.get("points"), hidden=True, block=m.get("block", ()))) for t, m in decl["hidden"]]
    cells += [raw("# END TESTS"), raw("# END QUESTION")]
    cells.append(md("*Any written part of this exercise (a why, an explanation): answer here. "
                    "It is graded by hand.*"))
    return cells


def master_notebook(nb, name, number, wheel_name):
    """otter's master notebook for a chapter: every exercise, the declared ones as questions."""
    decls = autograde.declarations(nb)
    config = {
        "name": name,
        "requirements": "requirements.txt",
        "overwrite_requirements": False,
        "files": [wheel_name],
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,  # tests/test_assignments.py grades the reference answers instead
        "show_question_points": False,
        "tests": {"files": False, "ok_format": True},
        "generate": {"pdf": False, "show_hidden": False, "show_stdout": False},
    }
    cells = [raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
             md(INTRO.format(number=number, title=chapter_title(nb)))]
    k = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown" or not solutions.EXERCISE.search(solutions.source(cell)):
            continue
        for label, _ in solutions.exercises({"cells": [cell]}):
            k += 1
            text = exercise_markdown(solutions.source(cell), f"{number}.{k}")
            if label in decls:
                cells += question_cells(label, decls[label], f"{number}.{k}", text)
            else:
                cells += [md(text + "\n*Graded by hand.*"), md("*Your answer here.*")]
    unknown = set(decls) - {label for label, _ in solutions.exercises(nb)}
    if unknown:
        raise ValueError(f"declarations for exercises that do not exist: {sorted(unknown)}")
    master = {"cells": cells, "metadata": copy.deepcopy(nb["metadata"]), "nbformat": 4, "nbformat_minor": 5}
    return master


def manual_md(nb, number):
    decls = autograde.declarations(nb)
    lines = [f"# Chapter {number}: exercises graded by hand\n",
             "Rubrics: the chapter's table in book/instructors.md.\n"]
    for k, (label, title) in enumerate(solutions.exercises(nb), 1):
        if label not in decls:
            lines.append(f"- Exercise {number}.{k} ({label}): {title}")
    return "\n".join(lines) + "\n"


def _setuptools_major():
    from importlib import metadata

    try:
        return int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return 0


def build_wheel(out):
    """A wheel of this repository's rnnlib.  With setuptools 77 or later installed the build
    needs no network (no build isolation); otherwise pip fetches the build backend."""
    wheels = out / "wheel"
    if wheels.exists():
        shutil.rmtree(wheels)
    wheels.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        # Build from a copy of the package files alone, so no stale build/ dir leaks in.
        shutil.copytree(ROOT / "rnnlib", src / "rnnlib", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy2(ROOT / name, src / name)
        isolation = [] if _setuptools_major() >= 77 else ["--use-pep517"]
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", *(["--no-build-isolation"] if not isolation else isolation),
             "-q", "-w", str(wheels), str(src)],
            check=True,
        )
    (wheel,) = wheels.glob("rnnlib-*.whl")
    return wheel


def requirements(wheel_name):
    """The grading image's requirements: this repository's rnnlib from the wheel in the zip
    (otter puts the zip's files under /autograder/source/files), with what the chapters use."""
    return "\n".join([
        f"/autograder/source/files/{wheel_name}",
        "numpy>=1.26,<3",
        "sympy>=1.12,<2",
        "",
    ])


def mistakes_notebook(student_nb, decls_by_name):
    """The student notebook with every answer cell replaced by its declared typical mistake."""
    nb = copy.deepcopy(student_nb)
    answers = [c for c in nb["cells"] if c["cell_type"] == "code" and re.search(r"^\s*\.\.\.|= \.\.\.", solutions.source(c), re.M)]
    names = list(decls_by_name)
    if len(answers) != len(names):
        raise ValueError(f"found {len(answers)} answer cells for {len(names)} questions")
    for cell, name in zip(answers, names):
        cell["source"] = decls_by_name[name]["mistake"][0].strip("\n")
    return nb


def without_points(student_nb):
    """The student notebook's public tests without their points: a question's total minus its
    public points would give the hidden tests' share away."""
    nb = copy.deepcopy(student_nb)
    for test in nb.get("metadata", {}).get("otter", {}).get("tests", {}).values():
        test.pop("points", None)
        for suite in test.get("suites", []):
            for case in suite.get("cases", []):
                case.pop("points", None)
    return nb


def otter_assign(folder, master):
    """``otter assign --no-pdfs MASTER dist`` in ``folder``, in this process (one import of
    otter for all chapters).  The tests run on the reference answers in tests/test_assignments.py
    through ``otter run``, so otter's own run of them is skipped here."""
    import contextlib
    import io

    from otter.assign import main as assign

    cwd = os.getcwd()
    log = io.StringIO()
    try:
        os.chdir(folder)
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            assign(master, "dist", no_pdfs=True, no_run_tests=True)
    except Exception as e:
        raise RuntimeError(f"otter assign failed for {master}:\n{log.getvalue()[-4000:]}") from e
    finally:
        os.chdir(cwd)


def build_chapter(path, out=OUT, wheel=None):
    """Write _build/assignments/<chapter>/; returns a summary dict."""
    path = Path(path)
    nb = solutions.load(path)
    name = chapter_id(path)
    number = int(name[2:])
    dest = out / name
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    master = master_notebook(nb, name, number, wheel.name)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copy2(wheel, tmp / wheel.name)
        (tmp / "requirements.txt").write_text(requirements(wheel.name), encoding="utf-8")
        solutions.save(master, tmp / f"{name}.ipynb")
        otter_assign(tmp, f"{name}.ipynb")
        shutil.copytree(tmp / "dist" / "student", dest / "student")
        shutil.copytree(tmp / "dist" / "autograder", dest / "autograder")
    solutions.save(master, dest / "master.ipynb")
    (zipfile,) = (dest / "autograder").glob("*.zip")
    shutil.copy2(zipfile, dest / f"{name}-autograder.zip")
    decls = autograde.declarations(nb)
    by_name = {d["answer"][0][1]["name"]: d for d in decls.values()}
    student = without_points(solutions.load(dest / "student" / f"{name}.ipynb"))
    solutions.save(student, dest / "student" / f"{name}.ipynb")
    solutions.save(mistakes_notebook(student, by_name), dest / "mistakes.ipynb")
    (dest / "manual.md").write_text(manual_md(nb, number), encoding="utf-8")
    summary = {
        "chapter": name,
        "questions": len(decls),
        "manual": len(solutions.exercises(nb)) - len(decls),
        "public_tests": sum(len(d["test"]) for d in decls.values()),
        "hidden_tests": sum(len(d["hidden"]) for d in decls.values()),
        "points": sum(d["answer"][0][1]["points"] for d in decls.values()),
    }
    (dest / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def grading_env():
    """Kernels import this repository's rnnlib, with one BLAS thread."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def chapters(selected=()):
    paths = sorted((ROOT / "book").glob("ch*.ipynb"))
    if selected:
        paths = [p for p in paths if any(p.name.startswith(s) for s in selected)]
    return paths


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["reinsert"]:
        if len(argv) != 3:
            raise SystemExit("usage: python -m tools.assignments reinsert FROM.ipynb INTO.ipynb")
        merged = autograde.reinsert(solutions.load(argv[1]), solutions.load(argv[2]))
        solutions.save(merged, argv[2])
        print(f"{argv[2]}: {sum(map(autograde.is_declaration, merged['cells']))} declaration cells")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapter prefixes, e.g. ch04 (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(args.out)
    rows = []
    for path in chapters(args.chapters):
        summary = build_chapter(path, args.out, wheel)
        rows.append(summary)
        print(f"{summary['chapter']}: {summary['questions']} auto-graded questions "
              f"({summary['public_tests']} public tests, {summary['hidden_tests']} hidden, "
              f"{summary['points']} points), {summary['manual']} graded by hand", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
