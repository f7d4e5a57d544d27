"""How memory, time and output size grow with the work a value implies: `make bench-bounds`.

    python benchmarks/bench_bounds.py                    # ITERATIONS=1000000 (one run), ~2 min
    python benchmarks/bench_bounds.py --iterations 200000

In a fresh temporary copy of the project (the user's reports/ is never touched), `make report`
builds one run of ``--iterations`` updates (α = 0.5, random init, BCE, 20 seeds) from an empty
reports/, with the build's memory sampled as in `make bench` (the peak of the summed PSS of the
build, its workers and kernels). Then it measures the files under reports/: the run's results,
its executed notebook and page, the report's notebook, HTML and PDF. The goals of the issue:
peak under 500 MiB, results under 5 MB, informe.html under 3 MB. Last, the estimate refuses
work of hours before anything starts: `ITERATIONS=10000000` and `SEEDS=100000` must exit 2 in
about a second, writing nothing. The table is printed in Spanish, each goal marked.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ROOT, VENV_BIN, copy_project, make, run  # the benchmarks' shared helpers

GRID = ("LR=0.5", "INIT=random", "LOSS=bce", "SEEDS=20", "JOBS=1")
GOALS = {"peak_mib": 500, "results_mb": 5, "html_mb": 3}  # under these
REFUSED = (  # work of hours: refused by the estimate, before anything starts
    ("ITERATIONS=10000000 (una ejecución)", ("LR=0.5", "INIT=random", "LOSS=bce", "ITERATIONS=10000000")),
    ("SEEDS=100000 (la rejilla por defecto)", ("SEEDS=100000",)),
)


def sizes(reports):
    """Size in MB of the files a user finds under ``reports`` after the build."""
    runs = reports / "runs"
    run = next(runs.glob("lr*.json"))
    named = {
        "resultados de la ejecución (runs/<id>.json)": run,
        "cuaderno ejecutado de la ejecución (runs/<id>.ipynb)": run.with_suffix(".ipynb"),
        "página de la ejecución (runs/<id>.html)": run.with_suffix(".html"),
        "cuaderno del informe (informe.ipynb)": reports / "informe.ipynb",
        "informe.html": reports / "informe.html",
        "informe.pdf": reports / "informe.pdf",
    }
    return {label: path.stat().st_size / 1e6 for label, path in named.items()}


def refused(base):
    """For each of ``REFUSED``: (label, seconds until make gave up, the files it wrote)."""
    rows = []
    for label, variables in REFUSED:
        project = copy_project(Path(base) / f"refused-{len(rows)}")
        venv = VENV_BIN.parent
        command = ["make", "-s", "-o", str(venv / ".instalado"), f"VENV={venv}", "report", *variables]
        seconds = run(command, project, check=False)["seconds"]
        written = [p for p in (project / "reports").rglob("*") if p.is_file() and p.name != ".lock"]
        rows.append((label, seconds, written))
    return rows


def table(iterations, seconds, peak, largest, found, refusals):
    count = f"{iterations:,}".replace(",", " ")
    out = [
        f"Cotas de recursos: una ejecución de {count} iteraciones (α = 0.5, aleatoria, BCE, 20 semillas)",
        "",
        f"{'medición':58} {'valor':>12}   objetivo",
        "-" * 90,
    ]

    def row(label, value, goal=None, unit=""):
        verdict = "" if goal is None else ("cumplido" if value < goal else "NO cumplido")
        target = "" if goal is None else f"< {goal} {unit}  {verdict}"
        out.append(f"{label:58} {value:>9.2f} {unit:3} {target}")

    row("make report en frío (barrido, informe, HTML y PDF)", seconds, unit="s")
    row("memoria pico (suma del PSS de todos los procesos)", peak, GOALS["peak_mib"], "MiB")
    row("  su mayor proceso (RSS)", largest, unit="MiB")
    for label, mb in found.items():
        goal = (
            GOALS["results_mb"]
            if label.startswith("resultados")
            else GOALS["html_mb"]
            if label == "informe.html"
            else None
        )
        row(label, mb, goal, "MB")
    out += ["", "Trabajo de horas: rechazado por la estimación antes de empezar", "-" * 90]
    for label, secs, written in refusals:
        verdict = "cumplido" if not written and secs < 10 else "NO cumplido"
        out.append(f"{label:58} {secs:>9.2f} s   sin escribir nada: {verdict}")
    return "\n".join(out)


def main(argv=None):
    sys.path.insert(0, str(ROOT))
    from nnsimple_lab import cli, grid

    parser = cli.parser("bench_bounds.py", "Mide memoria, tiempo y tamaños con muchas iteraciones.")
    parser.add_argument("--iterations", default="1000000", metavar="N", help="por defecto: 1000000")
    args = parser.parse_args(argv)
    try:
        iterations = grid.as_int(args.iterations, 1, "--iterations")
    except grid.SweepInputError as error:
        parser.error(str(error))
    with tempfile.TemporaryDirectory(prefix="nnsimple-bench-bounds-") as base:
        project = copy_project(Path(base) / "project")
        print(f"make report con ITERATIONS={iterations}…", file=sys.stderr, flush=True)
        measured = make(project, "report", *GRID, f"ITERATIONS={iterations}", "CONFIRM=1")
        seconds, peak, largest = measured["seconds"], measured["peak_mib"], measured["largest_mib"]
        found = sizes(project / "reports")
        print("Trabajo de horas…", file=sys.stderr, flush=True)
        refusals = refused(base)
    print(table(iterations, seconds, peak, largest, found, refusals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
