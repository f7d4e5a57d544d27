"""Tests of results: what is written is read back whole, and damage is caught, not used."""

import dataclasses
import json
import math

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import files, results, training


def test_run_id_is_readable():
    assert results.run_id(0.5, "random", "bce") == "lr0.5-random-bce"
    assert results.run_id(0.01, "zeros", "mse") == "lr0.01-zeros-mse"
    assert results.run_id(1, "xavier", "bce") == "lr1.0-xavier-bce"


def test_round_trip_is_exact(tmp_path):
    """Every number the training produced comes back bit for bit, from a small JSON and its npz."""
    X, Y = nn.load_dataset("xor")
    one = training.train(X, Y, learning_rate=0.5, iterations=60)
    many = training.train_seeds(X, Y, seeds=range(4), learning_rate=0.5, iterations=60)
    path = tmp_path / "lr0.5-random-bce.json"
    results.write_run(path, results.run_record(one, many, dataset="xor", X=X, Y=Y, cache_key="abc"))
    back = results.read_run(path)
    assert back["id"] == "lr0.5-random-bce" and back["cache_key"] == "abc" and back["seed_stats"]["n_seeds"] == 4
    assert "costs" not in back and "history" not in back  # the arrays live in the npz
    view = results.read_record(path)
    pairs = [(view.costs, one.costs), (view.accuracy, one.accuracy), (view.A2, one.A2), (view.X, X)]
    pairs += [(view.history[k], one.history[k]) for k in one.history]
    pairs += [(view.final_parameters[k], one.parameters[k]) for k in one.parameters]
    pairs += [(view.seeds.final_cost, many.final_cost), (view.seeds.solved, many.solved)]
    for got, expected in pairs:
        assert got.shape == np.shape(expected) and got.tobytes() == np.asarray(expected, dtype=got.dtype).tobytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, "lr0.5-random-bce.npz"]  # no temporary left


def test_the_npz_holds_plain_arrays_and_the_same_numbers_give_the_same_bytes(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    npz = results.arrays_path(path)
    first = npz.read_bytes()
    results.write_run(path, record)
    assert npz.read_bytes() == first
    with np.load(npz, allow_pickle=False) as arrays:  # no pickle needed to read any member
        assert {"costs", "steps", "history.W1", "final.b2", "seeds.q50", "seeds.solved"} <= set(arrays.files)
        assert all(arrays[name].dtype != object for name in arrays.files)
    assert json.loads(path.read_text())["arrays"]["sha256"] == results.file_sha256(npz)


def test_a_record_keeps_arrays_and_writes_the_bytes_of_its_lists(tmp_path):
    """run_record keeps numpy arrays (non-finite entries as nan); written, they give the very bytes
    of the same record made of lists with None for non-finite numbers (the earlier layout)."""
    X, Y = nn.load_dataset("xor")
    one = training.train(X, Y, learning_rate=0.5, iterations=40)
    costs = one.costs.copy()
    costs[[3, 4, 5]] = [math.inf, -math.inf, -math.nan]  # what a diverging run may hold
    one = dataclasses.replace(one, costs=costs)
    many = training.train_seeds(X, Y, seeds=range(3), learning_rate=0.5, iterations=40)
    record = results.run_record(one, many, dataset="xor", X=X, Y=Y, cache_key="abc", duration_s=0.5)
    assert isinstance(record["costs"], np.ndarray) and isinstance(record["history"]["W1"], np.ndarray)
    assert np.isnan(record["costs"][3:6]).all() and record["costs"][:3].tobytes() == costs[:3].tobytes()
    as_lists = results._plain(record)
    assert as_lists["costs"][3:6] == [None, None, None] and isinstance(as_lists["history"]["W1"], list)
    results.write_run(tmp_path / "arrays.json", record)
    results.write_run(tmp_path / "lists.json", as_lists)
    for suffix in (".json", ".npz"):
        assert (tmp_path / f"arrays{suffix}").read_bytes() == (tmp_path / f"lists{suffix}").read_bytes()


def test_the_json_stays_small_whatever_the_iterations(tmp_path):
    X, Y = nn.load_dataset("xor")
    sizes = []
    for iterations in (10, 3000):
        steps = results.stored_steps(iterations)
        one = training.train(X, Y, learning_rate=0.5, iterations=iterations, steps=steps)
        many = training.train_seeds(X, Y, seeds=range(3), learning_rate=0.5, iterations=iterations, steps=one.steps)
        path = tmp_path / f"{iterations}.json"
        results.write_run(path, results.run_record(one, many, dataset="xor", X=X, Y=Y))
        sizes.append(path.stat().st_size)
    assert sizes[1] - sizes[0] < 100 and sizes[1] < 3000  # only the digits of the counts differ


def test_non_finite_values_are_stored_as_null_and_nan(tmp_path, record):
    record["costs"][3] = results._plain(math.nan)
    record["summary"]["final_cost"] = results._plain(math.inf)
    path = tmp_path / "run.json"
    results.write_run(path, record)
    assert "NaN" not in path.read_text() and json.loads(path.read_text())["summary"]["final_cost"] is None
    view = results.read_record(path)
    assert np.isnan(view.costs[3]) and math.isnan(view.final_cost)


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


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda npz: npz.write_bytes(npz.read_bytes()[:-100]), "no es el de run.json"),
        (lambda npz: npz.write_bytes(npz.read_bytes().replace(b"costs", b"cosst")), "no es el de run.json"),
        (lambda npz: npz.unlink(), "Falta el archivo de arreglos"),
    ],
    ids=["truncated", "edited", "missing"],
)
def test_a_damaged_or_missing_npz_is_rejected_in_spanish(tmp_path, record, damage, message):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    damage(results.arrays_path(path))
    with pytest.raises(results.ResultsError, match=message):
        results.read_run(path)


