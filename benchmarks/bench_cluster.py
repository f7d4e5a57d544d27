"""The sweep on Dask against the project's own pool, on the default grid (lab.toml).

    python benchmarks/bench_cluster.py              # 3 repetitions
    python benchmarks/bench_cluster.py --repeats 5 --jobs 2

Each repetition copies the project into a fresh temporary folder (the user's reports/ is never
touched) and runs there, one right after the other, ``python -m nnsimple_lab.sweep`` with the
default pool and with ``--executor dask`` (a LocalCluster of ``--jobs`` workers, its start
included): nothing is cached. Measured: wall seconds, and CPU seconds (user + system of the
sweep and every process under it: workers, kernels). The table, in Spanish, gives the medians
and the ratio Dask / pool taken within each repetition; the goal is a ratio of at most 1.5.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("nnsimple.py", "lab.toml", "nnsimple_lab", "notebooks", "templates", "references.bib")
GOAL = 1.5  # Dask's wall time at most this many times the pool's
EXECUTORS = {"pool": "propio (pool)", "dask": "Dask (LocalCluster)"}


def copy_project(target):
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sweep(project, executor, jobs):
    """One sweep of the default grid in ``project``; ``(wall seconds, CPU seconds)``."""
    out = project / "reports" / executor
    command = [sys.executable, "-m", "nnsimple_lab.sweep", "--executor", executor, "--jobs", str(jobs), "--out", out]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"el barrido con {executor} falló ({done.returncode}):\n{done.stderr}")
    return wall, children_cpu() - cpu


def table(rows, repeats, jobs, runs):
    """The Spanish table of ``rows`` ({executor: [(wall, cpu)]}), with the ratio per repetition."""
    lines = [
        f"Barrido de la rejilla por defecto ({runs} ejecuciones), {jobs} procesos: mediana de {repeats} "
        "repeticiones (extremos entre corchetes)",
        f"{'ejecutor':<22}{'pared (s)':>22}{'CPU (s)':>22}",
    ]
    for name, label in EXECUTORS.items():
        wall = [w for w, _ in rows[name]]
        cpu = [c for _, c in rows[name]]
        shown = [f"{statistics.median(v):.1f} [{min(v):.1f}-{max(v):.1f}]" for v in (wall, cpu)]
        lines.append(f"{label:<22}{shown[0]:>22}{shown[1]:>22}")
    ratios = [d[0] / p[0] for d, p in zip(rows["dask"], rows["pool"], strict=True)]
    cpu_ratios = [d[1] / p[1] for d, p in zip(rows["dask"], rows["pool"], strict=True)]
    ratio = statistics.median(ratios)
    verdict = "cumplida" if ratio <= GOAL else "no cumplida"
    lines.append(
        f"Dask / propio: {ratio:.2f}× en pared (meta ≤ {GOAL}×: {verdict}), "
        f"{statistics.median(cpu_ratios):.2f}× en CPU; por repetición: {', '.join(f'{r:.2f}' for r in ratios)}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mide el barrido en Dask frente al propio.")
    parser.add_argument("--repeats", type=int, default=3, help="repeticiones (por defecto 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="procesos (por defecto, uno por núcleo)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from nnsimple_lab import cache, grid

    runs = len(cache.plan(grid.load_grid()))
    rows = {name: [] for name in EXECUTORS}
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="nnsimple-bench-cluster-") as folder:
            project = copy_project(Path(folder))
            for name in EXECUTORS:
                rows[name].append(sweep(project, name, args.jobs))
                wall, cpu = rows[name][-1]
                shown = f"{wall:.1f} s de pared, {cpu:.1f} s de CPU"
                print(f"repetición {repeat + 1}, {EXECUTORS[name]}: {shown}", flush=True)
    print()
    print(table(rows, args.repeats, args.jobs, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
