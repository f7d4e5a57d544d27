"""The report's markdown as Typst markup: one pandoc call, equations with alt text, citations, links.

Every markdown string of the document (cells, generated prose, tables, captions) goes through
``convert`` at once, before the template runs:

- each formula becomes a token (``math.protect``), converted by pandoc as a piece of its own and
  put back as ``#math.equation(block: …, alt: "…", …)``: PDF/UA-1 wants an alt on every equation
  (its linear text, ``mathalt``); a display formula with ``\\tag{N}`` is numbered "(N)" and
  labelled ``<ecuacion-N>``;
- citations are formatted by citeproc (``cite``), in a second pandoc process at the same time:
  the markdown goes to pandoc with a raw-Typst token for each (``cite.protect``), replaced by
  the citation's Typst after (``cite.restore_typst``);
- a link to a local file (a run's page in the annex) cannot leave the PDF: the file is attached
  to the PDF instead (``pdf.attach``) and the link's text stays, so the PDF stands alone;
- a label link to nowhere becomes a plain URL link, and markdown images are copied locally.
"""

from __future__ import annotations

import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nnsimple_lab import outputs
from nnsimple_lab.render import cite, math, pandoc, prepare, xref
from nnsimple_lab.render.errors import RenderError
from nnsimple_lab.render.mathalt import linear


def typst_string(value):
    """A Typst string literal holding ``value`` exactly (safe to inject anywhere in code)."""
    out = []
    for char in str(value):
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_TYPST_MARKUP_SPECIAL = re.compile(r"([\\#$*_@<>\[\]`~=/+\-'\"])")


def typst_escape(text):
    """Plain text made safe as Typst *markup* (every special character backslash-escaped)."""
    return _TYPST_MARKUP_SPECIAL.sub(r"\\\1", str(text))


