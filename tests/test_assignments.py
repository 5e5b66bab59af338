"""The otter-grader assignments (tools/assignments.py) graded for real (tools/grade.py).

Every grading here is a real ``otter run`` in a subprocess, through the course's grading
command, with no mock: the reference answers score full marks, the untouched student notebook
scores 0, each question's declared typical mistake loses points and fails its public test, and
hostile submissions end within their bound with no unearned credit, after which the grader
still grades the reference answers in full.

Needs the ``instructor`` extra (otter-grader).  Without it the tests are skipped, unless
``RNN_COURSE_GRADING=required`` (CI) makes that a failure.  ``RNN_ASSIGNMENTS`` may point at
an ``_build/assignments`` built by ``python -m tools.assignments``; otherwise Chapters 1 and 4
are built here.  The gradings run two at a time.
"""

import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    import otter  # noqa: F401

    HAVE_OTTER = True
except ImportError:
    HAVE_OTTER = False

if not HAVE_OTTER:
    if os.environ.get("RNN_COURSE_GRADING") == "required":
        raise RuntimeError("otter-grader is not installed (RNN_COURSE_GRADING=required): pip install -e '.[instructor]'")
    pytest.skip("otter-grader is not installed: pip install -e '.[instructor]' to run the grading tests",
                allow_module_level=True)

from tools import assignments, autograde, grade, solutions  # noqa: E402

GRADED = ("ch01", "ch04")  # the chapters graded end to end here (hostile cases: Chapter 4)
TIMEOUT = 120  # seconds for an honest notebook (a loaded 2-core machine)
LOOP_TIMEOUT = 15  # the infinite loop's bound
SLACK = 20  # killing, writing results


def chapter_path(name):
    (path,) = [p for p in sorted((ROOT / "book").glob("ch*.ipynb")) if p.name.startswith(name + "_")]
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    given = os.environ.get("RNN_ASSIGNMENTS")
    if given and all((Path(given) / ch / f"{ch}-autograder.zip").exists() for ch in GRADED):
        return Path(given)
    out = tmp_path_factory.mktemp("assignments")
    wheel = assignments.build_wheel(out)
    for ch in GRADED:
        assignments.build_chapter(chapter_path(ch), out, wheel)
    return out


def nb_with(base, cells, at="end"):
    """A copy of notebook ``base`` with code ``cells`` appended (or put first, after the init cell)."""
    nb = json.loads(Path(base).read_text(encoding="utf-8"))
    new = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
           for c in cells]
    if at == "end":
        nb["cells"] += new
    else:
        nb["cells"][1:1] = new
    return nb


def answer_cells(nb):
    return [c for c in nb["cells"] if "otter_answer_cell" in c.get("metadata", {}).get("tags", [])]


def with_answer(base, question_index, text):
    """``base`` with the answer cell of question ``question_index`` (0-based) set to ``text``."""
    nb = json.loads(Path(base).read_text(encoding="utf-8"))
    answer_cells(nb)[question_index]["source"] = text
    return nb


HOSTILE_EXITS = [
    "import sys\nsys.exit()",
    "raise SystemExit(3)",
    "raise KeyboardInterrupt",
    "def broken(:\n    pass",
]

TAMPER_CELLS = [
    # rnnlib: a loss that is always zero, a gradient check that always agrees
    "import rnnlib.losses, rnnlib.gradcheck, numpy as np\n"
    "rnnlib.losses.softmax_cross_entropy = lambda *a, **k: (0.0, np.zeros_like(a[0]))\n"
    "rnnlib.gradcheck.numerical_gradient.__code__ = (lambda f, x, eps=None: np.zeros_like(x)).__code__",
    # numpy.testing and numpy: every comparison passes
    "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
    "np.allclose = lambda *a, **k: True\nnp.abs = lambda x: np.zeros(1)",
    # otter's own checks: every test passes, every score is full
    "import doctest, otter.execute, otter.test_files.abstract_test as at\n"
    "doctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 1)\n"
    "at.TestFile.score = property(lambda self: self.possible)\n"
    "otter.execute.Checker.check_if_not_already_checked = classmethod(lambda cls, *a, **k: None)",
    # the hidden tests, read from disk: take ch4_units' numbers from them
    "import glob, re\ntext = ''.join(open(f, errors='ignore').read() for f in glob.glob('**/*.py', recursive=True))\n"
    "nums = [float(x) for x in re.findall(r'\\d+\\.\\d{6,}', text)]\n"
    "nats, perplexity, times_below_uniform = (nums + [0.0, 0.0, 0.0])[:3]",
    # files in the working directory: delete the tests, write always-passing ones, clobber the notebook
    "import os, glob\nfor f in glob.glob('tests/*.py'):\n    os.remove(f)\n"
    "open('tests/ch4_smoothing.py', 'w').write('OK_FORMAT = True\\ntest = {\"name\": \"ch4_smoothing\", "
    "\"points\": 4, \"suites\": [{\"cases\": [{\"code\": \">>> 1\\\\n1\", \"hidden\": False, \"locked\": False}], "
    "\"scored\": True, \"setup\": \"\", \"teardown\": \"\", \"type\": \"doctest\"}]}')\n"
    "for f in glob.glob('*.ipynb'):\n    open(f, 'w').write('{}')",
]
# The reference answer to ch4_logistic, after the cells above: still graded.
LOGISTIC_ANSWER = "dsigma_dd = s * (1 - s)"

