"""Math in markdown: finding it the way pandoc does, numbered equations, and MathML for the HTML.

``scan_math`` and ``protect`` are shared by both formats: each formula becomes a token that
markdown leaves alone, and each format puts its own math where the tokens are (MathML in the
HTML, ``substitute``; a Typst equation with its alt text in the PDF), so that both agree on what
is math. A display formula with ``\\tag{N}`` is equation N (``equation_number``): both formats
number it "(N)" at the right and give it the id ``xref.equation_id(N)``.
"""

from __future__ import annotations

import functools
import html
import re
import sys

from nnsimple_lab.render import xref
from nnsimple_lab.render.mathalt import linear

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MATH_ENV = re.compile(r"\\begin\{(equation|align|gather|multline|eqnarray)(\*?)\}(.*?)\\end\{\1\2\}", re.S)
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_ENV_AS = {"equation": None, "multline": "gathered", "gather": "gathered", "align": "aligned", "eqnarray": "aligned"}


def _environment_latex(match):
    """``\\begin{align}…`` outside dollars -> the display-math LaTeX both routes understand."""
    name, body = match.group(1), match.group(3)
    body = re.sub(r"\\(label|tag)\{[^}]*\}|\\nonumber|\\notag", "", body).strip()
    target = _ENV_AS[name]
    return body if target is None else f"\\begin{{{target}}}{body}\\end{{{target}}}"


def _close_inline(text, start):
    """Index of the ``$`` closing inline math opened just before ``start``, or -1 (pandoc's rule)."""
    i, n = start, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "\n" and text[i + 1 : i + 2] == "\n":
            return -1
        if char == "$":
            if i > start and not text[i - 1].isspace() and not text[i + 1 : i + 2].isdigit():
                return i
            if i == start:
                return -1
        i += 1
    return -1


def _close_display(text, start):
    """Index of the ``$$`` closing display math opened just before ``start``, or -1 (no blank line)."""
    i, n = start, len(text)
    while i < n - 1:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "$" and text[i + 1] == "$":
            return i
        if text[i] == "\n" and text[i + 1 :].lstrip(" \t").startswith("\n"):
            return -1
        i += 1
    return -1


def _at_backslash(text, i, on_math):
    """A math environment, or an escaped character, starting at ``text[i] == "\\"``."""
    match = _MATH_ENV.match(text, i)
    if match:
        return on_math(_environment_latex(match), True), match.end()
    return text[i : i + 2], i + 2


def _at_backtick(text, i, on_math):
    """A code span (its closing run of as many backticks) starting at ``text[i] == "`"``: kept."""
    j = i
    while j < len(text) and text[j] == "`":
        j += 1
    close = re.compile(rf"(?<!`){text[i:j]}(?!`)").search(text, j)
    end = close.end() if close else j
    return text[i:end], end


def _at_dollar(text, i, on_math):
    """Display or inline math starting at ``text[i] == "$"``, or the dollar(s) escaped."""
    if text.startswith("$$", i):
        end = _close_display(text, i + 2)
        if end != -1 and text[i + 2 : end].strip():
            return on_math(text[i + 2 : end].strip(), True), end + 2
        return "\\$\\$", i + 2
    if i + 1 < len(text) and not text[i + 1].isspace():
        end = _close_inline(text, i + 1)
        if end != -1:
            return on_math(text[i + 1 : end], False), end + 1
    return "\\$", i + 1


_AT = {"\\": _at_backslash, "`": _at_backtick, "$": _at_dollar}


def _scan_text(text, on_math):
    """Replace the math of a stretch of markdown without fenced code (see ``scan_math``)."""
    out, i, n = [], 0, len(text)
    while i < n:
        char = text[i]
        if char in _AT:
            piece, i = _AT[char](text, i, on_math)
            out.append(piece)
            continue
        if char == " " and text[i + 1 : i + 2] == "%" and out and out[-1][-1:].isdigit():
            char = "\u00a0"  # "100 %" never splits across lines
        out.append(char)
        i += 1
    return "".join(out)


def scan_math(markdown, on_math):
    """Return ``markdown`` with each math span replaced by ``on_math(latex, display)``.

    Math: ``$…$`` by pandoc's rule (no space after the opening ``$``, none before the closing
    one, no digit after it), ``$$…$$`` and bare ``\\begin{align}``-like environments (these
    become ``aligned``/``gathered``). Code spans and fenced code blocks are left alone;
    a ``$`` that opens no math comes back escaped (``\\$``), so no later stage pairs it, and
    the space of "100 %" outside code and math comes back non-breaking.
    """
    out, prose, fence = [], [], None
    for line in markdown.splitlines(keepends=True):
        if fence is None:
            match = _FENCE_OPEN.match(line)
            if match:
                out.append(_scan_text("".join(prose), on_math))
                prose, fence = [], match.group(1)
                out.append(line)
            else:
                prose.append(line)
            continue
        out.append(line)
        stripped = line.strip()
        if stripped.startswith(fence) and set(stripped) == {fence[0]}:
            fence = None
    out.append(_scan_text("".join(prose), on_math))
    return "".join(out)


def equation_number(latex):
    """``(latex without its \\tag, the tag's text or None)``: ``"a = b \\tag{2}"`` -> ``("a = b", "2")``."""
    match = _TAG.search(latex)
    if match is None:
        return latex, None
    return (latex[: match.start()] + latex[match.end() :]).strip(), match.group(1).strip()


