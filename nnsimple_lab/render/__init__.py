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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nnsimple_lab.render import formats, prepare
from nnsimple_lab.render.errors import RenderError

__all__ = ["RenderError", "formats", "render", "render_runs"]


def _write_timed(output, node, target, base_path):
    """``(seconds, None)`` after writing ``node`` in ``output``'s format, or ``(None, message)``."""
    start = time.perf_counter()
    try:
        output.write(node, target, base_path=base_path)
    except RenderError as error:
        return None, f"{output.label}: {error}"
    return time.perf_counter() - start, None


def render(nb_path, **targets):
    """Render one notebook (a path or a NotebookNode), read once, to one file per format.

    ``targets``: ``{format name: output path}`` (``html=…``, ``pdf=…``; a None target is left
    out). Returns ``{format name: seconds it took}``. Every format is attempted; if any fails,
    one RenderError with every message is raised after. An unknown format name fails first.
    The formats are written at the same time, one thread each: both read the one notebook
    and each changes only its own copy of it (``prepare.prepare``), and Typst and pandoc, most
    of the time, run outside Python's lock, so HTML and PDF take about as long as the slower of
    the two.
    """
    for name in targets:
        formats.get(name)  # an unknown name fails before anything is read
    chosen = [(name, target) for name, target in targets.items() if target is not None]
    chosen.sort(key=lambda item: list(formats.FORMATS).index(item[0]))
    node, base_path = prepare.load_notebook(nb_path)
    with ThreadPoolExecutor(max_workers=max(1, len(chosen))) as threads:
        futures = {
            name: threads.submit(_write_timed, formats.FORMATS[name], node, target, base_path)
            for name, target in chosen
        }
    done = {name: future.result() for name, future in futures.items()}
    errors = [message for _, message in done.values() if message]
    if errors:
        raise RenderError("\n".join(errors))
    return {name: seconds for name, (seconds, _) in done.items()}


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