# An answer that changes the grading code when the tests call it.
PATCH_WHILE_GRADED = '''\
def temperature_grad(o, y, tau):
    import doctest
    doctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 1)
    return o * 0
'''


def submissions(built, tmp):
    """(key, notebook path, chapter, timeout) of every grading the tests need."""
    subs = []

    def put(key, nb, ch, timeout=TIMEOUT):
        path = tmp / key / f"{ch}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb), encoding="utf-8")
        subs.append((key, path, ch, timeout))

    student4 = built / "ch04" / "student" / "ch04.ipynb"
    ref4 = built / "ch04" / "autograder" / "ch04.ipynb"
    # Hostile cases first: the honest gradings after them show that the grader still works.
    # The reference answers, then exits, an interrupt, a syntax error and a 100 MB print.
    put("exits-and-print", nb_with(ref4, HOSTILE_EXITS + ["print('x' * 100_000_000)"]), "ch04")
    nb = nb_with(student4, TAMPER_CELLS + [LOGISTIC_ANSWER])
    put("tamper", nb, "ch04")
    put("patch-while-graded", with_answer(student4, 1, PATCH_WHILE_GRADED), "ch04")
    put("os-exit", nb_with(ref4, ["import os\nos._exit(1)"]), "ch04")
    put("infinite-loop", nb_with(ref4, ["while True:\n    pass"]), "ch04", LOOP_TIMEOUT)
    for ch in GRADED:
        put(f"{ch}-reference", json.loads((built / ch / "autograder" / f"{ch}.ipynb").read_text()), ch)
        put(f"{ch}-blank", json.loads((built / ch / "student" / f"{ch}.ipynb").read_text()), ch)
        put(f"{ch}-mistakes", json.loads((built / ch / "mistakes.ipynb").read_text()), ch)
    return subs


@pytest.fixture(scope="session")
def graded(built, tmp_path_factory):
    """{key: (results, message, seconds, timeout)}: every submission graded, two at a time."""
    tmp = tmp_path_factory.mktemp("submissions")
    subs = submissions(built, tmp)
    env = assignments.grading_env()

    def run(item):
        key, path, ch, timeout = item
        start = time.monotonic()
        results, message = grade.grade(path, built / ch / f"{ch}-autograder.zip", tmp / "out" / key,
                                       timeout=timeout, env=env)
        return key, (results, message, time.monotonic() - start, timeout)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        out = dict(pool.map(run, subs))
    print(f"\n{len(subs)} gradings in {time.monotonic() - start:.0f} s")
    for key, (results, message, seconds, _) in out.items():
        print(f"  {key}: {grade.total(results):g} in {seconds:.0f} s {message.splitlines()[0] if message else ''}")
    return out


def questions(built, ch):
    return list(grade.read_tests(built / ch / f"{ch}-autograder.zip"))


def possible(built, ch):
    return grade.points_possible(built / ch / f"{ch}-autograder.zip")


def scores(built, graded, key, ch):
    return grade.question_scores(graded[key][0], questions(built, ch))


def public_failed(results, question):
    """Whether a public test of ``question`` failed, from the "Public Tests" summary."""
    summary = next((t.get("output", "") for t in results["tests"] if t.get("name") == "Public Tests"), "")
    block = re.split(r"\n(?=\S)", summary)
    mine = [b for b in block if b.startswith(question + " results")]
    assert mine, f"no public results for {question}"
    return "❌" in mine[0] or "failed" in mine[0].lower()


# --- the build -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ch", GRADED)
def test_each_graded_chapter_has_at_least_four_questions_and_hides_its_hidden_tests(built, ch):
    nb = solutions.load(chapter_path(ch))
    decls = autograde.declarations(nb)
    assert len(decls) >= 4
    student_dir = built / ch / "student"
    student = student_dir / f"{ch}.ipynb"
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in student_dir.rglob("*")
                     if p.is_file() and p.suffix in {".ipynb", ".py", ".txt", ".md", ".json"})
    flat = solutions.normalise(text + "\n" + "\n".join(
        solutions.source(c) for c in solutions.load(student)["cells"]))
    meta = json.loads(student.read_text(encoding="utf-8"))["metadata"]["otter"]["tests"]
    for label, d in decls.items():
        for src, _ in d["hidden"]:
            for line in solutions.code_lines(src):
                assert line not in flat, f"{label}: hidden test line in the student files: {line!r}"
        (answer, _), = d["answer"]
        for line in answer.splitlines():
            if "# SOLUTION" in line:
                assert solutions.normalise(line.split("#")[0]) not in flat or len(line.split("=")[-1].strip()) < 8
        name = d["answer"][0][1]["name"]
        cases = [c for s in meta[name]["suites"] for c in s["cases"]]
        assert cases and not any(c["hidden"] for c in cases), f"{name}: only public tests for students"
        assert "points" not in meta[name] and not any("points" in c for c in cases), "no point breakdown"
    # and the solutions between BEGIN/END SOLUTION markers are gone from the answer cells
    for cell in solutions.load(student)["cells"]:
        assert "BEGIN SOLUTION" not in solutions.source(cell) and "# SOLUTION" not in solutions.source(cell)


