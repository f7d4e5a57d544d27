"""Tests of report.tables: pipe-markdown tables, the rows the questions share, setup and annex."""

import pytest

import nnsimple as nn
from nnsimple_lab.report import runs as run_view
from nnsimple_lab.report import tables
from tests.runsfolder import write_runs_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """BCE and MSE at two rates; lr0.5-zeros-bce failed, lr10.0-zeros-mse damaged, lr10.0-random-bce diverges."""
    folder = tmp_path_factory.mktemp("runs")
    grid = write_runs_folder(
        folder,
        learning_rates=(0.5, 10.0),
        iterations=120,
        seeds=3,
        failed=("lr0.5-zeros-bce",),
        damaged=("lr10.0-zeros-mse",),
    )["grid"]
    return run_view.load(folder), grid


def test_markdown_table_escapes_pipes():
    table = tables.markdown_table(["a", "b"], [["x|y", "1\n2"]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | 1 2 |"]


def test_summary_row_reads_the_main_run_and_the_seeds(folder):
    runs, _ = folder
    run = run_view.find(runs, 0.5, "random", "bce")
    record = run.record
    cells = tables.summary_row(run, link_base="runs")
    assert cells[0] == "[lr0.5-random-bce](runs/lr0.5-random-bce.html)"
    assert cells[1] == "0.5" and cells[2] == f"{record.final_cost:.4f}"
    solved = record.iterations_to_solve
    assert cells[4] == (str(solved) if solved is not None else "no alcanza 100 %")
    assert cells[5] == f"{record.seeds.n_solved}/3"
    failed = tables.summary_row(run_view.find(runs, 0.5, "zeros", "bce"))
    assert failed[2].startswith("ejecución fallida: RuntimeError") and failed[3:] == ["—"] * 4
    assert "divergió" in tables.summary_row(run_view.find(runs, 10.0, "random", "bce"))[2]


def test_runs_table_names_every_run_from_the_vocabulary(folder):
    runs, _ = folder
    table = tables.runs_table(runs)
    assert table.count("ejecución fallida") == 2
    assert "[lr0.5-zeros-bce](runs/lr0.5-zeros-bce.failed.html)" in table
    assert "| 0.5 | ceros | MSE |" in table and "| 10.0 | aleatoria | BCE |" in table
    assert "divergió" in table


def test_setup_table_states_the_grid_and_the_versions(folder):
    runs, grid = folder
    rows = dict(line.strip("|").split(" | ", 1) for line in tables.setup_table(runs, grid).splitlines()[2:])
    rows = {k.strip(): v.strip() for k, v in rows.items()}
    assert rows["Conjunto de datos"] == "XOR"
    assert rows["Tasas de aprendizaje $\\alpha$"] == "0.5 y 10.0"
    assert rows["Inicializaciones"] == "ceros y aleatoria" and rows["Funciones de costo"] == "BCE y MSE"
    assert rows["Semillas por configuración"] == "3 (0 a 2)"
    assert rows["Ejecuciones"] == "8 (6 terminadas, 2 fallidas)"
    assert rows["NumPy"] == run_view.find(runs, 0.5, "random", "bce").record.versions["numpy"]


def test_outputs_table_one_column_per_run(folder):
    runs, _ = folder
    X, Y = nn.load_dataset("xor")
    columns = [
        ("a", run_view.find(runs, 0.5, "random", "mse")),
        ("b", run_view.find(runs, 0.5, "zeros", "bce")),
        ("c", None),
    ]
    lines = tables.outputs_table(columns, X, Y).splitlines()
    assert lines[0] == "| $x_1$ | $x_2$ | $y$ | a | b | c |"
    A2 = columns[0][1].record.A2[0]
    assert lines[2].startswith(f"| 0 | 0 | 0 | {A2[0]:.4f} → {int(A2[0] >= 0.5)} | ejecución fallida: ")
    assert lines[3].endswith("| — | no está en la rejilla |")


def test_data_table():
    X, Y = nn.load_dataset("and")
    assert tables.data_table(X, Y).splitlines()[2:] == [
        "| 0 | 0 | 0 |",
        "| 0 | 1 | 0 |",
        "| 1 | 0 | 0 |",
        "| 1 | 1 | 1 |",
    ]
