"""Tests of outputs: the rich outputs a notebook emits, as IPython publishes them."""

import matplotlib

matplotlib.use("Agg")

import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from nnsimple_lab import outputs
from nnsimple_lab.render import prepare


@pytest.fixture(scope="module", autouse=True)
def shell():
    """A real IPython shell, so that display() publishes mime bundles instead of printing."""
    return InteractiveShell.instance()


def published(function, *args, **kwargs):
    """The one display ``function`` publishes: (data, metadata)."""
    with capture_output() as captured:
        function(*args, **kwargs)
    assert len(captured.outputs) == 1
    return captured.outputs[0].data, captured.outputs[0].metadata


def small_figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2, 3], [0.9, 0.5, 0.2, 0.1], label="costo")
    ax.set_title("Costo por iteración")
    ax.legend()
    return fig


COVER = {
    "university": "Universidad del Valle de Guatemala",
    "faculty": "Facultad de Ingeniería",
    "course": "Deep Learning",
    "title": "Laboratorio 1",
    "subtitle": "Red neuronal simple",
    "authors": ["Ana López", "José Pérez"],
    "date": "29 de noviembre de 2026",
}


def test_cover_bundle_has_the_dict_and_a_readable_fallback():
    data, metadata = published(outputs.show_cover, COVER)
    assert metadata == {"nnsimple": {"kind": "cover"}}
    assert data[outputs.COVER_MIME] == COVER
    for value in ("Universidad del Valle de Guatemala", "**Laboratorio 1**", "Ana López", "José Pérez"):
        assert value in data["text/markdown"]


def test_cover_missing_fields_is_a_spanish_error():
    with pytest.raises(ValueError, match="faltan los campos: authors, date"):
        outputs.show_cover({k: v for k, v in COVER.items() if k not in ("authors", "date")})
    with pytest.raises(ValueError, match="lista de textos"):
        outputs.show_cover({**COVER, "authors": "Ana López"})


def test_figure_is_svg_only_with_its_caption_and_is_closed():
    """SVG only: both renderings use it; a PNG copy cost a second encoding of every figure."""
    fig = small_figure()
    data, metadata = published(outputs.show_figure, fig, "Figura 3: Costo por iteración con $\\alpha = 0.5$.")
    assert metadata == {"nnsimple": {"kind": "figure", "caption": "Figura 3: Costo por iteración con $\\alpha = 0.5$."}}
    assert data["image/svg+xml"].lstrip().startswith("<?xml")
    assert set(data) == {"image/svg+xml", "text/plain"}
    assert not plt.fignum_exists(fig.number)


def test_figure_svg_is_deterministic():
    first, second = outputs.figure_svg(small_figure()), outputs.figure_svg(small_figure())
    plt.close("all")
    assert first == second
    assert "<dc:date>" not in first