# --- honest submissions --------------------------------------------------------------------------


@pytest.mark.parametrize("ch", GRADED)
def test_the_reference_answers_score_full_marks(built, graded, ch):
    results, message, _, _ = graded[f"{ch}-reference"]
    assert grade.total(results) == pytest.approx(possible(built, ch)), message
    assert all(s > 0 for s in scores(built, graded, f"{ch}-reference", ch).values())


@pytest.mark.parametrize("ch", GRADED)
def test_the_untouched_student_notebook_scores_zero_on_every_question(built, graded, ch):
    results, message, _, _ = graded[f"{ch}-blank"]
    assert not message, message  # graded normally, no crash
    assert set(scores(built, graded, f"{ch}-blank", ch).values()) == {0.0}


@pytest.mark.parametrize("ch", GRADED)
def test_each_typical_mistake_loses_points_and_fails_its_public_test(built, graded, ch):
    results, message, _, _ = graded[f"{ch}-mistakes"]
    assert not message, message
    full = {q: p for q, (_, p) in grade.read_tests(built / ch / f"{ch}-autograder.zip").items()}
    got = scores(built, graded, f"{ch}-mistakes", ch)
    for q in full:
        assert got[q] < full[q], f"{q}: the typical mistake scored full marks"
        assert public_failed(results, q), f"{q}: the public test let the typical mistake through"


# --- hostile submissions (Chapter 4) -------------------------------------------------------------


def test_every_grading_finished_within_its_bound(graded):
    for key, (_, _, seconds, timeout) in graded.items():
        assert seconds < timeout + SLACK, f"{key} took {seconds:.0f} s"


def test_exits_interrupts_a_syntax_error_and_100_megabytes_do_not_stop_the_grading(built, graded):
    """sys.exit(), raise SystemExit, raise KeyboardInterrupt and a syntax error each end their
    own cell only (IPython's behaviour), and a 100 MB print is dropped with the executed
    notebook: the reference answers before them still earn full marks, in bounds."""
    results, message, _, _ = graded["exits-and-print"]
    assert grade.total(results) == pytest.approx(possible(built, "ch04")), message
    assert json.dumps(results).count("x" * 1000) == 0  # the print is not copied into results.json


def test_monkeypatches_file_tampering_and_reading_the_tests_earn_nothing(built, graded):
    """Patched rnnlib, numpy.testing, numpy and otter/doctest checks are restored before the
    tests run; deleted and overwritten tests come back; the tests on disk are ciphertext.  Only
    the honest answer (ch4_logistic) scores."""
    results, message, _, _ = graded["tamper"]
    got = scores(built, graded, "tamper", "ch04")
    full = dict((q, p) for q, (_, p) in grade.read_tests(built / "ch04" / "ch04-autograder.zip").items())
    assert got["ch4_logistic"] == full["ch4_logistic"], message
    assert all(v == 0 for q, v in got.items() if q != "ch4_logistic"), got
    for patched in ("rnnlib.losses.softmax_cross_entropy", "rnnlib.gradcheck.numerical_gradient",
                    "numpy.testing.assert_allclose", "numpy.allclose", "doctest.DocTestRunner.run",
                    "Checker.check_if_not_already_checked", "TestFile.score"):
        assert patched in message, f"{patched} not restored: {message}"


def test_patching_the_checks_while_being_graded_scores_zero(graded):
    results, message, _, _ = graded["patch-while-graded"]
    assert grade.total(results) == 0
    assert "changed the grading code while it was being graded" in message, message


def test_a_dead_kernel_scores_zero_with_a_reason(graded):
    results, message, _, _ = graded["os-exit"]
    assert grade.total(results) == 0 and "kernel died" in message, message


def test_an_infinite_loop_is_stopped_and_scores_zero_with_a_reason(graded):
    results, message, seconds, _ = graded["infinite-loop"]
    assert grade.total(results) == 0 and "timed out" in message, message
    assert seconds < LOOP_TIMEOUT + SLACK


def test_the_results_file_is_otters_and_the_zero_results_name_the_reason(graded, tmp_path):
    """Every grading wrote results.json (otter's Gradescope format, or the zero result)."""
    for key, (results, message, _, _) in graded.items():
        assert "tests" in results, key
        if message and grade.total(results) == 0 and "restored" not in message:
            assert results["tests"][0]["output"] == message
