"""Tests of record: the typed view of a run's results, whose arrays are read only when used."""

import dataclasses
import math
import statistics

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import results, training


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
    del record["summary"]["solved"]
    path = tmp_path / "run.json"
    results.write_run(path, record)  # checksummed: only the view sees what is missing
    with pytest.raises(results.ResultsError, match="no tiene el formato esperado"):
        results.read_record(path)


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


def test_a_record_reads_its_arrays_only_when_used(tmp_path, record):
    path = tmp_path / "lr0.5-random-bce.json"
    results.write_run(path, record)
    view = results.read_record(path)
    assert (view.final_cost, view.seeds.n_solved, view.n_states) == (
        record["summary"]["final_cost"],
        record["seed_stats"]["n_solved"],
        61,
    )
    assert view.source.read == ()  # the scalars come from the JSON alone
    view.costs, view.seeds.median_iterations_to_solve  # noqa: B018 (what a table row reads)
    assert set(view.source.read) == {"costs", "seeds.iterations_to_solve"}


def test_an_npz_gone_after_loading_is_said_in_spanish_when_an_array_is_needed(tmp_path, record):
    path = tmp_path / "lr0.5-random-bce.json"
    results.write_run(path, record)
    view = results.read_record(path)
    results.arrays_path(path).unlink()
    assert view.solved == record["summary"]["solved"]  # what needs no array still works
    with pytest.raises(results.ResultsError, match="No existe el archivo de arreglos"):
        view.costs  # noqa: B018


def test_a_view_from_memory_and_one_from_disk_agree(tmp_path, record):
    path = tmp_path / "lr0.5-random-bce.json"
    results.write_run(path, record)
    disk, memory = results.read_record(path), results.Record.from_dict(record)
    for name in ("steps", "costs", "accuracy", "X", "Y", "A2"):
        assert getattr(disk, name).tobytes() == getattr(memory, name).tobytes(), name
    for name in memory.history:
        assert disk.history[name].tobytes() == memory.history[name].tobytes()
    assert disk.seeds.iterations_to_solve == memory.seeds.iterations_to_solve
    assert [q.tobytes() for q in disk.seeds.cost_quantiles] == [q.tobytes() for q in memory.seeds.cost_quantiles]


def test_a_view_with_curves_of_different_lengths_is_refused(record):
    record["costs"] = record["costs"][:-1]
    with pytest.raises(ValueError, match="no concuerdan"):
        results.Record.from_dict(record)
