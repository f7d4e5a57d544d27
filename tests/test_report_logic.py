"""Tests of report: formatting, numbering, run summaries, and sentences that follow the data.

Every run here is trained for real with nnsimple and written with results (tests/runsfolder.py);
the expected numbers are computed independently from the records, never typed in.
"""

import datetime as dt
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import nnsimple as nn
from nnsimple_lab import report, results
from tests.runsfolder import write_runs_folder


def _runs(folder):
    return report.summarize_runs(results.load_runs(folder))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_runs_folder(folder, learning_rates=(0.1, 0.5), iterations=150, seeds=4)
    return _runs(folder)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A grid with a failed run, a damaged results file and a diverging rate, BCE only."""
    folder = tmp_path_factory.mktemp("broken")
    write_runs_folder(
        folder,
        learning_rates=(0.5, 10.0),
        losses=("bce",),
        iterations=120,
        seeds=3,
        failed=("lr0.5-zeros-bce",),
        damaged=("lr0.5-random-bce",),
    )
    return _runs(folder)


def _figure_text(fig):
    texts = [t.get_text() for t in (fig._suptitle, fig._supxlabel) if t is not None]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend:
            texts += [t.get_text() for t in legend.get_texts()]
    return " ".join(texts)


# ---------------------------------------------------------------- cover, numbering, formatting


def test_spanish_date():
    assert report.spanish_date(dt.date(2026, 11, 29)) == "29 de noviembre de 2026"
    assert report.spanish_date(dt.date(2027, 1, 5)) == "5 de enero de 2027"


def test_cover_from_lab_toml(tmp_path):
    cover = report.load_cover("lab.toml", today=dt.date(2026, 3, 1))
    assert set(cover) == set(report.COVER_KEYS)
    assert cover["date"] == "1 de marzo de 2026"  # empty date in lab.toml: the build's date
    assert isinstance(cover["authors"], list) and cover["authors"]
    toml = tmp_path / "lab.toml"
    toml.write_text('[cover]\ntitle = "Lab"\nauthors = "Ana"\ndate = "2026-11-29"\n', encoding="utf-8")
    cover = report.load_cover(toml)
    assert cover["date"] == "29 de noviembre de 2026" and cover["authors"] == ["Ana"]
    toml.write_text('[cover]\ndate = "primer semestre"\n', encoding="utf-8")
    assert report.load_cover(toml)["date"] == "primer semestre"


def test_numbering_counts_and_remembers():
    num = report.Numbering()
    assert num.fig("Costo.", key="costo") == "Figura 1: Costo."
    assert num.table("Datos.") == "Tabla 1: Datos."
    assert num.fig("Pesos.", key="pesos") == "Figura 2: Pesos."
    assert num.ref("costo") == "Figura 1" and num.ref("pesos") == "Figura 2"
    assert (num.figures, num.tables) == (2, 1)
    with pytest.raises(ValueError):
        num.fig("Otra.", key="costo")


def test_number_formats():
    assert report.fmt_cost(math.log(2)) == "0.6931"
    assert report.fmt_cost(0.25) == "0.2500"
    assert report.fmt_cost(2.5e-5) == "$2.50 \\times 10^{-5}$"
    assert report.fmt_pct(0.85) == "85 %" and report.fmt_pct(1.0) == "100 %"
    assert report.fmt_lr(0.01) == "0.01" and report.fmt_lr(0.5) == "0.5"
    assert report.fmt_int(np.int64(1000)) == "1000"
    assert report.fmt_sci(2.0e-10) == "$2.0 \\times 10^{-10}$"
    assert report.fmt_sci(0.4193) == "0.42"
    assert report.fmt_value(-1e-9) == "0.0000"
    for bad in (math.nan, math.inf, None):
        for fmt in (report.fmt_cost, report.fmt_pct, report.fmt_sci, report.fmt_value):
            assert "nan" not in fmt(bad).lower() and "inf" not in fmt(bad).lower()


def test_spanish_lists():
    assert report.join_es(["0.01", "0.1", "0.5"]) == "0.01, 0.1 y 0.5"
    assert report.join_es(["BCE"]) == "BCE"
    assert report.join_es(["ceros", "inicialización aleatoria"]) == "ceros e inicialización aleatoria"
    assert report.plural(1, "semilla") == "1 semilla" and report.plural(3, "semilla") == "3 semillas"


def test_markdown_table_escapes_pipes():
    table = report.markdown_table(["a", "b"], [["x|y", "1\n2"]])
    assert table.splitlines()[2] == "| x\\|y | 1 2 |"


# ---------------------------------------------------------------- run summaries


def test_summaries_match_the_records(runs):
    assert len(runs) == 8 and all(r.ok for r in runs)
    for run in runs:
        record = run.record
        assert run.final_cost == record["costs"][-1]
        assert run.n_solved == sum(record["seed_stats"]["solved"])
        assert run.n_seeds == 4 and run.iterations == 150
    assert report.learning_rates(runs) == [0.1, 0.5]
    assert report.losses(runs) == ["bce", "mse"] and report.inits(runs) == ["zeros", "random"]


def test_best_rate_is_the_first_to_solve(runs):
    solved = {
        r.learning_rate: r.record["summary"]["iterations_to_solve"]
        for r in runs
        if r.init == "random" and r.loss == "bce" and r.record["summary"]["iterations_to_solve"] is not None
    }
    expected = min(solved, key=solved.get) if solved else None
    assert report.best_rate(runs) == expected
    sentence = report.best_rate_sentence(runs)
    if expected is None:
        assert "Ninguna tasa" in sentence
    else:
        assert f"La tasa $\\alpha = {expected}$ es la primera" in sentence
        assert f"iteración {solved[expected]}" in sentence


def test_seeds_sentence_counts(runs):
    sentence = report.seeds_sentence(runs)
    for run in report.select(runs, init="random", loss="bce"):
        n = sum(run.record["seed_stats"]["solved"])
        assert f"{n} con $\\alpha = {run.learning_rate}$" in sentence
    assert "De las 4 semillas (0 a 3), resuelven XOR en 150 iteraciones" in sentence


def test_parameter_motion_is_measured(runs):
    sentence = report.parameter_motion_sentence(runs)
    assert sentence.startswith("En las últimas 15 iteraciones, el mayor cambio de un parámetro es ")
    for run in report.select(runs, init="random", loss="bce"):
        move = max(float(np.max(np.abs(h[-1] - h[-16]))) for h in run.history.values())
        assert f"{report.fmt_value(move)} con $\\alpha = {run.learning_rate}$" in sentence


def test_zero_init_is_described_exactly(runs):
    sentence = report.zero_init_sentence(runs)
    assert "$\\ln 2 = 0.6931$ con BCE y 0.2500 con MSE" in sentence
    assert "es el mismo en las 151 evaluaciones" in sentence
    assert "$A_2 = 0.5000$" in sentence and "exactitud 50 %" in sentence
    assert report.zero_init_stays(runs)


def test_zero_init_claim_follows_the_data(tmp_path):
    # On AND the zero-initialised network does move (b2): no claim that it stands still.
    folder = tmp_path / "and"
    write_runs_folder(folder, dataset="and", learning_rates=(0.5,), losses=("bce",), iterations=60, seeds=2)
    runs = _runs(folder)
    sentence = report.zero_init_sentence(runs)
    assert not report.zero_init_stays(runs)
    assert "es el mismo" not in sentence and "exactamente en 0" not in sentence
    assert "pasa de $\\ln 2 = 0.6931$" in sentence and "$b_2$" in sentence


def test_and_demo_moves_only_b2():
    result = report.and_demo(0.5, 300)
    sentence = report.and_sentence(result)
    assert "solo se mueve $b_2$" in sentence
    assert f"a {report.fmt_value(result.history['b2'][-1, 0, 0])}" in sentence
    assert "$W_1$, $b_1$ y $W_2$ siguen exactamente en 0" in sentence
    table = report.parameter_change_table(result)
    assert table.count("| 0.0000 | 0.0000 | 0.0000 |") == 8


def test_failed_and_damaged_runs_are_reported_not_fatal(broken):
    failed = [r for r in broken if not r.ok]
    assert {r.id for r in failed} == {"lr0.5-zeros-bce", "lr0.5-random-bce"}
    assert failed[0].failure.startswith("ejecución fallida: ")
    damaged = report.find(broken, 0.5, "random", "bce")
    assert "incompleto o dañado" in damaged.failure
    table = report.runs_table(broken)
    assert table.count("ejecución fallida") == 2
    assert "[lr0.5-zeros-bce](runs/lr0.5-zeros-bce.failed.html)" in table
    assert "RuntimeError: fallo simulado" in report.failures_sentence(broken)
    assert "ejecución fallida" in report.rate_table(broken)
    # Every sentence still says something true about what did run, and never prints nan.
    for text in (
        report.zero_init_sentence(broken),
        report.best_rate_sentence(broken),
        report.seeds_sentence(broken),
        report.loss_comparison_sentence(broken),
        report.conclusion_q1(broken, "bce", report.reference_rate(broken, "bce")),
        report.conclusion_q2(broken),
    ):
        assert "nan" not in text
    assert "no hay comparación" in report.loss_comparison_sentence(broken)


def test_diverged_run_is_described_as_such(broken):
    run = report.find(broken, 10.0, "random", "bce")
    assert run.ok and run.diverged
    assert "divergió" in report.descent_sentence(run)
    assert "divergió" in report.best_rate_sentence(broken).lower()
    assert "divergió" in report.runs_table(broken)


def test_gradient_check_rows():
    X, Y = nn.load_dataset("xor")
    rows = report.gradient_check_rows(X, Y, nn.initialize_parameters(2, 2, 1, seed=2))
    errors = [e for *_, e in rows]
    assert errors[0] < 1e-7 and errors[1] < 1e-7 and errors[2] > 1e-2
    table = report.gradient_check_table(rows)
    assert table.count("| correcto |") == 2 and table.count("| incorrecto |") == 1
    sentence = report.gradient_check_sentence(rows)
    assert "coinciden" in sentence and "La del MSE ingenuo" in sentence


def test_loss_comparison_uses_common_ground(runs):
    sentence = report.loss_comparison_sentence(runs)
    for lr, b, m in report.loss_pairs(runs):
        assert f"{b.n_solved} y {m.n_solved} con $\\alpha = {lr}$" in sentence
    assert "0.6931" in report.not_comparable_sentence(runs) and "0.2500" in report.not_comparable_sentence(runs)


def test_conclusions_follow_the_data(runs):
    q1 = report.conclusion_q1(runs, "bce", 0.5)
    assert "$\\ln 2 = 0.6931$ con BCE" in q1
    X, Y = nn.load_dataset("xor")
    rows = report.gradient_check_rows(X, Y, nn.initialize_parameters(2, 2, 1, seed=2))
    q3 = report.conclusion_q3(runs, rows)
    assert "el ingenuo $(A_2 - Y)/m$ no" in q3


def test_figures_have_spanish_labels_and_survive_failures(runs, broken):
    figures = [
        report.fig_cost_by_init(runs, 0.5),
        report.fig_parameters([("a", report.find(runs, 0.5, "zeros", "bce"))], "Pesos"),
        report.fig_cost_by_rate(runs),
        report.fig_cost_band(runs),
        report.fig_solved_over_iterations(runs, loss_list=("bce", "mse")),
        report.fig_seeds_solved(runs),
        report.fig_dz2_vs_output(),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        text = _figure_text(fig)
        assert "Iteración" in text or "Salida" in text or "Tasa de aprendizaje" in text
    assert "todos valen 0" in _figure_text(figures[1])
    with_failures = [
        report.fig_cost_by_init(broken, 0.5),
        report.fig_parameters([("α = 0.5", report.find(broken, 0.5, "random", "bce"))], "Pesos"),
        report.fig_cost_by_rate(broken),
        report.fig_cost_band(broken),
        report.fig_solved_over_iterations(broken),
        report.fig_seeds_solved(broken),
    ]
    for fig in with_failures:
        assert "ejecución fallida" in _figure_text(fig)
        fig.savefig(__import__("io").BytesIO(), format="png")  # draws without error


def test_nothing_ran_still_renders(tmp_path):
    ids = [results.run_id(lr, init, "bce") for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = _runs(tmp_path)
    assert not any(r.ok for r in runs)
    for fig in (report.fig_cost_by_rate(runs), report.fig_cost_band(runs), report.fig_cost_by_init(runs, 0.5)):
        fig.savefig(__import__("io").BytesIO(), format="png")
        assert "ejecución fallida" in _figure_text(fig)
    assert "Ninguna ejecución" in report.best_rate_sentence(runs)
    assert "Ninguna ejecución con inicialización en ceros terminó" in report.conclusion_q1(runs, "bce", 0.5)
    assert "4 ejecuciones fallidas" in report.failures_sentence(runs)


def test_extreme_learning_rates_and_values_are_written_in_scientific_notation():
    assert report.alpha(1e300) == "$\\alpha = 1 \\times 10^{300}$"
    assert report.alpha(2.5e-7) == "$\\alpha = 2.5 \\times 10^{-7}$"
    assert report.alpha(0.5) == "$\\alpha = 0.5$"
    assert report.fmt_value(4.4273e300) == "$4.43 \\times 10^{300}$"
    assert report.fmt_value(-0.00001) == "0.0000"
