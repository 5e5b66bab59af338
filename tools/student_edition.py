"""Write the student edition of the course under _build/student/.

    python -m tools.student_edition            # notebooks + HTML, under a minute
    python -m tools.student_edition --check    # ... then execute every student notebook
                                               # under strict nbval and run the leak test

What it writes:

- ``_build/student/repo/``: the repository as students get it, ready to be pushed as the
  ``student`` branch (``tools/student_edition.yml`` says which branch and repository the
  launch buttons open).  The chapter notebooks have every solution removed: the
  ``{solution}`` cell goes, its ``solution``-tagged code cells go, and where there was code an
  empty answer cell with a one-line prompt stays.  Every other cell keeps its committed
  outputs.  The instructor guide, the tests, CI and these tools are left out.
- ``_build/student/html/``: the HTML book built from ``repo/`` with ``-W -n``.  The build
  shows the notebooks' committed outputs instead of executing them again; ``--check`` (and
  CI) executes every student notebook under strict nbval, which proves that those outputs are
  what the student notebooks produce.  ``--execute`` re-executes during the build instead.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tools import solutions

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).with_name("student_edition.yml")
# Not part of what students get: tests (the instructor source's rules), CI, these tools, the
# benchmarks, and the instructor guide with its rubrics.
LEFT_OUT_DIRS = ("tests/", ".ci/", "tools/", "benchmarks/", ".github/")
LEFT_OUT_FILES = ("book/instructors.md", "README.md")
INSTRUCTOR_PAGES = {"book/instructors"}


def source_files(root=ROOT):
    """The repository's files: tracked plus untracked-but-not-ignored (git), else a walk."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=root, check=True, capture_output=True,
        ).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", "_build", "venv", ".venv", "__pycache__", ".ipynb_checkpoints"}
        files = [
            str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(root).parts)
        ]
    return sorted(f for f in files if (root / f).is_file())


def student_files(files):
    return [
        f for f in files
        if not f.startswith(LEFT_OUT_DIRS) and f not in LEFT_OUT_FILES and not f.startswith("_build/")
    ]


def student_toc(toc):
    """The table of contents without the pages for instructors (and captions left empty)."""
    parts = []
    for part in toc.get("parts", []):
        chapters = [c for c in part.get("chapters", []) if c.get("file") not in INSTRUCTOR_PAGES]
        if chapters:
            parts.append(dict(part, chapters=chapters))
    return dict(toc, parts=parts)


def chapter_numbers(toc):
    """{"book/ch02_recursive_identity": 2, ...}: the numbers the numbered parts give."""
    numbers, n = {}, 0
    for part in toc.get("parts", []):
        if part.get("numbered"):
            for chapter in part.get("chapters", []):
                n += 1
                numbers[chapter["file"]] = n
    return numbers


def load_settings(path=CONFIG):
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key in ("repository", "launch_buttons"):
        if not isinstance(settings.get(key, {}), dict):
            raise ValueError(f"{path}: '{key}' must be a mapping, got {settings[key]!r}")
    return settings


def student_config(config, settings):
    """The instructor _config.yml with the student edition's repository and launch buttons."""
    config = dict(config)
    repo = dict(config.get("repository", {}))
    for key, value in settings.get("repository", {}).items():
        if value not in (None, ""):
            repo[key] = value
        elif key == "path_to_book":
            repo[key] = ""
    config["repository"] = repo
    launch = dict(config.get("launch_buttons", {}))
    hub = settings.get("launch_buttons", {}).get("jupyterhub_url")
    launch.pop("jupyterhub_url", None)
    if hub:
        launch["jupyterhub_url"] = hub
    config["launch_buttons"] = launch
    config["title"] = config.get("title", "") + settings.get("title_suffix", "")
    return config


STUDENT_README = """\
# {title}

The chapters of the course, without the worked solutions to the exercises.  Where an
exercise asks for code, an empty cell (`# Exercise 2.3 (ch2-ex-bias): your code here.`)
waits for your answer.

- **In the cloud**: the rocket icon on a chapter's page opens this notebook on Binder or in
  Colab (Colab: run `!pip install "rnnlib[book] @ git+<this repository's URL>"` first).
- **On your machine**, in a virtual environment:
  `python -m pip install -r requirements.txt jupyterlab`, then `jupyter lab book/`.

Text and figures: CC-BY-4.0 (`LICENSE-CONTENT.md`).  Code: MIT (`LICENSE`).
"""


