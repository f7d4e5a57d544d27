"""Render an executed notebook to the report's formats (HTML and PDF), in one process.

    render.render("reports/informe.ipynb", html="reports/informe.html", pdf="reports/informe.pdf")
    render.render("reports/informe.ipynb", pdf="reports/informe.pdf")    # only the PDF
    render.render_runs("reports/runs")                                     # the pages of the runs
    python -m nnsimple_lab.render reports/informe.ipynb --html reports/informe.html --runs-html

The package, one job per module: ``prepare`` (the notebook as the report shows it), ``math``
(finding math, MathML), one module per format (``html``, ``typst``) and ``formats``, the
registry that names them. Every file is written atomically; every failure is a ``RenderError``
with a Spanish message. Importing this package does not import nbconvert: each format's module
is imported when something is written in that format.
"""

from __future__ import annotations

import time
from pathlib import Path

from nnsimple_lab.render import formats, prepare
from nnsimple_lab.render.errors import RenderError

__all__ = ["RenderError", "formats", "render", "render_runs"]


def render(nb_path, **targets):
    """Render one notebook (a path or a NotebookNode), read once, to one file per format.

    ``targets``: ``{format name: output path}`` (``html=…``, ``pdf=…``; a None target is left
    out). Returns ``{format name: seconds it took}``. Every format is attempted; if any fails,
    one RenderError with every message is raised after. An unknown format name fails first.
    """
    for name in targets:
        formats.get(name)  # an unknown name fails before anything is read
    chosen = {name: target for name, target in targets.items() if target is not None}
    node, base_path = prepare.load_notebook(nb_path)
    timings, errors = {}, []
    for name, output in formats.FORMATS.items():
        if name not in chosen:
            continue
        start = time.perf_counter()
        try:
            output.write(node, chosen[name], base_path=base_path)
        except RenderError as error:
            errors.append(f"{output.label}: {error}")
            continue
        timings[name] = time.perf_counter() - start
    if errors:
        raise RenderError("\n".join(errors))
    return timings


def _newest_source(name):
    """Newest modification time of what an output of format ``name`` is made from (code, templates)."""
    return max(path.stat().st_mtime for path in formats.sources(name))


def render_runs(folder):
    """Render every ``*.ipynb`` in ``folder`` (failed runs too) to ``<name>.html``, all code shown.

    A page newer than its notebook and than the HTML format's sources is left alone. Returns
    the pages written.
    """
    html = formats.FORMATS["html"]
    written, errors = [], []
    renderer = _newest_source(html.name)
    for notebook in sorted(Path(folder).glob("*.ipynb")):
        if notebook.name.startswith("."):
            continue
        page = notebook.with_suffix(html.suffix)
        if page.exists() and page.stat().st_mtime > max(notebook.stat().st_mtime, renderer):
            continue
        try:
            node, base_path = prepare.load_notebook(notebook)
            node.metadata.setdefault("title", f"Cuaderno ejecutado: {notebook.stem}")
            html.write(node, page, base_path=base_path, show_all_code=True, keep_stderr=True, text_fonts=False)
        except RenderError as error:
            errors.append(f"{notebook.name}: {error}")
            continue
        written.append(page)
    if errors:
        raise RenderError("No se pudieron generar algunas páginas de ejecuciones:\n" + "\n".join(errors))
    return written
