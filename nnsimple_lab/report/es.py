"""How the report writes things in Spanish: dates, numbers, lists, plurals, small counts in words.

One convention everywhere: costs with 4 decimals (``fmt_cost``), whole percentages ("85 %"),
learning rates as the grid writes them (``fmt_lr``), the decimal point as in Guatemala (0.5).
Nothing here ever prints ``nan``: a non-finite number is written "no finito".
"""

from __future__ import annotations

import math

import numpy as np

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
NUMBER_WORDS = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez")
NOT_FINITE = "no finito"


def spanish_date(day):
    """``date(2026, 11, 29)`` -> ``"29 de noviembre de 2026"``."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def finite(x):
    """True for a real, finite number (not None, nan or inf)."""
    return x is not None and isinstance(x, (int, float, np.number)) and math.isfinite(x)


def fmt_sci(x, digits=2, math_mode=True):
    """``2.0e-10`` -> ``"$2.0 \\times 10^{-10}$"`` (or ``"2.0 × 10^-10"`` without math)."""
    if not finite(x):
        return NOT_FINITE
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = x / 10**exponent
    if round(abs(mantissa), digits - 1) >= 10:  # 9.99e-5 rounds to 10.0: renormalise
        mantissa, exponent = mantissa / 10, exponent + 1
    if -2 <= exponent <= 1:  # 0.01 to 99: plain decimals are easier to read
        return f"{x:.{max(digits - 1 - exponent, 0)}f}"
    if math_mode:
        return f"${mantissa:.{digits - 1}f} \\times 10^{{{exponent}}}$"
    return f"{mantissa:.{digits - 1}f} × 10^{exponent}"


def fmt_cost(x):
    """A cost with 4 decimals (``0.6931``); below 0.001, scientific in math."""
    if not finite(x):
        return NOT_FINITE
    if x != 0 and abs(x) < 1e-3:
        return fmt_sci(x, digits=3)
    return f"{x:.4f}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt_cost_text(x):
    """``fmt_cost`` as plain text, for places without math (an alt text, a widget): ``9.58 × 10⁻⁴``."""
    text = fmt_cost(x)
    if not text.startswith("$"):
        return text
    mantissa, exponent = fmt_sci(x, digits=3, math_mode=False).split(" × 10^")
    return f"{mantissa} × 10{exponent.translate(_SUPERSCRIPT)}"


def fmt_value(x):
    """A parameter or output value: 4 decimals, ``-0.0000`` written as ``0.0000``.

    Values of 10 000 or more (a diverged run's weights) are written in scientific notation.
    """
    if not finite(x):
        return NOT_FINITE
    if abs(x) >= 1e4:
        return fmt_sci(x, digits=3)
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def fmt_int(n):
    """An integer count, no separators: ``1000``."""
    return str(int(n))


def fmt_pct(fraction):
    """A fraction as a whole percentage: ``0.85`` -> ``"85 %"``."""
    if not finite(fraction):
        return NOT_FINITE
    return f"{round(100 * fraction)} %"


def fmt_lr(learning_rate):
    """A learning rate as written in the grid: ``0.01``, ``0.5``, ``1.0``."""
    return repr(float(learning_rate))


def fmt_factor(x):
    """A ratio of two rates: ``5`` when whole, else one decimal (``2.5``)."""
    return fmt_int(x) if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def alpha(learning_rate):
    """The learning rate in math: ``$\\alpha = 0.5$``; ``$\\alpha = 1 \\times 10^{300}$`` when extreme."""
    text = fmt_lr(learning_rate)
    if "e" in text:  # repr's scientific form: 1e+300, 1e-05
        mantissa, exponent = text.split("e")
        mantissa = mantissa.removesuffix(".0")
        text = f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return f"$\\alpha = {text}$"


def param_tex(name):
    """A parameter's name in math: ``"W1"`` -> ``"W_1"``."""
    return f"{name[0]}_{name[1:]}" if len(name) > 1 else name


def join_es(items, conjunction="y"):
    """``["a", "b", "c"]`` -> ``"a, b y c"``; "y" becomes "e" before an /i/ sound."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    last = items[-1]
    word = conjunction
    if conjunction == "y" and last.lower().lstrip("$").startswith(("i", "hi")) and not last.lower().startswith("hie"):
        word = "e"
    return f"{', '.join(items[:-1])} {word} {last}"


def cap(text):
    """First letter upper case, the rest untouched (unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def number_word(n):
    """Small counts in words (``4`` -> ``"cuatro"``), larger ones in digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else fmt_int(n)


def plural(n, singular, plural_form=None):
    """``plural(1, "semilla")`` -> ``"1 semilla"``; ``plural(3, "semilla")`` -> ``"3 semillas"``."""
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"
