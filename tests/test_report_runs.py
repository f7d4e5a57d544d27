"""Tests of report.runs: the Run view of every manifest entry and the helpers that pick runs.

Every run is trained for real with nnsimple and written with results (tests/runsfolder.py).
"""

import pytest

from nnsimple_lab import results, vocab
from nnsimple_lab.report import runs as run_view
from tests import figurekit, handmade
from tests.runsfolder import write_runs_folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return figurekit.grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return figurekit.broken_runs(tmp_path_factory.mktemp("broken"))


def test_runs_carry_the_records_view(runs):
    assert len(runs) == 8 and all(r.ok for r in runs)
    for run in runs:
        record = run.record
        assert isinstance(record, results.Record)
        assert (record.learning_rate, record.init, record.loss) == (run.learning_rate, run.init, run.loss)
        assert record.final_cost == record.costs[-1]
        assert record.seeds.n_solved == int(record.seeds.solved.sum())
        assert record.seeds.n_seeds == 4 and record.iterations == 150
        assert run.notebook == f"{run.id}.ipynb"


def test_grid_coordinates_in_grid_order(runs):
    assert run_view.learning_rates(runs) == [0.1, 0.5]
    assert run_view.losses(runs) == ["bce", "mse"] and run_view.inits(runs) == ["zeros", "random"]
    assert run_view.primary_loss(runs) == vocab.REFERENCE_LOSS
    run = run_view.find(runs, 0.5, "random", "mse")
    assert run.id == "lr0.5-random-mse"
    assert run_view.find(runs, 0.3, "random", "mse") is None
    assert len(run_view.select(runs, init="zeros")) == 4
    assert len(run_view.select(runs, learning_rate=0.1, loss="bce", ok=True)) == 2
    assert run_view.common(runs, lambda r: r.iterations) == 150
    assert run_view.common(runs, lambda r: r.learning_rate) is None  # they differ


def test_primary_loss_without_the_reference(tmp_path):
    write_runs_folder(tmp_path, learning_rates=(0.5,), inits=("random",), losses=("mse",), iterations=10, seeds=1)
    assert run_view.primary_loss(run_view.load(tmp_path)) == "mse"


def test_failed_and_damaged_runs_are_failures_with_their_reason(broken):
    failed = [r for r in broken if not r.ok]
    assert {r.id for r in failed} == {"lr0.5-zeros-bce", "lr0.5-random-bce"}
    by_id = {r.id: r for r in failed}
    assert by_id["lr0.5-zeros-bce"].failure == "ejecución fallida: RuntimeError: fallo simulado en lr0.5-zeros-bce"
    assert "incompleto o dañado" in by_id["lr0.5-random-bce"].failure
    assert by_id["lr0.5-zeros-bce"].record is None
    sentence = run_view.failures_sentence(broken)
    assert sentence.startswith("2 ejecuciones fallidas en el barrido: `lr0.5-zeros-bce` (RuntimeError: fallo simulado")
    assert run_view.failures_sentence([r for r in broken if r.ok]) == ""


def test_last_line_keeps_the_error_not_the_paths():
    error = "Traceback (most recent call last):\n  ...\nFileNotFoundError: /tmp/x/y/datos.json\n"
    assert run_view.last_line(error) == "FileNotFoundError: datos.json"
    assert run_view.last_line(None) == "error desconocido"


def test_dataset_arrays_from_the_records_or_the_grid(runs, broken, tmp_path):
    X, Y = run_view.dataset_arrays(runs, {})
    assert X.shape == (2, 4) and Y.tolist() == [[0.0, 1.0, 1.0, 0.0]]
    ids = [results.run_id(0.5, init, "bce") for init in ("zeros", "random")]
    write_runs_folder(tmp_path, learning_rates=(0.5,), losses=("bce",), iterations=5, seeds=1, failed=ids)
    X, Y = run_view.dataset_arrays(run_view.load(tmp_path), {"dataset": "and"})
    assert Y.tolist() == [[0, 0, 0, 1]]


def test_nothing_ran(tmp_path):
    ids = [results.run_id(lr, init, "bce") for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = run_view.load(tmp_path)
    assert not any(r.ok for r in runs) and run_view.common(runs, lambda r: r.seed) is None
    assert "4 ejecuciones fallidas" in run_view.failures_sentence(runs)


def test_representative_rates_keep_the_ends_and_the_best():
    assert run_view.representative([0.5, 0.01, 0.1]) == [0.01, 0.1, 0.5]
    picked = run_view.representative([0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 5.0], keep=[0.3])
    assert len(picked) == 4 and picked[0] == 0.001 and picked[-1] == 5.0 and 0.3 in picked
    assert run_view.representative([0.1, 0.2, 0.3, 0.4, 0.5], keep=[9.0]) == [0.1, 0.2, 0.3, 0.5]


def test_steps_are_the_stored_iterations():
    record = handmade.run(0.5, iterations=30).record
    assert list(run_view.steps(record)) == list(range(31))


def test_the_run_solving_most_seeds_prefers_on_a_tie_one_that_does_not_diverge():
    calm, wild = handmade.run(0.05, solved=(None, None)), handmade.run(30.0, solved=(None, None), diverged=True)
    assert run_view.most_solving([wild, calm]) is calm  # the larger rate would win the tie otherwise
    fast, slow = handmade.run(0.5, main=51, solved=(5, 9)), handmade.run(0.1, main=246, solved=(5, 9))
    assert run_view.most_solving([slow, fast]) is fast
    assert run_view.most_solving([calm, handmade.run(0.1, solved=(5, None))]).learning_rate == 0.1
    assert run_view.most_solving([]) is None
