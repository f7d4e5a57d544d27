"""The default report as a university accepts it, checked with the tools its readers and checkers use.

One real build of the default grid (``lab.toml``) into a temporary folder, then:

- the PDF: compiled as PDF/UA-1 and PDF/A-3a (Typst refuses to write one that fails), every
  figure's alt text in Spanish, from the data, not its caption; every link inside the document
  or to the web, none to a folder; the run pages of the annex attached;
- the HTML, in headless Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) finds no violation in
  the report and in a run's page at 1200 px and at 400 px, nothing sticks out of the page (a
  wide box scrolls and takes the keyboard), every "Figura N"/"Tabla N"/"Ecuación (N)" is a link
  to an element that exists; screenshots go to ``$NNSIMPLE_CAPTURAS`` if set;
- citations: each cited key is in "Referencias", which reads the same in both formats.

Without Chromium or axe-core the browser tests skip and say what to install (``make axe``).
"""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from nnsimple_lab import build, cache
from nnsimple_lab.grid import load_grid
from nnsimple_lab.render import cite, prepare, xref
from tests.test_render_typst import structure_alts

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1200, 400)
SCROLL_BOXES = "div.desplazable, .ecuacion, .lienzo, math[display=block], .highlight, pre, table"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The default report, built for real: ``reports/`` of a fresh build of ``lab.toml``'s grid."""
    folder = tmp_path_factory.mktemp("reports")
    grid = load_grid()
    lines = []
    code = build.build(cache.plan(grid, build.ROOT), grid, reports=folder, jobs=2, progress=False, say=lines.append)
    assert code == 0, "\n".join(lines)
    return folder


@pytest.fixture(scope="module")
def report(reports):
    """``(executed report as the renderings see it, PDF reader, its pages' text)``."""
    prepared, _ = prepare.prepare(nbformat.read(reports / "informe.ipynb", as_version=4))
    reader = PdfReader(reports / "informe.pdf")
    return prepared, reader, [page.extract_text() for page in reader.pages]


def figures_of(prepared):
    """``[(caption, alt)]`` of the report's figures."""
    metas = [o.metadata["nnsimple"] for c in prepared.cells for o in c.get("outputs", []) if prepare.output_kind(o)]
    return [(m["caption"], m.get("alt")) for m in metas if m["kind"] == "figure"]


# ---------------------------------------------------------------- the PDF


def test_the_pdf_is_pdf_ua_1_with_a_title_and_spanish(report):
    _, reader, _ = report
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata and "<pdfaid:part>3</pdfaid:part>" in metadata
    assert reader.metadata["/Title"] and reader.trailer["/Root"]["/Lang"] == "es"


def test_every_figure_has_a_spanish_alt_text_from_its_data(report):
    prepared, reader, _ = report
    figures = figures_of(prepared)
    assert figures
    pdf_alts = [alt for kind, alt in structure_alts(reader) if kind == "/Figure"]
    assert pdf_alts == [alt for _, alt in figures], "the PDF's images carry the figures' alt texts"
    for caption, alt in figures:
        assert alt != caption and alt not in caption, caption
        assert "\\" not in alt and "$" not in alt, alt
        assert re.search(r"\d", alt), f"a number from the data: {alt}"
        assert re.search(r"\b(de|la|el|con|en|y)\b", alt), f"Spanish: {alt}"


def test_every_equation_has_an_alt_text(report):
    _, reader, _ = report
    formulas = [alt for kind, alt in structure_alts(reader) if kind == "/Formula"]
    assert len(formulas) > 20 and all(alt.strip() and "\\" not in alt for alt in formulas)


def test_the_pdf_stands_alone_its_run_pages_attached(report, reports):
    _, reader, _ = report
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object().get("/A", {}).get("/S") == "/URI"
    ]
    assert all(re.match(r"https?://", uri) for uri in uris), "no link that depends on the PDF's folder"
    pages = sorted(p.name for p in (reports / "runs").glob("*.html"))
    assert sorted(reader.attachments) == pages and len(pages) == 12


# ---------------------------------------------------------------- citations