def write_repo(out, settings):
    """Write the student repository tree under ``out``; returns {notebook: labels removed}."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    removed = {}
    numbers = chapter_numbers(yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")))
    for rel in student_files(source_files()):
        src, dst = ROOT / rel, out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel.startswith("book/") and rel.endswith(".ipynb"):
            chapter = numbers.get(rel[: -len(".ipynb")])
            nb, labels = solutions.strip_notebook(solutions.load(src), chapter)
            solutions.save(nb, dst)
            removed[rel] = labels
        elif rel.startswith("book/") and rel.endswith(".md"):
            text = src.read_text(encoding="utf-8")
            if solutions.SOLUTION.search(text):
                raise ValueError(f"{rel}: a {{solution}} block outside a notebook cannot be stripped")
            shutil.copy2(src, dst)
        else:
            shutil.copy2(src, dst)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = student_config(config, settings)
    header = "# The student edition's configuration, written by tools/student_edition.py.\n"
    (out / "_config.yml").write_text(header + yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    toc = student_toc(yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")))
    (out / "_toc.yml").write_text(header + yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    (out / "README.md").write_text(STUDENT_README.format(title=config["title"]), encoding="utf-8")
    return removed


def build_html(repo, html, execute=False):
    """Build ``repo`` into ``html`` with -W -n; with committed outputs unless ``execute``."""
    config = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    if not execute:
        config.setdefault("execute", {})["execute_notebooks"] = "off"
    build_config = repo / "_config.build.yml"
    build_config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    work = repo.parent / "work"
    try:
        cmd = [
            sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(repo), "-W", "-n",
            "--keep-going", "--all", "--config", str(build_config), "--path-output", str(work),
        ]
        subprocess.run(cmd, check=True, env=kernel_env(repo))
    finally:
        build_config.unlink()
    if html.exists():
        shutil.rmtree(html)
    shutil.move(str(work / "_build" / "html"), str(html))
    shutil.rmtree(work)


def kernel_env(repo):
    """Kernels import the student tree's own rnnlib, with one BLAS thread as CI runs them."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo)] + [p for p in [env.get("PYTHONPATH")] if p])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def check(out):
    """Strict nbval on every student notebook, then the leak test; non-zero on failure."""
    repo = out / "repo"
    notebooks = sorted(str(p) for p in (repo / "book").glob("*.ipynb"))
    cmd = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
        "--rootdir", str(repo), "--nbval", "--nbval-current-env", *notebooks,
    ]
    print("== strict nbval on the student notebooks", flush=True)
    code = subprocess.run(cmd, env=kernel_env(repo)).returncode
    print("== leak test: solution text in the student edition", flush=True)
    from tools import leaks

    code |= leaks.main([str(out), "--book", str(ROOT / "book"), "--expect", "none"])
    return code


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write the student edition under _build/student/.")
    parser.add_argument("--out", default=str(ROOT / "_build" / "student"))
    parser.add_argument("--no-html", action="store_true", help="write the notebooks only")
    parser.add_argument("--execute", action="store_true", help="execute during the HTML build")
    parser.add_argument("--check", action="store_true", help="then run nbval and the leak test")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    start = time.monotonic()
    settings = load_settings()
    removed = write_repo(out / "repo", settings)
    n = sum(len(v) for v in removed.values())
    print(f"== {out / 'repo'}: {n} solutions removed from {len(removed)} notebooks", flush=True)
    if not args.no_html:
        build_html(out / "repo", out / "html", execute=args.execute)
        print(f"== {out / 'html'} built ({time.monotonic() - start:.0f} s)", flush=True)
    if args.check:
        code = check(out)
        print(f"== checks {'passed' if code == 0 else 'FAILED'} ({time.monotonic() - start:.0f} s)")
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
