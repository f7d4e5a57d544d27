"""Results that scale: the runs' size on disk, and the report step of a thousand-run grid.

    python benchmarks/bench_scale.py          # about 15 minutes on 2 cores (the 1002-run sweep)

In fresh temporary copies of the project (the user's reports/ is never touched):

1. the default study of the issue, 54 runs (9 rates x 3 inits x 2 losses, 2000 iterations,
   50 seeds): `make runs`, then the size of reports/runs by kind of file (results JSON, their
   .npz, executed notebooks). Goal: the runs' results under 15 MB.
2. a grid of 1002 runs (167 rates x 3 inits x 2 losses, 200 iterations, 10 seeds: the grid
   varies only rates, inits and losses per run): `make runs`, then `make report` (every run
   from the cache, their 1002 pages, the report), then, with the report removed, `make report`
   again: the report step (the cache check, informe.ipynb executed, its HTML and PDF), timed.
   Goal: under 60 s and 2 GiB.

Each step: wall seconds, CPU seconds (user + sys of every process it started: the machine is
shared, CPU is the steadier number) and the peak of the summed PSS of its processes (sampled as
in `make bench`). The table is printed in Spanish, each goal marked.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import VENV_BIN, copy_project, run  # the benchmarks' shared helpers

STUDY = ("LR=0.01 0.02 0.05 0.1 0.2 0.3 0.5 1.0 2.0", "INIT=zeros random xavier", "LOSS=bce mse")
STUDY += ("ITERATIONS=2000", "SEEDS=50")
BIG_RATES = [float(f"{r:.4g}") for r in np.geomspace(0.01, 2.0, 167)]
BIG = (f"LR={' '.join(map(str, BIG_RATES))}", "INIT=zeros random xavier", "LOSS=bce mse")
BIG += ("ITERATIONS=200", "SEEDS=10")
GOALS = {"results_mb": 15, "report_s": 60, "report_mib": 2048}  # under these
KINDS = {".json": "resultados (JSON)", ".npz": "arreglos (.npz)", ".ipynb": "cuadernos ejecutados", ".html": "páginas"}


def timed_make(project, *arguments):
    """``make`` in a copy (the user's venv, JOBS=2, CONFIRM=1): (wall s, CPU s, peak PSS MiB)."""
    venv = VENV_BIN.parent
    command = ["make", "-s", "-o", str(venv / ".instalado"), f"VENV={venv}", *arguments, "JOBS=2", "CONFIRM=1"]
    measured = run(command, project)
    return measured["seconds"], measured["cpu"], measured["peak_mib"]


def sizes(runs):
    """MB on disk in ``runs`` per kind of file (``KINDS``), and in all."""
    found = {label: 0 for label in KINDS.values()}
    total = 0
    for path in Path(runs).iterdir():
        if path.is_file():
            total += path.stat().st_size
            if path.suffix in KINDS and not path.name.endswith(".failed.ipynb"):
                found[KINDS[path.suffix]] += path.stat().st_size
    return {label: size / 1e6 for label, size in found.items()}, total / 1e6


def mark(value, goal):
    return "cumple" if value < goal else "NO cumple"


def study_rows(base):
    """Step 1 (the module's docstring): printed as soon as measured."""
    study = copy_project(Path(base) / "study")
    sweep = timed_make(study, "runs", *STUDY)
    kinds, total = sizes(study / "reports" / "runs")
    results_mb = kinds[KINDS[".json"]] + kinds[KINDS[".npz"]]
    print("Estudio de 54 ejecuciones (9 tasas x 3 inicializaciones x 2 costos, 2000 iteraciones, 50 semillas)")
    print(f"  barrido: {sweep[0]:.1f} s de reloj, {sweep[1]:.1f} s de CPU, pico {sweep[2]:.0f} MiB")
    for label, mb in kinds.items():
        print(f"  {label}: {mb:.1f} MB")
    goal = GOALS["results_mb"]
    print(f"  resultados (JSON + .npz): {results_mb:.1f} MB (meta < {goal} MB: {mark(results_mb, goal)})")
    print(f"  todo reports/runs: {total:.1f} MB", flush=True)


def big_rows(base):
    """Step 2 (the module's docstring): printed as soon as measured."""
    big = copy_project(Path(base) / "big")
    print("Rejilla de 1002 ejecuciones (167 tasas x 3 inicializaciones x 2 costos, 200 iteraciones, 10 semillas)")
    big_sweep = timed_make(big, "runs", *BIG)
    print(f"  barrido: {big_sweep[0]:.1f} s de reloj, {big_sweep[1]:.1f} s de CPU, pico {big_sweep[2]:.0f} MiB")
    cold = timed_make(big, "report", *BIG)
    print(f"  make report con las páginas: {cold[0]:.1f} s de reloj, {cold[1]:.1f} s de CPU, pico {cold[2]:.0f} MiB")
    for name in ("informe.ipynb", "informe.html", "informe.pdf"):
        (big / "reports" / name).unlink()
    step = timed_make(big, "report", *BIG)
    print(
        f"  paso del informe (caché, informe.ipynb, HTML y PDF): {step[0]:.1f} s de reloj "
        f"(meta < {GOALS['report_s']} s: {mark(step[0], GOALS['report_s'])}), {step[1]:.1f} s de CPU, "
        f"pico {step[2]:.0f} MiB (meta < {GOALS['report_mib']} MiB: {mark(step[2], GOALS['report_mib'])})"
    )
    shown = ", ".join(
        f"{n}: {(big / 'reports' / n).stat().st_size / 1e6:.1f} MB" for n in ("informe.html", "informe.pdf")
    )
    print("  " + shown, flush=True)


def main():
    base = tempfile.mkdtemp(prefix="nnsimple-scale-")
    try:
        study_rows(base)
        big_rows(base)
    except RuntimeError:
        print(f"Falló un paso; sus archivos quedan en {base} para revisarlos.", file=sys.stderr)
        raise
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
