"""Tests of results: what is written is read back whole, and damage is caught, not used."""

import json
import math

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
    assert loaded["good"]["record"]["costs"] == record["costs"]
    assert loaded["bad"]["status"] == "failed" and "dañado" in loaded["bad"]["error"]
    assert loaded["failed"]["record"] is None


def test_missing_manifest_says_what_to_do(tmp_path):
    with pytest.raises(results.ResultsError, match="make runs"):
        results.load_runs(tmp_path)
