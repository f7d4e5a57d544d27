"""Tests of config: lab.toml is read as a whole, UTF-8 or a clear message, every key and type checked."""

import datetime as dt

import pytest

from nnsimple_lab import config
from nnsimple_lab.report import document

GRID = """[grid]
learning_rates = [0.5]
inits = ["random"]
losses = ["bce"]
dataset = "xor"
n_h = 2
iterations = 10
seed = 2
seeds = 2
"""


def write(tmp_path, cover, grid=GRID, encoding="utf-8"):
    path = tmp_path / "lab.toml"
    path.write_bytes((grid + "\n[cover]\n" + cover).encode(encoding))
    return path


def test_the_project_lab_toml_is_valid_and_complete():
    tables = config.read()
    assert set(tables) == {"grid", "cover"} and set(tables["grid"]) == set(config.GRID_KEYS)
    cover = config.cover(tables)
    assert set(cover) == set(config.COVER_KEYS) and cover["authors"]


@pytest.mark.parametrize(
    "cover, shown",
    [
        ('autores = ["Ana"]', "lab.toml [cover]: clave desconocida 'autores'. ¿Quiso decir authors? Claves válidas:"),
        ('titulo = "x"', "lab.toml [cover]: clave desconocida 'titulo'. ¿Quiso decir title?"),
        ('fecha = "hoy"', "lab.toml [cover]: clave desconocida 'fecha'. ¿Quiso decir date?"),
        ("title = {a = 1}", "lab.toml [cover] title: debe ser un texto entre comillas"),
        ("authors = [1, 2]", 'lab.toml [cover] authors[0]: debe ser un texto entre comillas ("…"); se encontró 1.'),
        ("authors = 3", "lab.toml [cover] authors: debe ser una lista de nombres"),
        ("date = 2026-11-29T10:00:00", "lab.toml [cover] date: debe ser un texto o una fecha"),
        ("subtitle = 1.50", 'lab.toml [cover] subtitle: debe ser un texto entre comillas ("…"); se encontró 1.50.'),
    ],
)
def test_a_bad_cover_is_refused_before_any_work_naming_lab_toml_and_the_key(tmp_path, cover, shown):
    with pytest.raises(config.ConfigError) as error:
        config.cover(config.read(write(tmp_path, cover)))
    assert str(error.value).startswith(shown)


def test_a_good_cover_is_what_the_report_shows(tmp_path):
    path = write(tmp_path, 'title = "  Laboratorio 2 "\nauthors = "Ana Pérez"\ndate = 2026-11-29\n')
    cover = config.cover(config.read(path))
    assert cover["title"] == "Laboratorio 2" and cover["authors"] == ["Ana Pérez"]
    assert cover["date"] == dt.date(2026, 11, 29) and cover["university"] == ""
    shown = document.load_cover(path)
    assert shown["date"] == "29 de noviembre de 2026" and shown["authors"] == ["Ana Pérez"]


def test_a_latin1_lab_toml_says_to_save_it_as_utf8(tmp_path):
    path = write(tmp_path, 'title = "Diseño"\n', encoding="latin-1")
    with pytest.raises(config.ConfigError) as error:
        config.read(path)
    line = GRID.count("\n") + 3
    assert str(error.value) == (
        f"lab.toml no está guardado en UTF-8 (byte 0xF1 en la línea {line}, quizá Latin-1 o Windows-1252): "
        "ábralo en su editor y guárdelo con la codificación UTF-8."
    )


def test_floats_remember_how_they_were_written(tmp_path):
    tables = config.read(write(tmp_path, "", grid=GRID.replace("[0.5]", "[1e-400, 0.50]")))
    rates = tables["grid"]["learning_rates"]
    assert rates == [0.0, 0.5] and [r.text for r in rates] == ["1e-400", "0.50"]


def test_closest_knows_spanish_names_and_typos():
    assert config.closest("semillas", config.GRID_KEYS) == "seeds"
    assert config.closest("learning_rate", config.GRID_KEYS) == "learning_rates"
    assert config.closest("iteration", config.GRID_KEYS) == "iterations"
    assert config.closest("zzz", config.GRID_KEYS) is None


@pytest.mark.parametrize(
    "text, shown",
    [
        ("[grid\n", "lab.toml no es TOML válido: falta el ] que cierra el nombre de la tabla (línea 1, columna 6)."),
        (
            "[cover]\ntitle = hola\n",
            "lab.toml no es TOML válido: un valor no es válido (¿un texto sin comillas?) (línea 2",
        ),
        (
            '[cover]\ntitle = "a"\ntitle = "b"\n',
            "lab.toml no es TOML válido: una clave tiene dos valores (está repetida)",
        ),
    ],
)
def test_toml_mistakes_are_explained_in_spanish_with_their_line(tmp_path, text, shown):
    path = tmp_path / "lab.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as error:
        config.read(path)
    assert str(error.value).startswith(shown)