def equation_numbers(markdown):
    """The ``\\tag`` numbers of the display formulas of ``markdown``, in order."""
    found = []

    def on_math(latex, display):
        number = equation_number(latex)[1] if display else None
        if number:
            found.append(number)
        return ""

    scan_math(markdown, on_math)
    return found


# ---------------------------------------------------------------- MathML

# What latex2mathml does not know, said in what it does.
_MATHML_FIXES = (
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{split}"),
    (re.compile(r"\\begin\{gathered\}"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{gathered\}"), r"\\end{array}"),
)
_MATHML_FUNCTION = re.compile(
    r"<mi>(log|ln|lg|exp|sin|cos|tan|cot|sec|csc|sinh|cosh|tanh|coth|arcsin|arccos|arctan|det|dim|ker|deg|arg|Pr)</mi>"
)


@functools.lru_cache(maxsize=4096)
def latex_to_mathml(latex, display=False):
    """MathML for one formula (latex2mathml), or a visible TeX fallback if it cannot convert."""
    import latex2mathml.converter

    source = latex
    for pattern, replacement in _MATHML_FIXES:
        source = pattern.sub(replacement, source)
    try:
        mathml = latex2mathml.converter.convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many exception types
        print(f"aviso: no se pudo convertir a MathML la fórmula {latex!r}: {error}", file=sys.stderr)
        return f'<code class="tex">{html.escape(latex)}</code>'
    mathml = mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)
    # What a screen reader says if it cannot read the MathML itself.
    mathml = re.sub(r"^<math([^>]*)>", lambda m: f'<math{m.group(1)} alttext="{html.escape(linear(latex))}">', mathml)
    # \\log, \\tanh...: marked so that the CSS gives them TeX's thin spaces (latex2mathml gives none).
    return _MATHML_FUNCTION.sub(r'<mi class="fn">\1</mi>', mathml)


# ---------------------------------------------------------------- placeholders in the HTML

_TOKEN = "MATHPH{}X"
_TOKEN_RE = re.compile(r"MATHPH(\d+)X")
# The text right after a math token, up to a space, a tag or another token.
_GLUED_AFTER = re.compile(r"(?:(?!MATHPH\d+X)[^\s<>])*")


def protect(markdown, math):
    """``markdown`` with each formula replaced by a token that markdown leaves alone.

    ``math``: the document's list of ``(latex, display)``, extended here; token ``k`` stands for
    ``math[k]``, so one list serves every piece of markdown of a document.
    """

    def on_math(latex, display):
        math.append((latex, display))
        return _TOKEN.format(len(math) - 1)

    return scan_math(markdown, on_math)


def numbered_mathml(latex):
    """MathML of a display formula; with ``\\tag{N}``, in a box with the id of equation N and "(N)" at its right."""
    latex, number = equation_number(latex)
    mathml = latex_to_mathml(latex, True)
    if number is None:
        return mathml
    return (
        f'<span class="ecuacion numerada" id="{xref.equation_id(number)}">{mathml}'
        f'<span class="numero-ecuacion">({html.escape(number)})</span></span>'
    )


def substitute(document, math):
    """The HTML ``document`` with MathML where its tokens are (the formula's linear text in attribute values).

    Inline math and the text touching it ("(", ")," ...) go in a ``junto`` span (never split
    there); display math alone in a paragraph becomes a block of its own.
    """
    if "MATHPH" not in document:  # no token: the page's tags are not scanned for one
        return _as_blocks(document)

    def in_tag(match):  # a token inside a tag is in an attribute value (alt, id, href)
        return _TOKEN_RE.sub(
            lambda m: html.escape(linear(equation_number(math[int(m.group(1))][0])[0])), match.group(0)
        )

    document = re.sub(r"<[^<>]*MATHPH\d+X[^<>]*>", in_tag, document)
    return _as_blocks(_with_mathml(document, math))


def _with_mathml(document, math):
    """``document`` with each token replaced by its MathML, inline math glued to its neighbours."""
    out, position = [], 0
    for match in _TOKEN_RE.finditer(document):
        start, end = match.span()
        latex, display = math[int(match.group(1))]
        mathml = numbered_mathml(latex) if display else latex_to_mathml(latex, display)
        before = start
        while before > position and document[before - 1] not in " \t\n<>":
            before -= 1
        after = _GLUED_AFTER.match(document, end).end()
        out.append(document[position:before])
        if display or (before == start and after == end):
            out.append(document[before:start] + mathml + document[end:after])
        else:
            out.append(f'<span class="junto">{document[before:start]}{mathml}{document[end:after]}</span>')
        position = after
    out.append(document[position:])
    return "".join(out)


def _as_blocks(document):
    """Display math alone in a paragraph (numbered or not) as a block of its own."""
    document = re.sub(
        r'<p>\s*(<math display="block"[^>]*>.*?</math>)\s*</p>',
        r'<div class="ecuacion">\1</div>',
        document,
        flags=re.S,
    )
    return re.sub(
        r'<p>\s*<span class="ecuacion numerada" (id="[^"]*")>(.*?</span>)</span>\s*</p>',
        r'<div class="ecuacion numerada" \1>\2</div>',
        document,
        flags=re.S,
    )