def markdown_for_pandoc(markdown, formulas, citations):
    """Markdown as pandoc's ``commonmark_x`` reads it the way Jupyter does: ``{-}`` headings, each
    formula a token (``formulas``: the document's list, extended), citations as raw Typst
    (``citations``: ``cite.citations``)."""
    markdown = re.sub(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{-\}[ \t]*$", r"\1 {.unnumbered}", markdown, flags=re.M)
    return cite.substitute(math.protect(markdown, formulas), citations, to="typst")


def _protected(markdown, formulas, cited):
    """``markdown_for_pandoc`` with the citations as ``cite.protect``'s tokens (``cited``: ``cite.numbered``)."""
    markdown = re.sub(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{-\}[ \t]*$", r"\1 {.unnumbered}", markdown, flags=re.M)
    return cite.protect(math.protect(markdown, formulas), cited)


# ---------------------------------------------------------------- equations

# Symbols pandoc 3.9 writes that typst 0.15 renamed (found by compiling every common LaTeX command).
_TYPST_SYMBOLS = (
    (re.compile(r"\b(dot|times|minus|plus)\.circle\b"), r"\1.o"),
    (re.compile(r"(?<![\w.\"])sect\b"), "inter"),
)
_TOKEN = re.compile(r"MATHPH(\d+)X")
# pandoc writes |x| as \| x \|, which Typst sets as spaced-out bars ("| Δ |"): abs(x) sets it tight.
_BARS = re.compile(r"\\\|\s*([^|]*?)\s*\\\|")


def _formula_piece(latex):
    """The markdown pandoc converts for one formula: display math, alone."""
    return f"$${math.equation_number(latex)[0]}$$"


def _typst_formula(converted):
    """The body of pandoc's ``$ … $`` for one formula, its renamed symbols fixed."""
    match = re.fullmatch(r"\$\s*(.*?)\s*\$", converted.strip(), re.S)
    if match is None:
        raise RenderError(f"pandoc no devolvió una fórmula: {converted[:120]!r}")
    body = _BARS.sub(r"abs(\1)", match.group(1))
    for pattern, replacement in _TYPST_SYMBOLS:
        body = pattern.sub(replacement, body)
    return body


def equation(latex, display, body):
    """Typst markup of one formula with its alt text; with ``\\tag{N}``, numbered "(N)" and labelled."""
    latex, number = math.equation_number(latex)
    options = f"block: {'true' if display else 'false'}, alt: {typst_string(linear(latex))}"
    if number is not None and display:
        options += f", numbering: _ => {typst_string(f'({number})')}"
        return f"#math.equation({options}, ${body}$.body) <{xref.equation_id(number)}>"
    return f"#math.equation({options}, ${body}$.body);"  # ";" ends the call: "(x)" after it is text


# ---------------------------------------------------------------- links, attachments, images

_LINK = re.compile(r'#link\((?:<([^>]+)>|"((?:[^"\\]|\\.)*)")\)')
_LABEL = re.compile(r"(?:^|\] )<([\w:.-]+)>$", re.M)
_IMAGE = re.compile(r'image\("((?:[^"\\]|\\.)*)"')


def _unquote(text):
    return text.replace('\\"', '"').replace("\\\\", "\\")


def _local_file(source, base_path):
    """The file a relative link or image source names under ``base_path``, or None."""
    if "://" in source or source.startswith(("#", "attachment:", "mailto:")):
        return None
    found = Path(base_path) / source.split("#")[0]
    return found if found.is_file() else None


class Fixer:
    """Makes pandoc's Typst compile on its own in ``root``; remembers the files to attach."""

    def __init__(self, labels, base_path, root, *, attach=True):
        self.labels, self.base_path, self.root = labels, base_path, Path(root)
        self.copied, self.attachments = {}, {}
        self.attach = attach  # False: local files linked are named only (``outputs.PDF_ATTACHMENTS_MAX``)

    def link(self, match):
        label, url = match.group(1), match.group(2)
        if label is not None:
            return match.group(0) if label in self.labels else f"#link({typst_string('#' + label)})"
        url = _unquote(url)
        if "://" in url or url.startswith(("#", "mailto:")):
            return match.group(0)
        found = _local_file(url, self.base_path)
        if found is None:  # a relative link would break once the PDF leaves its folder
            print(f"aviso: el enlace a {url} no lleva a ningún archivo: en el PDF queda como texto", file=sys.stderr)
            return "#nns-adjunto(none)"
        if not self.attach:
            return "#nns-adjunto(none)"
        name = self.attachments.setdefault(str(found), self._unique(found.name))
        if not (self.root / name).exists():
            shutil.copyfile(found, self.root / name)
        return f"#nns-adjunto({typst_string(name)})"

    def _unique(self, name):
        taken = set(self.attachments.values()) | set(self.copied.values())
        stem, suffix, n = Path(name).stem, Path(name).suffix, 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        return name

    def image(self, match):
        source = _unquote(match.group(1))
        if source not in self.copied:
            found = _local_file(source, self.base_path)
            name = None
            if found is not None:
                name = f"md-{len(self.copied):03d}{found.suffix.lower()}"
                shutil.copyfile(found, self.root / name)
            self.copied[source] = name
        if self.copied[source] is None:
            print(f"aviso: imagen no disponible para el PDF: {source}", file=sys.stderr)
            return f"nns-sin-imagen({typst_string(source)}"
        return f'image("{self.copied[source]}"'

    def fix(self, typst):
        return _IMAGE.sub(self.image, _LINK.sub(self.link, typst))


# ---------------------------------------------------------------- the whole document


def _pandoc_typst(originals, cited, formatting):
    """``(pieces, formulas, {piece: pandoc's Typst, citations in})`` of the
    markdown strings ``originals``; ``formatting``: the future of ``cite.citations``, run meanwhile.

    The citations enter as tokens and their Typst after pandoc (``cite.restore_typst``): both
    pandoc calls at once. Where a token would not come out as the raw Typst does, the pieces are
    converted again with the citations in them, as raw Typst (the same Typst, a call later).
    """
    formulas = []
    pieces = [_protected(markdown, formulas, cited) for markdown in originals]
    try:
        converted = pandoc.convert([*pieces, *(_formula_piece(latex) for latex, _ in formulas)], to="typst")
    except RenderError:
        formatting.result()  # an unknown citation's message first, as without the tokens
        raise
    found = formatting.result()
    restored = {piece: cite.restore_typst(typst, found, cited) for piece, typst in converted.items()}
    if None not in restored.values():
        return pieces, formulas, restored
    formulas = []
    pieces = [markdown_for_pandoc(markdown, formulas, found) for markdown in originals]
    converted = pandoc.convert([*pieces, *(_formula_piece(latex) for latex, _ in formulas)], to="typst")
    return pieces, formulas, converted


def convert(nb, base_path, root, targets=()):
    """Normalise in place every markdown string of ``nb`` (see ``markdown_for_pandoc``) and
    return ``({normalised markdown: Typst markup}, {attached file: its name in root})``.

    ``targets``: labels the template sets itself (the ids of figures, tables, listings).
    pandoc formats the citations (``cite.citations``) while it converts the markdown, in a
    second process.
    """
    fields = prepare.markdown_fields(nb)
    originals = [holder[key] for holder, key in fields]
    with ThreadPoolExecutor(max_workers=1) as thread:
        formatting = thread.submit(cite.citations, originals, to="typst")
        pieces, formulas, converted = _pandoc_typst(originals, cite.numbered(originals), formatting)
    for (holder, key), piece in zip(fields, pieces, strict=True):
        holder[key] = piece
    equations = [
        equation(latex, display, _typst_formula(converted[_formula_piece(latex)])) for latex, display in formulas
    ]
    labels = set(targets)
    for typst in converted.values():
        labels.update(_LABEL.findall(typst))
    labels.update(xref.equation_id(n) for latex, _ in formulas if (n := math.equation_number(latex)[1]))
    linked = {  # the local files linked (the runs' pages), there or not: as the report counts them
        url.split("#")[0]
        for typst in converted.values()
        for m in _LINK.finditer(typst)
        if m.group(2) is not None and not ("://" in (url := _unquote(m.group(2))) or url.startswith(("#", "mailto:")))
    }
    fixer = Fixer(labels, base_path, root, attach=len(linked) <= outputs.PDF_ATTACHMENTS_MAX)
    out = {}
    for piece in pieces:
        typst = _TOKEN.sub(lambda m: equations[int(m.group(1))], fixer.fix(converted[piece]))
        # pandoc's tables are laid out by the template's nns-table (a show rule that rebuilt
        # them would nest a table in a table, which PDF/UA-1 rejects).
        out[piece] = re.sub(r"(?<![\w.])#table\(", "#nns-table(", typst)
    return out, fixer.attachments
