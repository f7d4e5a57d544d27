"""Tests of clean: ``make clean`` removes what builds wrote, waits for a build at work, keeps the locks."""

import subprocess
import sys
import time
from pathlib import Path

from nnsimple_lab import clean, files

ROOT = Path(__file__).resolve().parents[1]


def fill(reports):
    (reports / "runs").mkdir(parents=True)
    for name in ("informe.html", "informe.pdf", ".renderings.json", ".gitkeep", files.LOCK_NAME):
        (reports / name).write_text("x")
    for name in ("lr0.5-random-bce.json", "manifest.json", files.LOCK_NAME):
        (reports / "runs" / name).write_text("x")
    (reports / "runs" / "vacía").mkdir()


def test_clean_removes_everything_but_the_locks_and_gitkeep(tmp_path):
    reports = tmp_path / "reports"
    fill(reports)
    assert clean.clean(reports) == 5
    left = sorted(str(p.relative_to(reports)) for p in reports.rglob("*"))
    assert left == [".gitkeep", files.LOCK_NAME, "runs", f"runs/{files.LOCK_NAME}"]
    assert clean.clean(tmp_path / "no-existe") == 0


def test_clean_removes_the_studies_computed_ahead_but_their_locks(tmp_path):
    """reports/studies/<study>/: a stored result, a dead write's temporary; the lock stays."""
    reports = tmp_path / "reports"
    fill(reports)
    for study in ("scan", "failing"):
        where = reports / "studies" / study
        where.mkdir(parents=True)
        for name in ("0123abcd.json", ".0123abcd.json.x1y2.tmp", files.LOCK_NAME):
            (where / name).write_text("x")
    assert clean.clean(reports) == 9
    left = sorted(str(p.relative_to(reports / "studies")) for p in (reports / "studies").rglob("*"))
    assert left == ["failing", f"failing/{files.LOCK_NAME}", "scan", f"scan/{files.LOCK_NAME}"]


def test_clean_waits_for_the_build_that_holds_the_lock(tmp_path):
    """The issue's case: `make clean` during `make report` removed the runs under the report."""
    reports = tmp_path / "reports"
    fill(reports)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom nnsimple_lab import files\n"
            f"with files.locked({str(reports)!r}, ''):\n    print('dentro', flush=True)\n    sys.stdin.readline()\n",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "dentro\n"
        before = sorted(p.name for p in reports.rglob("*"))
        waiting = subprocess.Popen(
            [sys.executable, "-c", f"from nnsimple_lab import clean; print(clean.clean({str(reports)!r}))"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting
        assert sorted(p.name for p in reports.rglob("*")) == before  # nothing removed under the build
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = waiting.communicate(timeout=30)
        assert out == "5\n" and "se borrará cuando termine" in err
    finally:
        holder.kill()
        holder.wait()


def test_make_clean_runs_without_the_venv(tmp_path):
    """The system's Python, no site-packages: clean needs only the standard library."""
    reports = tmp_path / "reports"
    fill(reports)
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from nnsimple_lab import clean; "
    code += f"print(clean.clean({str(reports)!r}))"
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout == "5\n", done.stderr