def test_another_runs_npz_beside_the_json_is_rejected(tmp_path, record):
    path = tmp_path / "lr0.5-random-bce.json"
    results.write_run(path, record)
    record["costs"][-1] = record["costs"][-1] / 2  # another run's numbers
    results.write_run(tmp_path / "other.json", record)
    (tmp_path / "other.npz").replace(results.arrays_path(path))
    with pytest.raises(results.ResultsError, match="no es el de lr0.5-random-bce.json"):
        results.read_run(path)


def test_a_record_of_the_earlier_format_is_of_another_schema(tmp_path, record):
    """A schema-1 record (everything in the JSON, before the npz): refused in Spanish as another
    schema, which the sweep executes again (``cache.status`` says "stale")."""
    path = tmp_path / "run.json"
    old = {**results._plain(record), "schema": 1}  # its arrays were lists in the JSON
    files.write_json_atomic(path, {**old, "checksum": results._checksum(old)})
    with pytest.raises(results.OtherSchema, match="tiene el esquema 1; se esperaba 2"):
        results.read_run(path)


def test_failed_write_keeps_the_previous_file(tmp_path, record):
    path = tmp_path / "run.json"
    results.write_run(path, record)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        files.write_json_atomic(path, {"bad": object()})
    assert path.read_bytes() == before
    assert sorted(tmp_path.iterdir()) == [path, results.arrays_path(path)]


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


# ---------------------------------------------------------------- states kept at bounded resolution


def test_the_default_grid_keeps_every_state_and_a_long_run_about_two_thousand():
    assert results.stored_steps(1000) is None and results.stored_steps(2000) is None
    steps = results.stored_steps(1_000_000)
    assert steps[0] == 0 and steps[-1] == 1_000_000 and np.all(np.diff(steps) > 0)
    assert set(range(1001)) <= set(steps) and set(range(999_901, 1_000_001)) <= set(steps)
    assert {100_000 * k for k in range(11)} <= set(steps)  # evenly spaced over the whole run
    assert len(steps) < 2200
    assert len(results.stored_steps(10**12)) <= 2102  # the same size, whatever the iterations


def test_seeds_kept_at_other_states_than_the_main_run_are_refused():
    X, Y = nn.load_dataset("xor")
    one = training.train(X, Y, iterations=50, steps=[0, 10])
    many = training.train_seeds(X, Y, seeds=[0], iterations=50, steps=[0, 20])
    with pytest.raises(ValueError, match="steps=result.steps"):
        results.run_record(one, many, dataset="xor", X=X, Y=Y)
