"""Results files: one JSON per run, written atomically, read back with validation.

A run's results file (``reports/runs/<id>.json``) is what the report reads; it holds
everything the report states, so the report never re-trains what a run already trained.

    {
      "schema": 1, "id": "lr0.5-random-bce", "cache_key": "…",
      "parameters": {"learning_rate", "init", "loss", "dataset", "n_h", "iterations", "seed", "seeds"},
      "data": {"X": (n_x, m), "Y": (1, m)},
      "costs": (iterations + 1,), "accuracy": (iterations + 1,),   # index k: after k updates
      "history": {"W1": (iterations + 1, n_h, n_x), "b1", "W2", "b2"},
      "final_parameters": {"W1", "b1", "W2", "b2"},
      "predictions": {"A2": (1, m), "yhat": (1, m)},
      "summary": {"final_cost", "final_accuracy", "iterations_to_solve", "solved",
                  "diverged", "nonfinite_at"},
      "seed_stats": {"seeds", "final_cost", "final_accuracy", "iterations_to_solve", "solved",
                     "diverged", "n_solved", "n_seeds", "cost_quantiles": {"q10", "q50", "q90"}},
      "versions": {"python", "numpy", "nnsimple"}, "duration_s": float
    }

Non-finite numbers are stored as ``null`` (JSON has no nan); ``-1`` counters become ``null``.
``write_run`` adds a ``checksum`` of the rest, so ``read_run`` rejects a truncated or
hand-edited file instead of using it. ``Record.from_dict`` (or ``read_record``) turns a
validated dict into a typed, read-only view with numpy arrays: what the report reads.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import nnsimple
from nnsimple_lab import files

SCHEMA = 1
REQUIRED_KEYS = (
    "schema",
    "id",
    "parameters",
    "data",
    "costs",
    "accuracy",
    "history",
    "final_parameters",
    "predictions",
    "summary",
    "seed_stats",
    "versions",
)


class ResultsError(ValueError):
    """A results file that is missing, truncated, hand-edited or from another schema."""


def run_id(learning_rate, init, loss):
    """Readable id of a run: ``run_id(0.5, "random", "bce") == "lr0.5-random-bce"``."""
    return f"lr{float(learning_rate)!r}-{init}-{loss}"


def file_sha256(path):
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _plain(value):
    """numpy arrays and scalars -> lists and Python numbers; non-finite floats -> None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _counter(value):
    """-1 (never) -> None; else int."""
    return None if int(value) < 0 else int(value)


def _summary(result):
    """The main run's outcome, from a ``TrainResult``."""
    return {
        "final_cost": result.costs[-1],
        "final_accuracy": result.accuracy[-1],
        "iterations_to_solve": _counter(result.iterations_to_solve),
        "solved": result.solved,
        "diverged": result.diverged,
        "nonfinite_at": _counter(result.nonfinite_at),
    }


def _seed_stats(seeds):
    """The seeds' outcomes and the cost's quantiles over them per iteration, from a ``SeedsResult``."""
    costs_q = np.quantile(seeds.costs, [0.1, 0.5, 0.9], axis=0)
    return {
        "seeds": seeds.seeds,
        "final_cost": seeds.final_cost,
        "final_accuracy": seeds.final_accuracy,
        "iterations_to_solve": [_counter(k) for k in seeds.iterations_to_solve],
        "solved": seeds.solved,
        "diverged": seeds.diverged,
        "n_solved": int(seeds.solved.sum()),
        "n_seeds": len(seeds.seeds),
        "cost_quantiles": {"q10": costs_q[0], "q50": costs_q[1], "q90": costs_q[2]},
    }


def run_record(result, seeds, *, dataset, X, Y, cache_key="", duration_s=None):
    """The results dict of one run, from a ``TrainResult`` and a ``SeedsResult``."""
    record = {
        "schema": SCHEMA,
        "id": run_id(result.learning_rate, result.init, result.loss),
        "cache_key": cache_key,
        "parameters": {
            "learning_rate": result.learning_rate,
            "init": result.init,
            "loss": result.loss,
            "dataset": dataset,
            "n_h": result.n_h,
            "iterations": result.iterations,
            "seed": result.seed,
            "seeds": len(seeds.seeds),
        },
        "data": {"X": X, "Y": Y},
        "costs": result.costs,
        "accuracy": result.accuracy,
        "history": result.history,
        "final_parameters": result.parameters,
        "predictions": {"A2": result.A2, "yhat": (result.A2 >= 0.5).astype(int)},
        "summary": _summary(result),
        "seed_stats": _seed_stats(seeds),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "nnsimple": file_sha256(nnsimple.__file__),
        },
        "duration_s": duration_s,
    }
    return _plain(record)


