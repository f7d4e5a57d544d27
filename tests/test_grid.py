"""Tests of grid: lab.toml is the one default, every value is validated, the grid expands to runs."""

import argparse

import pytest

from nnsimple_lab import cache, cli, grid
from nnsimple_lab.grid import Grid, SweepInputError

VALUES = {
    "learning_rates": ["0.5", 1e-2],
    "inits": "random",
    "losses": ["bce", "mse"],
    "dataset": "and",
    "n_h": "3",
    "iterations": 10,
    "seed": 0,
    "seeds": " 4 ",
}


def test_default_grid_is_lab_toml():
    default = grid.load_grid()
    assert default == Grid((0.01, 0.1, 0.5), ("zeros", "random"), ("bce", "mse"), "xor", 2, 1000, 2, 20)
    assert len(cache.plan(default)) == 12


def test_values_as_typed_become_a_grid():
    made = grid.make_grid(VALUES)
    assert made == Grid((0.5, 0.01), ("random",), ("bce", "mse"), "and", 3, 10, 0, 4)
    assert made.as_dict()["learning_rates"] == [0.5, 0.01] and made.as_dict()["n_h"] == 3


@pytest.mark.parametrize(
    "change, shown",
    [
        ({"learning_rates": []}, "--lr: se necesita al menos un valor."),
        ({"learning_rates": ["0.1", "1e-1"]}, "--lr: el valor 1e-1 está repetido (es igual a 0.1)"),
        ({"inits": ["he"]}, "--init: Método de inicialización desconocido: 'he'"),
        ({"losses": ["bce", "bce"]}, "--loss: el valor bce está repetido;"),
        ({"dataset": "xnor"}, "--dataset: Conjunto de datos desconocido"),
        ({"n_h": 0}, "--n-h: valor inválido 0; debe ser un entero mayor o igual que 1."),
        ({"seed": -1}, "--seed: valor inválido -1; debe ser un entero mayor o igual que 0."),
        ({"seeds": True}, "--seeds: valor inválido True"),
        ({"iterations": 2.5}, "--iterations: valor inválido 2.5"),
        ({"hidden": 3}, "hidden: clave desconocida 'hidden'. Claves válidas: dataset, inits,"),
    ],
)
def test_a_bad_value_names_its_flag(change, shown):
    with pytest.raises(SweepInputError) as error:
        grid.make_grid({**VALUES, **change})
    assert str(error.value).startswith(shown)


def test_a_missing_value_is_an_error_not_a_default():
    values = {k: v for k, v in VALUES.items() if k != "seed"}
    with pytest.raises(SweepInputError, match=r"^--seed: falta el valor\. La rejilla necesita: learning_rates,"):
        grid.make_grid(values)


def write_config(tmp_path, grid_table):
    path = tmp_path / "lab.toml"
    path.write_text("[grid]\n" + grid_table + '\n[cover]\ntitle = "x"\n', encoding="utf-8")
    return path


def test_lab_toml_errors_name_the_file_and_key(tmp_path):
    table = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in VALUES.items() if k != "inits")
    path = write_config(tmp_path, table + '\ninits = ["zeros", "zero"]')
    with pytest.raises(SweepInputError, match=r"^lab.toml \[grid\] inits: .*¿Quiso decir 'zeros'\?"):
        grid.load_grid(path)
    assert grid.load_grid(path, inits=["random"]).inits == ("random",)  # the command line wins
    with pytest.raises(SweepInputError, match=r"^--init: "):
        grid.load_grid(path, inits=["he"])
    path = write_config(tmp_path, table.replace("seeds =", "semillas ="))
    with pytest.raises(SweepInputError, match=r"^lab.toml \[grid\] semillas: clave desconocida 'semillas'"):
        grid.load_grid(path)


@pytest.mark.parametrize(
    "text, shown",
    [
        (None, "No existe el archivo de configuración"),
        ("[grid\n", "lab.toml no es TOML válido: "),
        ("grid = 3\n", "lab.toml: [grid] debe ser una tabla."),
        ("[cover]\n", "lab.toml [grid] learning_rates: falta el valor."),
    ],
)
def test_an_unreadable_lab_toml_is_a_spanish_error(text, shown, tmp_path):
    path = tmp_path / "lab.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(SweepInputError) as error:
        grid.load_grid(path)
    assert str(error.value).startswith(shown)


def test_expand_gives_readable_ids_in_grid_order():
    made = grid.make_grid({**VALUES, "learning_rates": [0.5, 1], "inits": ["zeros", "random"], "losses": ["mse"]})
    expanded = grid.expand(made)
    assert [run for run, _ in expanded] == [
        "lr0.5-zeros-mse",
        "lr0.5-random-mse",
        "lr1.0-zeros-mse",
        "lr1.0-random-mse",
    ]
    assert expanded[1][1] == {
        "learning_rate": 0.5,
        "init": "random",
        "loss": "mse",
        "dataset": "and",
        "n_h": 3,
        "iterations": 10,
        "seed": 0,
        "seeds": 4,
    }


def parse(argv):
    parser = cli.parser("prueba", "")
    grid.add_arguments(parser, grid.load_grid())
    return parser.parse_args(argv)


def test_every_grid_key_has_a_command_line_option():
    args = parse(["--lr", "0.5", "--n-h", "4", "--seed", "9", "--dataset", "or", "--jobs", "2"])
    made, jobs = grid.from_args(args)
    assert (made.learning_rates, made.n_h, made.seed, made.dataset, jobs) == ((0.5,), 4, 9, "or", 2)
    assert made.inits == grid.load_grid().inits  # the rest from lab.toml
    assert set(grid.FLAGS) == set(grid.KEYS)
    assert grid.from_args(parse([]))[1] is None  # jobs: one per core, decided by the pool
    with pytest.raises(SweepInputError, match=r"^--jobs: valor inválido 0"):
        grid.from_args(parse(["--jobs", "0"]))


def test_the_help_shows_lab_toml_defaults():
    parser = cli.parser("prueba", "")
    defaults = grid.make_grid(VALUES)
    grid.add_arguments(parser, defaults)
    text = " ".join(parser.format_help().split())  # without argparse's line breaks
    for shown in ("por defecto: 0.5 0.01", "por defecto: random", "--n-h N", "por defecto: 3", "--seed S"):
        assert shown in text
    assert isinstance(parser.parse_args([]), argparse.Namespace)


def test_as_int_reads_what_was_typed():
    assert grid.as_int(" 7 ", 1, "--x") == 7
    with pytest.raises(SweepInputError, match=r"^--x: valor inválido '7.5'; debe ser un entero mayor o igual que 1\."):
        grid.as_int("7.5", 1, "--x")