def test_each_cited_key_is_in_referencias_and_it_reads_the_same_in_both_formats(report, reports):
    prepared, _, pages = report
    pieces = [holder[key] for holder, key in prepare.markdown_fields(prepared)]
    cited = {key for piece in pieces for cluster in cite.clusters(piece) for key in cite.keys(cluster)}
    assert {"curso-nnsimple", "rumelhart1986", "glorot2010", "goodfellow2016"} <= cited
    document = (reports / "informe.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div id="ref-([\w-]+)" class="csl-entry"[^>]*>(.*?)</div>', document, re.S)
    assert {key for key, _ in entries} == cited
    pdf = "\n".join(pages)
    pdf = pdf[pdf.rindex("Referencias") :]  # the list, not the index's line
    pdf = re.sub(r"\s+", "", re.sub(r"-\n(?!-)", "", pdf.replace("-\n-", "-")))  # lines joined, hyphenation undone
    for key, entry in entries:
        text = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", entry)))
        assert text in pdf, f"{key}: the same entry in the PDF"


# ---------------------------------------------------------------- the HTML in a browser


def axe_source():
    if not AXE.is_file():
        pytest.skip("falta axe-core: ejecute make axe (npm ci en tests/axe; Debian: apt-get install npm)")
    return AXE.read_text(encoding="utf-8")


def load(chromium, page, width):
    """``page`` in ``chromium`` at ``width`` CSS pixels (a phone's viewport below 600)."""
    metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
    chromium.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    chromium.get(Path(page).as_uri())


def pages_of(reports):
    return {"informe": reports / "informe.html", "ejecución": reports / "runs" / "lr0.5-random-bce.html"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["informe", "ejecución"])
def test_axe_finds_no_wcag_2_1_aa_violation(chromium, reports, name, width):
    source = axe_source()
    load(chromium, pages_of(reports)[name], width)
    chromium.execute_script(source)
    result = chromium.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => [v.id, v.help, v.nodes.map(n => n.target.join(' '))])))"
        ".catch(e => done([['error', String(e), []]]));",
        WCAG_AA,
    )
    assert result == [], result


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["informe", "ejecución"])
def test_nothing_is_cut_off_and_wide_boxes_scroll_by_keyboard(chromium, reports, name, width):
    load(chromium, pages_of(reports)[name], width)
    assert chromium.execute_script("return document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    # A box wider than its room scrolls and takes the keyboard's focus, or sits in one that does.
    stuck = chromium.execute_script(
        """
        const all = [...document.querySelectorAll(arguments[0])];
        const scrolls = b => ["auto", "scroll"].includes(getComputedStyle(b).overflowX);
        const reachable = b => scrolls(b) && b.getAttribute("tabindex") === "0";
        return all.filter(b => b.scrollWidth > b.clientWidth + 1)
          .filter(b => scrolls(b) ? !reachable(b) : !all.some(p => p !== b && p.contains(b) && reachable(p)))
          .map(b => b.tagName + "." + b.className);
        """,
        SCROLL_BOXES,
    )
    assert stuck == []
    out = chromium.execute_script(
        "return [...document.querySelectorAll('main img, main figure')].filter(e => "
        "e.getBoundingClientRect().right > innerWidth + 1 && !e.closest(arguments[0])).length;",
        SCROLL_BOXES,
    )
    assert out == 0, "an image or figure sticks out of the page"
    keep = os.environ.get("NNSIMPLE_CAPTURAS")
    if keep:
        height = chromium.execute_script("return document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        shot = chromium.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "clip": clip})
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{pages_of(reports)[name].stem}-{width}.png").write_bytes(base64.b64decode(shot["data"]))


def test_every_reference_in_the_text_links_to_its_target(chromium, reports):
    load(chromium, reports / "informe.html", 1200)
    unlinked, broken = chromium.execute_script(
        """
        const mention = new RegExp(arguments[0], "i");
        const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
        const unlinked = [], broken = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent;
          if (!mention.test(text) || node.parentElement.closest("a, code, pre, script, style")) continue;
          const caption = node.parentElement.closest("figcaption");
          const rest = caption ? text.replace(/^\\s*(Figura|Tabla|Listado)\\s+\\d+\\s*[:.]/, "") : text;
          if (mention.test(rest)) unlinked.push(text.trim().slice(0, 80));
        }
        for (const a of document.querySelectorAll('main a[href^="#"]')) {
          const id = a.getAttribute("href").slice(1);  // as written, or percent-decoded as a browser tries too
          if (!document.getElementById(id) && !document.getElementById(decodeURIComponent(id))) broken.push(id);
        }
        return [unlinked, broken];
        """,
        r"\b(Figura|Tabla|Listado)s?\s+\d|\bEcuaci(ó|o)n(es)?\s+\(\d",
    )
    assert unlinked == [] and broken == []
    links = chromium.execute_script(
        "return [...document.querySelectorAll('main a[href^=\"#\"]')].map(a => a.getAttribute('href').slice(1));"
    )
    kinds = {target.split("-")[0] for target in links}
    assert {"figura", "tabla", xref.EQUATION, "ref"} <= kinds
