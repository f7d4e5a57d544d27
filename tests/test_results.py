"""Tests of results: what is written is read back whole, and damage is caught, not used."""

import dataclasses
import json
import math
import statistics

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import files, results


@pytest.fixture
def record():
    X, Y = nn.load_dataset("xor")
    one = nn.train(X, Y, learning_rate=0.5, iterations=60)
    many = nn.train_seeds(X, Y, seeds=range(4), learning_rate=0.5, iterations=60)
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


def test_load_runs_attaches_records_and_flags_damage(tmp_path, record):
    results.write_run(tmp_path / "good.json", record)
    (tmp_path / "bad.json").write_text("{")
    runs = [
        {"id": "good", "status": "ok", "results": "good.json", "error": None},
        {"id": "bad", "status": "ok", "results": "bad.json", "error": None},
        {"id": "failed", "status": "failed", "results": None, "error": "ValueError: x"},
    ]
    files.write_json_atomic(tmp_path / results.MANIFEST, {"schema": 1, "grid": {}, "runs": runs})
    loaded = {r["id"]: r for r in results.load_runs(tmp_path)}
    assert isinstance(loaded["good"]["record"], results.Record)
    np.testing.assert_array_equal(loaded["good"]["record"].costs, record["costs"])
    assert loaded["bad"]["status"] == "failed" and "dañado" in loaded["bad"]["error"]
    assert loaded["failed"]["record"] is None


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
