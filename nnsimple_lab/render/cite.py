"""Citations: pandoc's ``[@key]`` in any markdown of the report, APA 7 in Spanish, one reference list.

The sources live in ``references.bib`` (the project's root); the style is APA 7 without the
ampersand (``templates/referencias/apa-no-ampersand.csl``: "Glorot y Bengio, 2010", as Spanish
APA writes it), in pandoc's ``es-ES`` locale. pandoc's citeproc formats every citation of a
document and its reference list in ONE call, for the format asked ("html" or "typst"): both
renderings show the same text, each citation a link to its entry (``#ref-<key>``).

A document that cites something gets a section "Referencias" (``references_cell``), before its
first appendix ("Anexo…", "Apéndice…") or at its end, unless it already has the div ``REFS``
(``::: {#refs}`` … ``:::``) where the list should go.

    found = citations(["Como en [@glorot2010].", REFS], to="html")
    substitute("Como en [@glorot2010].", found, to="html")  ->  'Como en <span class="citation" …'
"""

from __future__ import annotations

import html
import re

from nnsimple_lab.render import formats, pandoc
from nnsimple_lab.render.errors import RenderError

BIBLIOGRAPHY = formats.ROOT / formats.BIBLIOGRAPHY
STYLE = formats.ROOT / formats.CITATION_STYLE
LOCALE = "es-ES"
TITLE = "Referencias"
REFS = "::: {#refs}\n:::"
_REFS_DIV = re.compile(r"^:::+\s*\{#refs\}\s*\n:::+[ \t]*$", re.M)
_KEY = r"@[\w][\w:.#$%&+?<>~/-]*(?<=[\w])"
# A bracketed cluster "[@a; @b, p. 3]" (not a link's text), or an author-in-text "@a".
_CLUSTER = re.compile(rf"\[[^\[\]]*?(?<![\w\\]){_KEY}[^\[\]]*\](?![(\[])|(?<![\w@\\\[]){_KEY}")
# Where a "@" is no citation: code, math, a link's destination, a URL, an HTML tag.
_NOT_PROSE = re.compile(
    r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[`~]*[ \t]*$|`+[^`]*`+"
    r"|(?<!\\)\$\$.*?\$\$|(?<!\\)\$[^$\n]*\$"
    r"|\]\([^)]*\)|https?://\S+|<[^<>\s][^<>]*>",
    re.S | re.M,
)
_BIB_KEY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def _outside_code(markdown):
    """``(start, end)`` of the stretches of ``markdown`` outside code, math, links and tags."""
    spans, position = [], 0
    for match in _NOT_PROSE.finditer(markdown):
        spans.append((position, match.start()))
        position = match.end()
    return [*spans, (position, len(markdown))]


def clusters(markdown):
    """The citations of ``markdown`` in order, as written ("[@a; @b]", "@a"); none in code or math."""
    found = []
    for start, end in _outside_code(markdown):
        found += (m.group(0) for m in _CLUSTER.finditer(markdown, start, end))
    return found


def keys(cluster):
    """The keys a citation cites: ``"[@a; @b, p. 3]"`` -> ``["a", "b"]``."""
    return [key[1:] for key in re.findall(_KEY, cluster)]


def known_keys():
    """The keys of ``references.bib`` (a Spanish RenderError if it cannot be read)."""
    try:
        return set(_BIB_KEY.findall(BIBLIOGRAPHY.read_text(encoding="utf-8")))
    except OSError as error:
        raise RenderError(f"El informe cita fuentes, pero no se pudo leer {BIBLIOGRAPHY}: {error.strerror}") from error


def check_keys(found):
    """Raise a Spanish RenderError naming any cited key that ``references.bib`` lacks."""
    known = known_keys()
    unknown = sorted({key for cluster in found for key in keys(cluster)} - known)
    if unknown:
        raise RenderError(
            f"Cita a una fuente que no está en {BIBLIOGRAPHY.name}: {', '.join('@' + k for k in unknown)}. "
            f"Las claves válidas son: {', '.join(sorted(known))}."
        )


def pandoc_arguments():
    """pandoc's options for citeproc: the bibliography, the style, Spanish, citations linked."""
    return [
        "--citeproc",
        f"--bibliography={BIBLIOGRAPHY}",
        f"--csl={STYLE}",
        f"--metadata=lang:{LOCALE}",
        "--metadata=link-citations:true",
        "--metadata=link-bibliography:true",
    ]


def citations(pieces, *, to):
    """``{citation as written: its formatting in format to}`` for every citation of ``pieces``
    (markdown strings, in document order), and ``REFS``: the reference list. Empty without citations."""
    found = [cluster for piece in pieces for cluster in clusters(piece)]
    if not found:
        return {}
    check_keys(found)
    # Pandoc's own markdown reads citations (commonmark_x does not); one paragraph per citation.
    converted = pandoc.convert([*found, REFS], to=to, source="markdown", arguments=pandoc_arguments())
    out = {cluster: _inline(converted[cluster], to) for cluster in found}
    out[REFS] = converted[REFS]
    return out


def _inline(text, to):
    """A converted paragraph as inline content (HTML without its ``<p>``)."""
    if to == "html":
        match = re.fullmatch(r"<p>(.*)</p>", text.strip(), re.S)
        return match.group(1) if match else text
    return text.strip()


def _replace(markdown, known, raw):
    """``markdown`` with each citation in ``known`` (and the ``REFS`` div) outside code replaced by
    ``raw(citation as written or REFS, block)``."""
    out, position = [], 0
    for start, end in _outside_code(markdown):
        out.append(markdown[position:start])
        stretch = markdown[start:end]
        stretch = _CLUSTER.sub(lambda m: raw(m.group(0), False) if m.group(0) in known else m.group(0), stretch)
        stretch = _REFS_DIV.sub(lambda m: raw(REFS, True), stretch)
        out.append(stretch)
        position = end
    return "".join(out)


def substitute(markdown, found, *, to, store=None):
    """``markdown`` with its citations and its ``REFS`` div replaced by their formatting in ``found``:
    raw Typst (a ``{=typst}`` span or block), or for HTML a token per citation, its HTML appended
    to ``store`` (a list) for ``restore`` to put back after the markdown is rendered (nbconvert's
    renderer would re-parse raw inline HTML tag by tag, emptying the links)."""
    if not found:
        return markdown
    if to == "html":

        def raw(cited, block):
            store.append(found[cited])
            token = _HTML_TOKEN.format(len(store) - 1)
            return f"\n\n{token}\n\n" if block else token

    else:

        def raw(cited, block):
            return _raw_typst(found[cited], block)

    return _replace(markdown, found, raw)


def protect(markdown, cited):
    """``markdown`` with its citations and its ``REFS`` div as raw Typst holding a token each,
    before they are formatted (``citations``): ``cited`` maps each citation of the document and
    ``REFS`` to its number (``numbered``). pandoc copies raw Typst as it is, wherever it stands
    (and leaves it out of a heading's id and an image's alt, as it does the formatted citation),
    so ``restore_typst`` puts each citation's Typst in the token's place."""
    return substitute(markdown, {citation: _TYPST_TOKEN.format(k) for citation, k in cited.items()}, to="typst")


def numbered(pieces):
    """``{citation as written: its number}`` for every citation of ``pieces`` (markdown strings,
    in document order) and ``REFS`` last, as ``protect`` needs them; empty without citations."""
    found = dict.fromkeys(cluster for piece in pieces for cluster in clusters(piece))
    return {cited: k for k, cited in enumerate([*found, REFS])} if found else {}


def restore_typst(typst, found, cited):
    """pandoc's Typst of a ``protect``-ed piece with each token replaced by the Typst of its
    citation (``found``: ``citations(…, to="typst")``), or None if the ``REFS`` token is not
    alone on an unindented line (where pandoc would have indented each line of the list)."""
    if not cited:
        return typst
    names = {number: citation for citation, number in cited.items()}
    refs_token = _TYPST_TOKEN.format(cited[REFS])
    text = re.sub(rf"^{refs_token}$", lambda m: found[REFS], typst, flags=re.M)
    if refs_token in text:
        return None
    return _TYPST_TOKEN_RE.sub(lambda m: found[names[int(m.group(1))]], text)


_HTML_TOKEN = "CITAPH{}X"
_HTML_TOKEN_RE = re.compile(r"CITAPH(\d+)X")
_TYPST_TOKEN = "CITATYPH{}X"
_TYPST_TOKEN_RE = re.compile(r"CITATYPH(\d+)X")


def restore(document, store):
    """The rendered HTML ``document`` with each token of ``substitute`` replaced by its HTML
    (by its plain text inside a tag's attribute, an ``alt`` for instance)."""
    if "CITAPH" not in document:  # no citation (a run's page): the page's tags are not scanned
        return document

    def in_tag(match):
        return _HTML_TOKEN_RE.sub(lambda m: html.escape(re.sub(r"<[^>]+>", "", store[int(m.group(1))])), match.group(0))

    document = re.sub(r"<[^<>]*CITAPH\d+X[^<>]*>", in_tag, document)
    document = re.sub(r"<p>\s*CITAPH(\d+)X\s*</p>", lambda m: store[int(m.group(1))], document)
    return _HTML_TOKEN_RE.sub(lambda m: store[int(m.group(1))], document)


def _raw_typst(text, block):
    """Typst markup as commonmark_x raw content: a ``{=typst}`` block, or an inline span."""
    if block:
        return f"````{{=typst}}\n{text}\n````"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}{text}{fence}{{=typst}}"


def has_references(pieces):
    """True when some markdown of ``pieces`` already holds the ``REFS`` div."""
    return any(_REFS_DIV.search(piece) for piece in pieces)


def references_cell_source():
    """The markdown of the section the renderer adds to a document that cites and has no list."""
    return f"# {TITLE} {{-}}\n\n{REFS}\n"
