"""Cross-references: the numbered items of a document, and every mention of one as a link to it.

The report numbers its own items: a caption "Figura 3: …", a title "Tabla 5: …", a listing's
"Listado 2: …", and a display formula with ``\\tag{4}`` is "Ecuación (4)". Here each numbered
item gets an id (``figura-3``, ``tabla-5``, ``listado-2``, ``ecuacion-4``: the HTML's ``id`` and
the PDF's label), and every mention of one in the text ("la Figura 3", "las Tablas 2 y 3",
"la Ecuación (4)") becomes a markdown link to it, whatever the prose says. A mention of an
item that does not exist stays plain text; code, math and existing links are never touched.

    caption_id("Figura 3: Costo por iteración.")             ->  "figura-3"
    link_references("Ver la Figura 3.", {"figura-3"})         ->  "Ver la [Figura 3](#figura-3)."
"""

from __future__ import annotations

import re

# What a caption starts with -> the id's prefix.
KINDS = {"Figura": "figura", "Tabla": "tabla", "Listado": "listado"}
EQUATION = "ecuacion"
NBSP = "\u00a0"  # "Figura 3" never splits across two lines
_CAPTION = re.compile(r"^\s*(Figura|Tabla|Listado)\s+(\d+)\s*[:.]")
# What is left alone: fenced and inline code, math, links, HTML tags.
_SKIP = re.compile(
    r"(^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\2[`~]*[ \t]*$"
    r"|`+[^`]*`+"
    r"|(?<!\\)\$\$.*?(?<!\\)\$\$|(?<!\\)\$[^$\n]*(?<!\\)\$"
    r"|!?\[[^\]]*\]\([^)]*\)|\[[^\]]*\]\[[^\]]*\]"
    r"|<a\b.*?</a>|<[^>\n]+>)",
    re.S | re.M,
)
_NUMBER_LIST = r"(\d+)((?:\s*,\s*\d+)*)((?:\s+(?:y|e|o|u|a)\s+\d+)?)"
_MENTION = re.compile(rf"\b(Figura|Tabla|Listado|Figuras|Tablas|Listados)\s+{_NUMBER_LIST}\b", re.I)
_EQUATION = re.compile(
    r"\b(Ecuaci[oó]n|Ecuaciones)\s+\((\d+)\)((?:\s*,\s*\(\d+\))*)((?:\s+(?:y|e|o|u|a)\s+\(\d+\))?)", re.I
)


def caption_id(caption):
    """The id of the item a caption numbers ("Figura 3: …" -> ``figura-3``), or None."""
    match = _CAPTION.match(caption or "")
    return f"{KINDS[match.group(1)]}-{match.group(2)}" if match else None


def caption_prefix(caption):
    """``(the numbering prefix "Figura 3:", the rest)`` of a caption; ``("", caption)`` without one."""
    match = _CAPTION.match(caption or "")
    return (caption[: match.end()], caption[match.end() :]) if match else ("", caption)


def equation_id(number):
    """The id of equation ``number`` ("4" -> ``ecuacion-4``)."""
    return f"{EQUATION}-{number}"


def _kind_prefix(word):
    """``"Figuras"``/``"figura"`` -> ``"figura"``; ``"Ecuaciones"`` -> ``"ecuacion"``."""
    word = word.lower()
    if word.startswith("ecuaci"):
        return EQUATION
    return word[:-1] if word.endswith("s") else word


def _link(text, target, targets):
    """``[text](#target)`` (spaces non-breaking) if ``target`` exists, else ``text``."""
    return f"[{text.replace(' ', NBSP)}](#{target})" if target in targets else text


def _link_numbers(match, targets, wrap):
    """The links of one mention: the kind word with the first number, then each further number."""
    kind = _kind_prefix(match.group(1))
    first = match.group(2)
    head = match.end(2) - match.start(0) + len(wrap("")) // 2  # past the first number (and its ")")
    out = [_link(f"{match.group(1)} {wrap(first)}", f"{kind}-{first}", targets)]
    rest = match.group(0)[head:]
    # Each further number of "…, 4 y 5" on its own.
    out.append(re.sub(r"\(?(\d+)\)?", lambda m: _link(m.group(0), f"{kind}-{m.group(1)}", targets), rest))
    return "".join(out)


def _link_text(text, targets):
    """Links in a stretch of plain text (no code, math or links in it)."""
    text = _EQUATION.sub(lambda m: _link_numbers(m, targets, lambda n: f"({n})"), text)
    return _MENTION.sub(lambda m: _link_numbers(m, targets, str), text)


def link_references(markdown, targets):
    """``markdown`` with every mention of an item of ``targets`` (a set of ids) made a link to it."""
    if not targets or not markdown:
        return markdown
    out, position = [], 0
    for match in _SKIP.finditer(markdown):
        out.append(_link_text(markdown[position : match.start()], targets))
        out.append(match.group(0))
        position = match.end()
    out.append(_link_text(markdown[position:], targets))
    return "".join(out)


def link_caption(caption, targets):
    """A caption with its mentions of other items linked; its own "Figura 3:" prefix stays text."""
    prefix, rest = caption_prefix(caption)
    return prefix + link_references(rest, targets)
