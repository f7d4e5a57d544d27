"""The sweep on Dask against the project's own pool: the default grid (lab.toml), and the
54-run study of ``bench_scale`` (its size, where a cluster's start costs less per run).

    python benchmarks/bench_cluster.py              # 3 repetitions of the default grid, 1 of the study
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
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ROOT, copy_project, run  # the benchmarks' shared helpers

GOAL = 1.5  # Dask's wall time at most this many times the pool's
EXECUTORS = {"pool": "propio (pool)", "dask": "Dask (LocalCluster)"}
STUDY = ["--lr", "0.01", "0.02", "0.05", "0.1", "0.2", "0.3", "0.5", "1.0", "2.0", "--init", "zeros", "random"]
STUDY += ["xavier", "--loss", "bce", "mse", "--iterations", "2000", "--seeds", "50", "--si"]


def sweep(project, executor, jobs, grid=()):
    """One sweep in ``project`` (``grid``: its options; default lab.toml's); ``(wall s, CPU s)``.

    CPU: user + system of the sweep and every process under it (workers, kernels, Dask's).
    """
    out = project / "reports" / executor
    command = [sys.executable, "-m", "nnsimple_lab.sweep", "--executor", executor, "--jobs", str(jobs)]
    measured = run([*command, "--out", str(out), *grid], project)
    return measured["seconds"], measured["cpu"]


def table(rows, title):
    """The Spanish table of ``rows`` ({executor: [(wall, cpu)]}), with the ratios per repetition."""
    lines = [title, f"{'ejecutor':<22}{'pared (s)':>22}{'CPU (s)':>22}"]
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


def measure(label, repeats, jobs, grid=()):
    """``{executor: [(wall, cpu)]}`` of ``repeats`` sweeps of ``grid`` each, in fresh copies."""
    rows = {name: [] for name in EXECUTORS}
    for repeat in range(repeats):
        with tempfile.TemporaryDirectory(prefix="nnsimple-bench-cluster-") as folder:
            project = copy_project(Path(folder))
            for name in EXECUTORS:
                rows[name].append(sweep(project, name, jobs, grid))
                wall, cpu = rows[name][-1]
                print(f"{label}, repetición {repeat + 1}, {EXECUTORS[name]}: {wall:.1f} s de pared, {cpu:.1f} s de CPU")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mide el barrido en Dask frente al propio.")
    parser.add_argument("--repeats", type=int, default=3, help="repeticiones de la rejilla por defecto (3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="procesos (por defecto, uno por núcleo)")
    parser.add_argument("--sin-estudio", action="store_true", help="sin el estudio de 54 ejecuciones")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from nnsimple_lab import cache, grid

    runs = len(cache.plan(grid.load_grid()))
    small = measure("rejilla por defecto", args.repeats, args.jobs)
    study = None if args.sin_estudio else measure("estudio de 54", 1, args.jobs, STUDY)
    print()
    print(table(small, f"Barrido de la rejilla por defecto ({runs} ejecuciones), {args.jobs} procesos: mediana de "
                f"{args.repeats} repeticiones (extremos entre corchetes)"))  # fmt: skip
    if study:
        print()
        print(table(study, f"Barrido del estudio de 54 ejecuciones (9 tasas × 3 inicializaciones × 2 costos, 2000 "
                    f"iteraciones, 50 semillas), {args.jobs} procesos, una repetición"))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
