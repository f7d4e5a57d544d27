"""Stand-in for ``outputs.py`` (branch ``render``) until it is merged: the same five calls.

Only the report's tests put this folder on the kernel's path, and only when the real
``outputs`` module is not in the repository. Each call displays one output whose metadata
carries ``{"nnsimple": {"kind": ...}}``, like the real module's.
"""

import base64
import io

from IPython.display import display


def _publish(data, kind, **extra):
    display(data, raw=True, metadata={"nnsimple": {"kind": kind, **extra}})


def show_cover(cover):
    lines = [cover["university"], cover["faculty"], cover["course"], cover["title"], cover["subtitle"]]
    lines += [*cover["authors"], cover["date"]]
    _publish({"text/markdown": "  \n".join(lines), "text/plain": cover["title"]}, "cover")


def show_figure(fig, caption):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    data = {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": caption}
    _publish(data, "figure", caption=caption)


def show_table(markdown, title):
    _publish({"text/markdown": markdown.strip() + "\n"}, "table", title=title)


def show_markdown(text):
    if not text.strip():
        raise ValueError("El texto debe ser un texto no vacío.")
    _publish({"text/markdown": text}, "prose")


def show_code(source, caption=None):
    extra = {} if caption is None else {"caption": caption}
    _publish({"text/markdown": f"```python\n{source.rstrip()}\n```\n"}, "code", **extra)
