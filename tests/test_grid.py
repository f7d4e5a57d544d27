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
        ({"learning_rates": []}, "learning_rates: se necesita al menos un valor"),
        ({"learning_rates": ["0.1", "1e-1"]}, "learning_rates: el valor 1e-1 está repetido (es igual a 0.1)"),
        ({"inits": ["he"]}, "inits: Método de inicialización desconocido: 'he'"),
        ({"losses": ["bce", "bce"]}, "losses: el valor bce está repetido;"),
        ({"losses": ["hinge"]}, "losses: Función de costo desconocida: 'hinge'"),
        ({"dataset": "xnor"}, "dataset: Conjunto de datos desconocido"),
        ({"n_h": 0}, "n_h: valor inválido 0; debe ser un entero mayor o igual que 1."),
        ({"seed": -1}, "seed: valor inválido -1; debe ser un entero mayor o igual que 0."),
        ({"seeds": True}, "seeds: valor inválido True"),
        ({"iterations": 2.5}, "iterations: valor inválido 2.5"),
        ({"hidden": 3}, "hidden: clave desconocida 'hidden'. Claves válidas: learning_rates, inits,"),
        ({"learning_rate": [0.5]}, "learning_rate: clave desconocida 'learning_rate'. ¿Quiso decir learning_rates?"),
    ],
)
def test_a_bad_value_given_in_code_names_its_key(change, shown):
    with pytest.raises(SweepInputError) as error:
        grid.make_grid({**VALUES, **change})
    assert str(error.value).startswith(shown)


def test_a_missing_value_is_an_error_not_a_default():
    values = {k: v for k, v in VALUES.items() if k != "seed"}
    with pytest.raises(SweepInputError, match=r"^falta la clave seed\. La rejilla necesita: learning_rates,"):
        grid.make_grid(values)


@pytest.mark.parametrize(
    "typed, shown",
    [
        (
            ["1,5"],
            "--lr: tasa de aprendizaje inválida: 1,5 no es un número. Si es un decimal, use punto: 1.5; "
            "si son dos valores, sepárelos así: --lr 1 5.",
        ),
        (
            ["0.1,0.5"],
            "--lr: tasa de aprendizaje inválida: 0.1,0.5 no es un número. Para dar varios valores, "
            "sepárelos así: --lr 0.1 0.5.",
        ),
        (["1e-400"], "--lr: tasa de aprendizaje inválida: 1e-400; es tan pequeña que en coma flotante vale 0;"),
        (["1e400"], "--lr: tasa de aprendizaje inválida: 1e400; es tan grande que en coma flotante es infinita;"),
        (["0"], "--lr: tasa de aprendizaje inválida: 0; debe ser un número finito mayor que 0"),
        (["-0.5"], "--lr: tasa de aprendizaje inválida: -0.5; debe ser"),
    ],
)
def test_a_bad_rate_is_shown_as_typed_with_a_hint(typed, shown):
    with pytest.raises(SweepInputError) as error:
        grid.load_grid(learning_rates=typed)
    assert str(error.value).startswith(shown)


def test_under_make_messages_name_the_variable_the_user_typed(monkeypatch):
    monkeypatch.setenv(cli.MAKE_VARIABLE, "make report")
    with pytest.raises(SweepInputError) as error:
        grid.load_grid(learning_rates=["0.1,0.5"])
    assert str(error.value) == (
        "LR: tasa de aprendizaje inválida: 0.1,0.5 no es un número. "
        'Para dar varios valores, sepárelos así: LR="0.1 0.5".'
    )
    with pytest.raises(SweepInputError, match=r"^ITERATIONS: valor inválido 1e3; .* Escríbalo como entero: 1000\.$"):
        grid.load_grid(iterations="1e3")
    assert "--" not in str(error.value)


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
    path = write_config(tmp_path, table.replace("seeds =", "semillas =") + '\ninits = ["zeros"]')
    with pytest.raises(
        SweepInputError, match=r"^lab.toml \[grid\]: clave desconocida 'semillas'. ¿Quiso decir seeds\?"
    ):
        grid.load_grid(path)


@pytest.mark.parametrize(
    "table, shown",
    [
        (
            "learning_rates = []",
            "lab.toml [grid] learning_rates: se necesita al menos un valor, por ejemplo learning_rates = [0.5].",
        ),
        ("learning_rates = 1e-400", "lab.toml [grid] learning_rates: tasa de aprendizaje inválida: 1e-400; es tan"),
        (
            'learning_rates = "0.1,0.5"',
            "lab.toml [grid] learning_rates: tasa de aprendizaje inválida: 0.1,0.5 no es "
            "un número. Para dar varios valores, sepárelos así: learning_rates = [0.1, 0.5].",
        ),
        (
            "iterations = 1e3",
            "lab.toml [grid] iterations: valor inválido 1e3; debe ser un entero mayor o igual "
            "que 1. Escríbalo como entero: 1000.",
        ),
    ],
)
def test_a_bad_lab_toml_value_is_shown_as_written_never_as_a_flag(tmp_path, table, shown):
    lines = {k: f"{k} = {v!r}".replace("'", '"') for k, v in {**VALUES, "inits": ["zeros"]}.items()}
    lines[table.split(" =")[0]] = table
    with pytest.raises(SweepInputError) as error:
        grid.load_grid(write_config(tmp_path, "\n".join(lines.values())))
    assert str(error.value).startswith(shown) and "--" not in str(error.value)


def test_a_missing_lab_toml_key_names_lab_toml_not_a_flag(tmp_path):
    lines = [
        f"{k} = {v!r}".replace("'", '"') for k, v in {**VALUES, "inits": ["zeros"]}.items() if k != "learning_rates"
    ]
    with pytest.raises(SweepInputError) as error:
        grid.load_grid(write_config(tmp_path, "\n".join(lines)))
    assert str(error.value).startswith("lab.toml [grid]: falta la clave learning_rates.")
    assert "--lr" not in str(error.value)


@pytest.mark.parametrize(
    "text, shown",
    [
        (None, "No existe el archivo de configuración"),
        ("[grid\n", "lab.toml no es TOML válido: "),
        ("grid = 3\n", "lab.toml: grid debe ser una tabla, [grid], con sus claves debajo."),
        ("[cover]\n", "lab.toml [grid]: falta la clave learning_rates."),
        ("[rejilla]\n", "lab.toml: tabla desconocida [rejilla]. ¿Quiso decir [grid]?"),
        ('[cover]\nautores = ["Ana"]\n', "lab.toml [cover]: clave desconocida 'autores'. ¿Quiso decir authors?"),
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
    with pytest.raises(SweepInputError, match=r"^--x: valor inválido 7.5; debe ser un entero mayor o igual que 1\."):
        grid.as_int("7.5", 1, "--x")
