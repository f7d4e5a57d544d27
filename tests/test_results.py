"""Tests of results: what is written is read back whole, and damage is caught, not used."""

import dataclasses
import json
import math
import statistics

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import files, results, training


@pytest.fixture
def record():
    X, Y = nn.load_dataset("xor")
    one = training.train(X, Y, learning_rate=0.5, iterations=60)
    many = training.train_seeds(X, Y, seeds=range(4), learning_rate=0.5, iterations=60)
    return results.run_record(one, many, dataset="xor", X=X, Y=Y, cache_key="abc", duration_s=0.1)


def test_run_id_is_readable():
    assert results.run_id(0.5, "random", "bce") == "lr0.5-random-bce"
    assert results.run_id(0.01, "zeros", "mse") == "lr0.01-zeros-mse"
    assert results.run_id(1, "xavier", "bce") == "lr1.0-xavier-bce"


def test_round_trip_is_exact(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    back = results.read_run(path)
    assert back["costs"] == record["costs"]  # floats survive JSON bit for bit
    assert back["id"] == "lr0.5-random-bce"
    assert len(back["costs"]) == 61 and len(back["history"]["W1"]) == 61
    assert back["seed_stats"]["n_seeds"] == 4
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_non_finite_values_are_stored_as_null(tmp_path, record):
    record["costs"][3] = results._plain(math.nan)
    path = tmp_path / "run.json"
    results.write_run(path, record)
    assert "NaN" not in path.read_text()
    assert np.isnan(results.array(results.read_run(path)["costs"])[3])


def test_truncated_file_is_rejected_in_spanish(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    path.write_text(path.read_text()[:-200])
    with pytest.raises(results.ResultsError, match="incompleto o dañado"):
        results.read_run(path)


def test_hand_edited_file_is_rejected(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    data = json.loads(path.read_text())
    data["summary"]["final_cost"] = 0.001
    path.write_text(json.dumps(data))
    with pytest.raises(results.ResultsError, match="modificado tras escribirse"):
        results.read_run(path)


def test_failed_write_keeps_the_previous_file(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        files.write_json_atomic(path, {"bad": object()})
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


GRID = {"learning_rates": [0.5, 0.1], "inits": ["random"], "losses": ["bce"], "dataset": "xor", "n_h": 2}
GRID |= {"iterations": 60, "seed": 2, "seeds": 4}


def entry(rate):
    return results.manifest_entry(results.run_id(rate, "random", "bce"), learning_rate=rate, init="random", loss="bce")


def test_load_runs_attaches_records_and_flags_damage(tmp_path, record):
    results.write_run(tmp_path / "lr0.5-random-bce.json", record)
    (tmp_path / "lr0.1-random-bce.json").write_text("{")
    failed = results.manifest_entry("lr0.3-random-bce", learning_rate=0.3, init="random", loss="bce", status="failed")
    runs = [entry(0.5), entry(0.1), {**failed, "error": "ValueError: x"}]
    files.write_json_atomic(tmp_path / results.MANIFEST, results.manifest(GRID, runs))
    loaded = {r["id"]: r for r in results.load_runs(tmp_path)}
    good = loaded["lr0.5-random-bce"]["record"]
    assert isinstance(good, results.Record)
    np.testing.assert_array_equal(good.costs, record["costs"])
    assert loaded["lr0.1-random-bce"]["status"] == "failed" and "dañado" in loaded["lr0.1-random-bce"]["error"]
    assert loaded["lr0.3-random-bce"]["record"] is None


def test_a_record_copied_over_another_runs_file_is_never_shown_as_that_run(tmp_path, record):
    """The issue's case: one run's JSON copied over another's; the report must not show α = 0.5's
    numbers in α = 0.1's rows."""
    results.write_run(tmp_path / "lr0.5-random-bce.json", record)
    results.write_run(tmp_path / "lr0.1-random-bce.json", record)  # a valid file, of the other run
    files.write_json_atomic(tmp_path / results.MANIFEST, results.manifest(GRID, [entry(0.5), entry(0.1)]))
    loaded = {r["id"]: r for r in results.load_runs(tmp_path)}
    assert loaded["lr0.5-random-bce"]["record"] is not None
    swapped = loaded["lr0.1-random-bce"]
    assert swapped["status"] == "failed" and swapped["record"] is None
    assert "lr0.1-random-bce.json contiene los resultados de la ejecución lr0.5-random-bce" in swapped["error"]


def test_a_record_of_another_grid_or_key_is_a_mismatch(record):
    name = "lr0.5-random-bce.json"
    assert results.mismatch(record, entry(0.5), GRID, name) is None
    problem = results.mismatch(record, entry(0.5), {**GRID, "iterations": 1000}, name)
    assert problem == f"{name} es de otra ejecución: iterations = 60 (el manifiesto dice 1000)"
    keyed = {**entry(0.5), "cache_key": "otra"}
    assert "clave de caché" in results.mismatch(record, keyed, GRID, name)


def test_missing_manifest_says_what_to_do(tmp_path):
    with pytest.raises(results.ResultsError, match="make runs"):
        results.load_runs(tmp_path)


def test_record_view_has_arrays_and_numbers(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    view = results.read_record(path)
    assert (view.id, view.learning_rate, view.init, view.loss, view.dataset) == (
        "lr0.5-random-bce",
        0.5,
        "random",
        "bce",
        "xor",
    )
    assert (view.n_h, view.iterations, view.seed) == (2, 60, 2)
    assert view.costs.shape == view.accuracy.shape == (61,) and view.costs.dtype == float
    assert view.history["W1"].shape == (61, 2, 2) and view.final_parameters["b2"].shape == (1, 1)
    assert view.X.shape == (2, 4) and view.Y.shape == (1, 4) and view.A2.shape == (1, 4)
    assert view.final_cost == record["summary"]["final_cost"] == view.costs[-1]
    assert view.iterations_to_solve == record["summary"]["iterations_to_solve"]
    assert view.solved == record["summary"]["solved"] and view.diverged == record["summary"]["diverged"]
    assert view.versions == record["versions"]
    seeds = view.seeds
    assert seeds.seeds == (0, 1, 2, 3) and seeds.n_seeds == 4 and seeds.solved.dtype == bool
    assert seeds.n_solved == int(seeds.solved.sum()) and seeds.n_diverged == int(seeds.diverged.sum())
    assert [q.shape for q in seeds.cost_quantiles] == [(61,)] * 3
    solved = [k for k in record["seed_stats"]["iterations_to_solve"] if k is not None]
    assert seeds.median_iterations_to_solve == (statistics.median(solved) if solved else None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.final_cost = 0.0


def test_record_view_of_a_run_that_never_solves_nor_stays_finite(record):
    record["summary"].update(final_cost=None, iterations_to_solve=None, solved=False, diverged=False)
    record["seed_stats"]["iterations_to_solve"] = [None] * 4
    view = results.Record.from_dict(record)
    assert math.isnan(view.final_cost) and view.diverged  # a non-finite end is divergence
    assert view.iterations_to_solve is None and view.seeds.median_iterations_to_solve is None


def test_a_whole_file_with_a_field_missing_is_rejected_in_spanish(tmp_path, record):
    del record["seed_stats"]["cost_quantiles"]
    path = tmp_path / "run.json"
    results.write_run(path, record)  # checksummed: only the view sees what is missing
    with pytest.raises(results.ResultsError, match="no tiene el formato esperado"):
        results.read_record(path)


# ---------------------------------------------------------------- states kept at bounded resolution


def test_the_default_grid_keeps_every_state_and_a_long_run_about_two_thousand():
    assert results.stored_steps(1000) is None and results.stored_steps(2000) is None
    steps = results.stored_steps(1_000_000)
    assert steps[0] == 0 and steps[-1] == 1_000_000 and np.all(np.diff(steps) > 0)
    assert set(range(1001)) <= set(steps) and set(range(999_901, 1_000_001)) <= set(steps)
    assert {100_000 * k for k in range(11)} <= set(steps)  # evenly spaced over the whole run
    assert len(steps) < 2200
    assert len(results.stored_steps(10**12)) <= 2102  # the same size, whatever the iterations


def test_a_long_run_is_stored_at_its_kept_states_with_exact_counts(tmp_path):
    X, Y = nn.load_dataset("xor")
    steps = results.stored_steps(5000)
    one = training.train(X, Y, learning_rate=0.01, iterations=5000, steps=steps)
    many = training.train_seeds(X, Y, seeds=range(3), learning_rate=0.01, iterations=5000, steps=one.steps)
    full = training.train(X, Y, learning_rate=0.01, iterations=5000)
    path = tmp_path / "lr0.01-random-bce.json"
    results.write_run(path, results.run_record(one, many, dataset="xor", X=X, Y=Y))
    view = results.read_record(path)
    assert not view.every_state and len(view.steps) == len(view.costs) == len(view.seeds.cost_quantiles[0])
    assert view.iterations_to_solve == full.iterations_to_solve  # exact, and its state is kept:
    k = view.iterations_to_solve
    assert view.costs[view.index_of(k)] == full.costs[k] and view.costs[view.index_of(-1)] == full.costs[-1]
    np.testing.assert_array_equal(view.history["W1"], full.history["W1"][view.steps])
    with pytest.raises(KeyError, match="no guarda el estado 4501"):
        view.index_of(4501)


def test_a_default_record_has_no_steps_field_and_every_state(record):
    assert "steps" not in record
    view = results.Record.from_dict(record)
    assert view.every_state and view.steps.tolist() == list(range(61)) and view.index_of(-1) == 60


def test_seeds_kept_at_other_states_than_the_main_run_are_refused():
    X, Y = nn.load_dataset("xor")
    one = training.train(X, Y, iterations=50, steps=[0, 10])
    many = training.train_seeds(X, Y, seeds=[0], iterations=50, steps=[0, 20])
    with pytest.raises(ValueError, match="steps=result.steps"):
        results.run_record(one, many, dataset="xor", X=X, Y=Y)
