"""The text alternative of a formula: LaTeX as linear Unicode math, readable aloud and without markup.

    linear("\\frac{1}{1 + e^{-Z_2}}")          ->  "1/(1 + e^(−Z₂))"
    linear("J_{\\mathrm{BCE}} = -\\frac{1}{m}")  ->  "J_BCE = −1/m"
    linear("\\theta \\leftarrow \\theta - \\alpha\\, d\\theta")  ->  "θ ← θ − α dθ"

Both renderings give every formula this text (``alt:`` of a Typst equation, which PDF/UA-1
requires; ``alttext`` of the HTML's MathML), so a screen reader that cannot read the math
itself reads its linear form (close to UnicodeMath) instead of TeX commands. Unknown commands
lose their backslash; the result never holds one.
"""

from __future__ import annotations

import functools
import re

SYMBOLS = {
    **{name: chr(0x3B1 + i) for i, name in enumerate("alpha beta gamma delta epsilon zeta eta theta".split())},
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
    "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "varepsilon": "ε", "varphi": "φ", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "Pi": "Π",
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
    "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "subset": "⊂", "cap": "∩", "cup": "∪",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Longrightarrow": "⟹",
    "Leftarrow": "⇐", "iff": "⟺", "mapsto": "↦", "infty": "∞", "partial": "∂", "nabla": "∇",
    "sum": "∑", "prod": "∏", "int": "∫", "top": "⊤", "ldots": "…", "cdots": "⋯", "dots": "…",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "mid": "|", "%": "%",
    "{": "{", "}": "}", "_": "_", "$": "$", "#": "#", "&": "&", "lbrace": "{", "rbrace": "}",
    "ell": "ℓ", "langle": "⟨", "rangle": "⟩", "hat": "", "prime": "′", "circ": "∘", "forall": "∀", "exists": "∃",
}  # fmt: skip
BIG_OPERATORS = {"sum", "prod", "int"}
FUNCTIONS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min", "arg", "det", "lim"}
SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " "}
# Wrappers whose argument is kept as is: fonts, text, sizes; \left/\right and friends just go.
KEEP_ARGUMENT = {"mathrm", "mathbf", "mathit", "mathsf", "mathbb", "mathcal", "text", "textrm", "operatorname", "bm"}
DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits", "nonumber", "notag"}
SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
SUPERSCRIPTS = dict(zip("0123456789+-−=()inT⊤", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿᵀᵀ", strict=True))
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_&])|(\s+)|([^\\{}^_&\s])", re.S)


def _tokens(latex):
    """``[(kind, value)]``: kind "cmd" (name without backslash), "sym" ({ } ^ _ &), "space", "char"."""
    out = []
    for command, symbol, space, char in _TOKEN.findall(latex):
        if command:
            out.append(("cmd", command))
        elif symbol:
            out.append(("sym", symbol))
        elif space:
            out.append(("space", " "))
        else:
            out.append(("char", char))
    return out


class _Reader:
    """Reads a token list into linear text, one group or command at a time."""

    def __init__(self, tokens):
        self.tokens, self.i = tokens, 0

    def group(self):
        """The next argument as text: a ``{…}`` group, or a single token."""
        while self.i < len(self.tokens) and self.tokens[self.i][0] == "space":
            self.i += 1
        if self.i >= len(self.tokens):
            return ""
        kind, value = self.tokens[self.i]
        if (kind, value) == ("sym", "{"):
            self.i += 1
            return self.until_close()
        self.i += 1
        return self.atom(kind, value)

    def until_close(self):
        """Text up to the matching ``}`` (consumed)."""
        parts = []
        while self.i < len(self.tokens):
            kind, value = self.tokens[self.i]
            self.i += 1
            if (kind, value) == ("sym", "}"):
                break
            parts.append(self.atom(kind, value))
        return "".join(parts)

    def atom(self, kind, value):
        """The text of one token (reading the arguments it takes)."""
        if kind == "space":
            return " "
        if kind == "char":
            return "−" if value == "-" else value
        if kind == "sym":
            return self._symbol(value)
        return self._command(value)

    def _symbol(self, value):
        if value == "{":
            return self.until_close()
        if value in "^_":
            return _script(self.group(), SUPERSCRIPTS if value == "^" else SUBSCRIPTS, value)
        return "" if value in "}&" else value

    def _command(self, name):
        if name == "frac" or name == "dfrac" or name == "tfrac":
            return f"{_wrap(self.group())}/{_wrap(self.group())}"
        if name == "sqrt":
            return f"√{_wrap(self.group())}"
        if name == "mathbb":
            return "".join(DOUBLE_STRUCK.get(char, char) for char in self.group())
        if name in KEEP_ARGUMENT:
            return self.group()
        if name == "begin" or name == "end":
            self.group()  # the environment's name
            return ""
        if name == "\\":
            return "; "
        if name in DROP:
            return ""
        if name in SPACES:
            return SPACES[name]
        if name in FUNCTIONS:
            return f" {name} "
        if name in BIG_OPERATORS:
            return f" {SYMBOLS[name]}"
        return SYMBOLS.get(name, name)


def _wrap(text):
    """``text`` in parentheses unless it is one symbol, a name or a number."""
    text = text.strip()
    atom = len(text) == 1 or re.fullmatch(r"[\w.′]+|\(.*\)|\[.*\]", text)
    return text if atom and not _has_top_level_operator(text) else f"({text})"


def _has_top_level_operator(text):
    depth = 0
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and char in "+−-=/·× ":
            return True
    return False


def _script(text, table, mark):
    """A sub- or superscript: Unicode small characters when every one has one, else ``_(…)``."""
    text = text.strip()
    if text and all(char in table for char in text):
        return "".join(table[char] for char in text)
    return f"{mark}{_wrap(text)}"


@functools.lru_cache(maxsize=4096)
def linear(latex):
    """The linear Unicode text of one formula (see the module's docstring); never empty."""
    reader = _Reader(_tokens(latex))
    parts = []
    while reader.i < len(reader.tokens):
        kind, value = reader.tokens[reader.i]
        reader.i += 1
        parts.append(reader.atom(kind, value))
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    text = re.sub(r"\s+([,.;)\]}])", r"\1", text)
    text = re.sub(r"([(\[{])\s+", r"\1", text)
    text = re.sub(rf"\b({'|'.join(FUNCTIONS)}) (?=\()", r"\1", text)  # tanh(Z₁), not tanh (Z₁)
    return text.replace("\\", "") or "fórmula"