def _matplotlib_tight_svg(fig):
    """The SVG as matplotlib's own ``bbox_inches="tight"`` saves it (three layouts), the same settings."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": outputs.SVG_HASHSALT}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _run_figures():
    """The four figures of a run, fresh each call: a legend placed "best", mathtext, a colour bar."""
    import nnsimple as nn
    from nnsimple_lab import figures, training

    X, Y = nn.load_dataset("xor")
    run = training.train(X, Y, learning_rate=0.5, iterations=300)
    seeds = training.train_seeds(X, Y, seeds=range(8), learning_rate=0.5, iterations=300)
    return [
        figures.cost_figure(run.costs, loss="bce"),
        figures.parameters_figure(run.history),
        figures.decision_figure(run.parameters, X, Y),
        figures.seeds_figure(seeds.final_cost, seeds.solved, loss="bce"),
    ]


def _without_clip_ids(svg):
    return re.sub(r"\bp[0-9a-f]{10}\b", "p-id", svg)


def test_the_tight_box_crops_as_matplotlib_does():
    """The run figures come out byte for byte; a figure of stacked panels whose top edge differs in
    its 14th digit, the same but for the clip ids hashed from it."""
    for ours, theirs in zip(_run_figures(), _run_figures(), strict=True):
        box = outputs.tight_box(ours)
        assert box.width < ours.get_figwidth() + 1 and box.height < ours.get_figheight() + 1
        assert _tight_box_svg(ours, box) == _matplotlib_tight_svg(theirs)
    box = outputs.tight_box(_stacked())
    assert _without_clip_ids(_tight_box_svg(_stacked(), box)) == _without_clip_ids(_matplotlib_tight_svg(_stacked()))
    plt.close("all")


def _tight_box_svg(fig, box):
    svg = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": outputs.SVG_HASHSALT}):
        fig.savefig(svg, format="svg", bbox_inches=box, metadata={"Date": None})
    return svg.getvalue()


def _stacked():
    """Three panels sharing a log x axis, a legend in the top one."""
    fig, axes = plt.subplots(3, 1, figsize=(6.5, 6.4), sharex="col")
    for ax in axes:
        ax.semilogx([0.001, 0.1, 90], [0, 100, 0], marker="o")
        ax.axvspan(0.05, 0.5, alpha=0.12)
    axes[0].set_title("Barrido de tasas", fontsize=10)
    axes[0].legend(["semillas"], loc="upper left")
    return fig


def _font_stacks(fig):
    """matplotlib's tight SVG with the fonts named as ``figure_svg`` names them."""
    return outputs._SVG_FONT.sub(
        lambda m: (
            f"font-family: {outputs.FONT_STACKS[m.group(1)]}" if m.group(1) in outputs.FONT_STACKS else m.group(0)
        ),
        _matplotlib_tight_svg(fig),
    )


def _pixels(svg, ppi=96):
    """The SVG as Typst draws it into the PDF (its own fonts), at ``ppi``: an (h, w, 3) int array."""
    import numpy as np
    import typst
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "f.svg").write_text(svg, encoding="utf-8")
        page = '#set page(width: auto, height: auto, margin: 0pt, fill: white)\n#image("f.svg")\n'
        (Path(folder) / "page.typ").write_text(page, encoding="utf-8")
        png = typst.compile(str(Path(folder) / "page.typ"), format="png", ppi=ppi, ignore_system_fonts=True)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _size(svg):
    return re.search(r'<svg[^>]*? width="([^"]+)" height="([^"]+)"', svg).groups()


def _looks_the_same(ours, theirs, *, changed=0.0):
    """The same size, and at most a fraction ``changed`` of the pixels off by more than a quarter of
    the range (antialiasing at another subpixel offset moves edges by less)."""
    import numpy as np

    assert _size(ours) == _size(theirs)
    a, b = _pixels(ours), _pixels(theirs)
    assert a.shape == b.shape
    return float((np.abs(a - b).max(axis=2) > 64).mean()) <= changed


def test_figure_svg_looks_as_matplotlib_crops_it():
    """Drawn once and cropped by its viewBox, a figure looks as matplotlib's own tight crop: the same
    size and picture, the figure's legend ("lower center") centred under what is shown, as there.
    The decision figure's colour bands are a picture whose pixels fall at another subpixel offset."""
    for ours, theirs in zip(_run_figures(), _run_figures(), strict=True):
        rasterised = any(artist.get_rasterized() for artist in ours.findobj())
        assert _looks_the_same(outputs.figure_svg(ours), _font_stacks(theirs), changed=0.002 if rasterised else 0.0)
    assert _looks_the_same(outputs.figure_svg(_stacked()), _font_stacks(_stacked()))
    plt.close("all")


def _overflowing():
    """Tick and axis labels longer than their margins: drawn beyond the canvas on the left and bottom."""
    from nnsimple_lab import plotting

    fig, axes = plotting.figure(3.0, 2.0, plotting.Margins(0.1, 0.1, 0.1, 0.1))
    axes[0, 0].semilogy([1, 2, 3], [1e-5, 1e50, 1e120])
    axes[0, 0].set(xlabel="Iteración", ylabel="Costo $J$")
    return fig


