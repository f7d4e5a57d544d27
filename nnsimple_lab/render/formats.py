"""The output formats of the report, as data: the registry the build and the command line read.

A format is one module that writes it (a ``write(nb, path, *, base_path, **options)`` function),
one template folder under ``templates/`` and one entry of ``FORMATS``. Nothing else names the
formats: ``render.render`` takes one target per name, the command line one option per name, and
``sources`` tells the build what each output is made from.

    FORMATS["pdf"].write(notebook, "reports/informe.pdf", base_path=folder)
    sources("html", root)  ->  [root/nnsimple_lab/render/html.py, …, root/templates/informe_html/…]
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from pathlib import Path

from nnsimple_lab import deps
from nnsimple_lab.render.errors import RenderError

ROOT = Path(__file__).resolve().parents[2]  # the project: templates/ lives here
TEMPLATES = "templates"
# What every format's citations are made from (``cite``): the sources and their style.
BIBLIOGRAPHY = "references.bib"
CITATION_STYLE = f"{TEMPLATES}/referencias/apa-no-ampersand.csl"


@dataclasses.dataclass(frozen=True)
class Format:
    """One output format.

    ``name``: the key ("html"), also the keyword of ``render.render`` and the option ``--html``;
    ``label``: how messages name it ("HTML"); ``suffix``: of its files (".html");
    ``description``: what the command line's help says of it;
    ``module``: the dotted name of the module that writes it, whose code (and what it imports)
    decides when an output is stale; ``templates``: its folders under ``templates/``, the first
    one the template its exporter uses.
    """

    name: str
    label: str
    suffix: str
    description: str
    module: str
    templates: tuple[str, ...]

    def write(self, nb, path, *, base_path=None, **options):
        """Write ``nb`` (a NotebookNode or the path of one) to ``path`` atomically; returns ``path``.

        The module is imported only now: nbconvert, pandoc and Typst take a moment to load.
        ``options`` go to the module's ``write`` (the HTML takes ``show_all_code``, ``keep_stderr``).
        """
        return importlib.import_module(self.module).write(nb, path, base_path=base_path, **options)


FORMATS = {
    "html": Format(
        name="html",
        label="HTML",
        suffix=".html",
        description="sin conexión, MathML",
        module="nnsimple_lab.render.html",
        templates=("informe_html",),
    ),
    "pdf": Format(
        name="pdf",
        label="PDF",
        suffix=".pdf",
        description="Typst",
        module="nnsimple_lab.render.typst",
        templates=("informe_typst",),
    ),
}


@functools.cache
def template_cache():
    """Jinja's cache of compiled templates (``FileSystemBytecodeCache``: in the system's temporary
    folder, one per user), shared by the formats' exporters. Compiling the templates costs ~0.1 s
    of a core in every build; a cached one is used only while its source is unchanged. A cache
    that cannot be written (a full or read-only temporary folder) is only a cache that misses:
    the report is rendered all the same."""
    import jinja2

    class _BestEffort(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass  # Jinja removed its temporary file; the template was compiled and is used

    try:
        return _BestEffort()
    except (OSError, RuntimeError):  # no private cache folder can be made: compile every time
        return None


def cached_templates(exporter):
    """``exporter`` (an nbconvert TemplateExporter) compiling its templates once for all processes
    (``template_cache``); returns it."""
    exporter.environment.bytecode_cache = template_cache()
    return exporter


def get(name):
    """The ``Format`` called ``name``; a Spanish ``RenderError`` naming the valid ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        valid = ", ".join(FORMATS)
        raise RenderError(f"Formato desconocido: {name!r}. Los formatos válidos son: {valid}.") from None


def template_files(name, root=ROOT):
    """Every file of the template folders of format ``name`` under ``root/templates`` (sorted)."""
    found = []
    for folder in get(name).templates:
        found += (path for path in (Path(root) / TEMPLATES / folder).rglob("*") if path.is_file())
    return sorted(found)


def sources(name, root=ROOT):
    """The project files an output of format ``name`` is made from, besides the notebook itself:
    the code of its module (followed through its imports), its template files, the bibliography
    and its style."""
    shared = [Path(root) / BIBLIOGRAPHY, Path(root) / CITATION_STYLE]
    return [*deps.module_dependencies([get(name).module], root), *template_files(name, root), *shared]
