"""The report notebook as a build step: where the build's outputs go, what the executed report
and each rendering are made from (by content, sealed in them), and the execution itself.

``execute_report`` runs in a worker (``pool.WorkerPool``, its warm kernel); the rest is pure
bookkeeping that ``build`` reads to decide what is stale.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from nnsimple_lab import deps, provenance, results, tasks
from nnsimple_lab.grid import CONFIG, ROOT
from nnsimple_lab.kernels import KERNEL
from nnsimple_lab.render import formats

REPORTS = ROOT / "reports"
NOTEBOOK = Path("notebooks") / "informe.ipynb"  # relative to the project root
TMP_PREFIX = ".informe.tmp-"


def outputs(reports=REPORTS):
    """The build's outputs in ``reports``: ``{"runs", "notebook", "failed", "html", "pdf"}``."""
    reports = Path(reports)
    return {
        "runs": reports / "runs",
        "notebook": reports / "informe.ipynb",
        "failed": reports / "informe.failed.ipynb",
        **{name: reports / f"informe{f.suffix}" for name, f in formats.FORMATS.items()},
    }


def report_inputs(reports=REPORTS, root=ROOT):
    """What the executed report is made from, by content (sealed in it): the digests of the
    manifest and of the results files it lists, and the fingerprint of the report notebook,
    lab.toml and the code the notebook imports."""
    reports, root = Path(reports), Path(root)
    runs = outputs(reports)["runs"]
    names = [runs / results.MANIFEST]
    with contextlib.suppress(results.ResultsError):
        names += [runs / e["results"] for e in results.read_manifest(runs)["runs"] if e.get("results")]
    code = [root / NOTEBOOK, root / CONFIG.name, *deps.notebook_dependencies(root / NOTEBOOK, root)]
    return {"runs": provenance.digests(names, reports), "code": deps.fingerprint(code, root)}


def rendering_inputs(name, reports=REPORTS, root=ROOT):
    """The digest of what the rendering ``name`` is made from: the executed report and the format's code."""
    notebook = outputs(reports)["notebook"]
    return provenance.digest(
        {
            "notebook": provenance.digests([notebook], Path(reports)),
            "code": deps.fingerprint(formats.sources(name, root), root),
        }
    )


def execute_report(reports=REPORTS, root=ROOT, kernel_name=KERNEL, *, made_from=None, facts=None):
    """Execute ``notebooks/informe.ipynb`` on ``reports/runs`` into a temporary file in ``reports``.

    Runs in a worker (its warm kernel, see ``tasks.execute_notebook``); returns a ``tasks.Outcome``.
    Never writes a final path. ``made_from``, ``facts``: sealed in it (``provenance.seal``).
    """
    reports, root = Path(reports).resolve(), Path(root).resolve()
    final = outputs(reports)
    tmp = reports / f"{TMP_PREFIX}{uuid.uuid4().hex[:8]}.ipynb"
    parameters = {"runs_dir": str(final["runs"]), "lab_toml": str(root / CONFIG.name)}
    seal = {} if made_from is None else {"made_from": made_from, "facts": facts or {}}
    return tasks.execute(
        root / NOTEBOOK, tmp, final["notebook"], parameters, root=root, kernel_name=kernel_name, **seal
    )


def prefetch_studies(reports=REPORTS, grid=None):
    """Compute and store the report's costliest studies ahead of it (``report.studies.prefetch``), in a
    worker: the scan from ``grid`` (a ``Grid.as_dict()``) in the sweep's tail, or both studies from the
    runs beside ``execute_report``. Returns the studies stored, or the error's line (a failed prefetch
    only means the report computes them itself)."""
    try:
        from nnsimple_lab.report import studies  # numpy and the report's modules: only in the worker

        return studies.prefetch(Path(reports).resolve(), grid)
    except Exception as error:  # never the build's failure: the report computes them itself
        return tasks.error_line(error)
