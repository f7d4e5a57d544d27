"""Tests of render.xref: numbered items get ids, and every mention of one becomes a link to it."""

import pytest

from nnsimple_lab.render import xref

TARGETS = {"figura-1", "figura-2", "figura-3", "tabla-3", "listado-1", "ecuacion-1", "ecuacion-2"}
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("caption", "target"),
    [
        ("Figura 3: Costo por iteración.", "figura-3"),
        ("Tabla 12: Todas las ejecuciones.", "tabla-12"),
        ("Listado 2. La retropropagación.", "listado-2"),
        ("BCE y su gradiente.", None),
        ("", None),
    ],
)
def test_a_caption_names_its_item(caption, target):
    assert xref.caption_id(caption) == target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ver la Figura 1.", f"Ver la [Figura{NBSP}1](#figura-1)."),
        ("la tabla 3 y el Listado 1", f"la [tabla{NBSP}3](#tabla-3) y el [Listado{NBSP}1](#listado-1)"),
        ("las Figuras 1, 2 y 3", f"las [Figuras{NBSP}1](#figura-1), [2](#figura-2) y [3](#figura-3)"),
        ("la Ecuación (1) y las Ecuaciones (1) y (2)", f"la [Ecuación{NBSP}(1)](#ecuacion-1) y las "
         f"[Ecuaciones{NBSP}(1)](#ecuacion-1) y [(2)](#ecuacion-2)"),
        ("la\nFigura\n2.", f"la\n[Figura{NBSP}2](#figura-2)."),
        ("la Figura 9 no existe", "la Figura 9 no existe"),
    ],
)  # fmt: skip
def test_every_mention_of_an_existing_item_is_a_link(text, expected):
    assert xref.link_references(text, TARGETS) == expected


def test_code_math_links_and_tags_are_left_alone():
    text = "`Figura 1` y $\\text{Figura 2}$ y [Figura 3](#otra) y <a href='#x'>Tabla 3</a>\n```\nFigura 1\n```\n"
    assert xref.link_references(text, TARGETS) == text


def test_a_caption_links_the_others_but_not_itself():
    assert xref.link_caption("Figura 2: como la Figura 1.", TARGETS) == f"Figura 2: como la [Figura{NBSP}1](#figura-1)."
    assert xref.caption_prefix("Tabla 3: Resultados.") == ("Tabla 3:", " Resultados.")