def test_a_figure_drawn_beyond_its_canvas_is_never_cut():
    box = outputs.tight_box(_overflowing())
    assert box.x0 < -0.1 and box.y0 < -0.1, "the labels lie beyond the canvas, even unpadded"
    ours = outputs.figure_svg(_overflowing())
    assert float(_size(ours)[0].removesuffix("pt")) > 3.0 * 72, "the picture grew to show them"
    assert _looks_the_same(ours, _font_stacks(_overflowing()))
    plt.close("all")


def test_figure_legends_anchored_by_hand_or_outside_a_layout_are_placed_as_matplotlib_places_them():
    def anchored():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1], label="recta")
        ax.set_ylabel("Una etiqueta larga del eje vertical")
        fig.legend(loc="upper left", bbox_to_anchor=(0.6, 0.9))
        return fig

    def constrained():
        fig, axes = plt.subplots(1, 2, figsize=(5, 3), layout="constrained")
        for ax in axes:
            ax.plot([0, 1], [0, 1], label="recta")
        axes[0].set_ylabel("Una etiqueta")
        fig.legend(loc="outside lower center")
        return fig

    for make in (anchored, constrained):
        ours = outputs.figure_svg(make())
        assert ours.count('<g id="legend_1">') == 1
        assert _looks_the_same(ours, _font_stacks(make()))
    plt.close("all")


def test_table_prose_and_code_are_markdown_with_their_kind():
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    data, metadata = published(outputs.show_table, table, "Tabla 2: Valores.")
    assert data == {"text/markdown": table + "\n"}
    assert metadata == {"nnsimple": {"kind": "table", "title": "Tabla 2: Valores."}}

    data, metadata = published(outputs.show_markdown, "## Resultados\n\nEl costo es $0.01$.")
    assert data == {"text/markdown": "## Resultados\n\nEl costo es $0.01$."}
    assert metadata == {"nnsimple": {"kind": "prose"}}

    data, metadata = published(outputs.show_code, "def f():\n    return 1\n", "Listado 1: f.")
    assert data == {"text/markdown": "```python\ndef f():\n    return 1\n```\n"}
    assert metadata == {"nnsimple": {"kind": "code", "caption": "Listado 1: f."}}
    assert published(outputs.show_code, "x = 1")[1] == {"nnsimple": {"kind": "code"}}


def test_code_fence_is_longer_than_any_backtick_run_inside():
    assert outputs.code_markdown('s = "````"').startswith("`````python\n")


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (outputs.show_figure, (None, ""), "pie de figura"),
        (outputs.show_table, ("| a |", " "), "título de la tabla"),
        (outputs.show_markdown, ("",), "El texto"),
        (outputs.show_code, ("x = 1", ""), "título del código"),
    ],
)
def test_empty_texts_are_spanish_errors(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)


def test_importing_outputs_imports_neither_matplotlib_nor_ipython():
    """The renderer imports outputs for its cover constants: it must stay free of both."""
    code = "import sys, nnsimple_lab.outputs; print([m for m in ('matplotlib', 'IPython') if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_a_real_kernel_publishes_every_kind(executed_report):
    nb = nbformat.read(executed_report, as_version=4)
    kinds = [
        output.get("metadata", {}).get("nnsimple", {}).get("kind")
        for cell in nb.cells
        for output in cell.get("outputs", [])
    ]
    assert [kind for kind in kinds if kind] == ["cover", "prose", "figure", "table", "code"]
    figure = next(o for c in nb.cells for o in c.get("outputs", []) if prepare.output_kind(o) == "figure")
    assert set(figure["data"]) == {"image/svg+xml", "text/plain"}


def test_figure_svg_names_its_fonts_by_a_stack_the_pdf_and_a_browser_resolve():
    from nnsimple_lab import plotting

    fig, axes = plotting.figure(4.0, 3.0, plotting.Margins(0.6, 0.2, 0.5, 0.3))
    axes[0, 0].set_title("Costo $J = \\sum_i \\alpha_i$ por iteración")
    svg = outputs.figure_svg(fig)
    stacks = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert stacks == set(outputs.FONT_STACKS.values())
    for stack in stacks:
        first = stack.split(",")[0].strip("'")
        assert first in {"New Computer Modern", "New Computer Modern Math"}  # Typst's names of its fonts
        assert stack.endswith("serif"), "a generic family last"