def _checksum(record):
    """SHA-256 of the record's canonical JSON, without its own ``checksum`` field."""
    body = {k: v for k, v in record.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_run(path, record):
    """Seal a run record with its checksum and write it atomically to ``path``."""
    files.write_json_atomic(path, {**record, "checksum": _checksum(record)})


def read_run(path):
    """Read and validate a results file. Raises ``ResultsError`` (Spanish) if it is not whole."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"No existe el archivo de resultados {path}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ResultsError(f"El archivo de resultados {path} está incompleto o dañado: {error}.") from None
    if not isinstance(record, dict):
        raise ResultsError(f"El archivo de resultados {path} no contiene un objeto JSON.")
    missing = [k for k in REQUIRED_KEYS if k not in record]
    if missing:
        raise ResultsError(f"Al archivo de resultados {path} le faltan campos: {', '.join(missing)}.")
    if record.get("checksum") != _checksum(record):
        raise ResultsError(f"El archivo de resultados {path} fue modificado tras escribirse (su suma no coincide).")
    if record["schema"] != SCHEMA:
        raise ResultsError(f"El archivo {path} tiene el esquema {record['schema']!r}; se esperaba {SCHEMA}.")
    return record


def array(values):
    """A stored list -> float array, with ``None`` (non-finite) back to nan."""
    return np.array(values, dtype=float)


def _float(value):
    """A stored number -> float, ``None`` (non-finite) -> nan."""
    return math.nan if value is None else float(value)


def _arrays(stored):
    """``{name: list}`` -> ``{name: float array}`` (parameters, their history)."""
    return {str(name): array(values) for name, values in stored.items()}


# eq=False: numpy arrays have no single truth value, so field-by-field equality is meaningless.
@dataclass(frozen=True, eq=False)
class SeedStats:
    """The run's configuration trained from several seeds; arrays run over the S seeds."""

    seeds: tuple  # (S,) ints
    final_cost: np.ndarray  # (S,), nan where non-finite
    final_accuracy: np.ndarray  # (S,)
    iterations_to_solve: tuple  # (S,) int, or None where the seed never stays solved
    solved: np.ndarray  # (S,) bool
    diverged: np.ndarray  # (S,) bool
    n_solved: int
    n_seeds: int
    cost_quantiles: tuple  # (q10, q50, q90), each (iterations + 1,): the cost over seeds per iteration

    @property
    def n_diverged(self):
        return int(self.diverged.sum())

    @property
    def median_iterations_to_solve(self):
        """Median iterations to solve over the seeds that solve; None if none does."""
        solved = [k for k in self.iterations_to_solve if k is not None]
        return statistics.median(solved) if solved else None

    @classmethod
    def from_dict(cls, stats):
        q = stats["cost_quantiles"]
        return cls(
            seeds=tuple(int(s) for s in stats["seeds"]),
            final_cost=array(stats["final_cost"]),
            final_accuracy=array(stats["final_accuracy"]),
            iterations_to_solve=tuple(None if k is None else int(k) for k in stats["iterations_to_solve"]),
            solved=np.array(stats["solved"], dtype=bool),
            diverged=np.array(stats["diverged"], dtype=bool),
            n_solved=int(stats["n_solved"]),
            n_seeds=int(stats["n_seeds"]),
            cost_quantiles=tuple(array(q[k]) for k in ("q10", "q50", "q90")),
        )


@dataclass(frozen=True, eq=False)
class Record:
    """A typed view of one run's results (the dict of ``run_record``); K = iterations + 1 states."""

    id: str
    learning_rate: float
    init: str
    loss: str
    dataset: str
    n_h: int
    iterations: int
    seed: int  # the main run's seed
    X: np.ndarray  # (n_x, m)
    Y: np.ndarray  # (1, m)
    costs: np.ndarray  # (K,), nan where non-finite; index k: after k updates
    accuracy: np.ndarray  # (K,)
    history: dict  # W1 (K, n_h, n_x), b1 (K, n_h, 1), W2 (K, 1, n_h), b2 (K, 1, 1)
    final_parameters: dict  # W1 (n_h, n_x), b1, W2, b2
    A2: np.ndarray  # (1, m) final output
    final_cost: float  # nan when non-finite
    final_accuracy: float
    iterations_to_solve: int | None  # state from which accuracy stays 100 %; None if never
    solved: bool
    diverged: bool  # the cost ended higher than it started, or not finite
    seeds: SeedStats
    versions: dict  # python, numpy, nnsimple (SHA-256 of nnsimple.py)

    @classmethod
    def from_dict(cls, record):
        """The view of a validated results dict. Raises ``KeyError``/``TypeError``/``ValueError``
        when a field is missing or of the wrong kind (``read_record`` turns them into ``ResultsError``)."""
        parameters, summary = record["parameters"], record["summary"]
        final_cost = _float(summary["final_cost"])
        return cls(
            id=str(record["id"]),
            learning_rate=float(parameters["learning_rate"]),
            init=str(parameters["init"]),
            loss=str(parameters["loss"]),
            dataset=str(parameters["dataset"]),
            n_h=int(parameters["n_h"]),
            iterations=int(parameters["iterations"]),
            seed=int(parameters["seed"]),
            X=array(record["data"]["X"]),
            Y=array(record["data"]["Y"]),
            costs=array(record["costs"]),
            accuracy=array(record["accuracy"]),
            history=_arrays(record["history"]),
            final_parameters=_arrays(record["final_parameters"]),
            A2=array(record["predictions"]["A2"]),
            final_cost=final_cost,
            final_accuracy=_float(summary["final_accuracy"]),
            iterations_to_solve=None if summary["iterations_to_solve"] is None else int(summary["iterations_to_solve"]),
            solved=bool(summary["solved"]),
            diverged=bool(summary["diverged"]) or not math.isfinite(final_cost),  # a non-finite end is divergence
            seeds=SeedStats.from_dict(record["seed_stats"]),
            versions={k: str(v) for k, v in record["versions"].items()},
        )


def read_record(path):
    """``read_run`` and its typed ``Record`` view. Raises ``ResultsError`` (Spanish) if it is not whole."""
    record = read_run(path)
    try:
        return Record.from_dict(record)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ResultsError(f"El archivo de resultados {path} no tiene el formato esperado: {error!r}.") from None


# ---------------------------------------------------------------- the manifest
# reports/runs/manifest.json, written by sweep.py after every sweep:
#   {"schema": 1,
#    "grid": {"learning_rates": [...], "inits": [...], "losses": [...], "dataset", "n_h",
#             "iterations", "seed", "seeds"},
#    "runs": [{"id", "learning_rate", "init", "loss",
#              "status": "ok" | "failed",       # ok: executed now or taken from the cache
#              "notebook": "<id>.ipynb" | "<id>.failed.ipynb",   # relative to the runs folder
#              "results": "<id>.json" | null,
#              "error": null | "last line of the error"}]}

MANIFEST = "manifest.json"


def manifest_entry(run, *, learning_rate, init, loss, status="ok", error=None, notebook=None, results=None):
    """One run's entry in the manifest. A finished run (status "ok") defaults to its own files."""
    if status == "ok":
        notebook, results = notebook or f"{run}.ipynb", results or f"{run}.json"
    return {
        "id": run,
        "learning_rate": float(learning_rate),
        "init": init,
        "loss": loss,
        "status": status,
        "notebook": notebook,
        "results": results,
        "error": error,
    }


def manifest(grid, runs):
    """The manifest of a sweep: ``grid`` (a dict of the grid's values) and its entries in grid order."""
    return {"schema": SCHEMA, "grid": grid, "runs": list(runs)}


def read_manifest(folder):
    """Read ``folder/manifest.json``. Raises ``ResultsError`` (Spanish) if absent or damaged."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"No hay manifiesto en {path}: ejecute primero `make runs`.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ResultsError(f"El manifiesto {path} está dañado: {error}.") from None
    if manifest.get("schema") != SCHEMA or "grid" not in manifest or "runs" not in manifest:
        raise ResultsError(f"El manifiesto {path} no tiene el formato esperado (esquema {SCHEMA}).")
    return manifest


def load_runs(folder):
    """The manifest's runs, each with its results attached.

    Returns a list of the manifest's run entries (dicts), in grid order, each with a
    ``"record"`` key: the run's ``Record`` view, or None for a failed run. A results file
    that fails validation turns its run into a failed one whose ``error`` says why.
    """
    folder = Path(folder)
    runs = []
    for entry in read_manifest(folder)["runs"]:
        entry = {**entry, "record": None}
        if entry.get("status") == "ok":
            try:
                entry["record"] = read_record(folder / entry["results"])
            except ResultsError as error:
                entry.update(status="failed", error=str(error))
        runs.append(entry)
    return runs
