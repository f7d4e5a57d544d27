"""Results files: per run a small JSON record and its arrays beside it, written atomically, read
back with validation.

A run's results (``reports/runs/<id>.json`` and ``<id>.npz``) are what the report reads; they
hold everything the report states, so the report never re-trains what a run already trained.
The JSON holds the scalars; the ``.npz`` (numpy's zip of ``.npy`` arrays, no pickle) holds
every array, read only when the report draws it (``record.NpzArrays``):

    <id>.json  {
      "schema": 2, "id": "lr0.5-random-bce", "cache_key": "…",
      "parameters": {"learning_rate", "init", "loss", "dataset", "n_h", "iterations", "seed", "seeds"},
      "summary": {"final_cost", "final_accuracy", "iterations_to_solve", "solved",
                  "diverged", "nonfinite_at"},
      "seed_stats": {"n_solved", "n_seeds"},
      "versions": {"python", "numpy", "nnsimple"}, "duration_s": float,
      "arrays": {"sha256": "<of the .npz's bytes>", "members": {name: [dtype, shape]}},
      "checksum": "<of the rest>"
    }
    <id>.npz   X (n_x, m), Y (1, m); steps (K,): the kept states' indices;
               costs, accuracy (K,): entry j is the state after steps[j] updates;
               history.W1 (K, n_h, n_x), history.b1, history.W2, history.b2; final.W1, …;
               A2, yhat (1, m); seeds.seeds, seeds.final_cost, seeds.final_accuracy,
               seeds.iterations_to_solve (-1: never), seeds.solved, seeds.diverged (S,);
               seeds.q10, seeds.q50, seeds.q90 (K,): the seeds' cost quantiles per kept state

K = iterations + 1 (every state) up to ``ALL_STATES`` states; beyond, the states of
``stored_steps``: so a run's results, and what is drawn from them, stay the same size whatever
the number of iterations. The counts (``iterations_to_solve``, ``nonfinite_at``) are exact:
computed during training over every state. The seeds' cost quantiles are kept at the same states.

``run_record`` returns one dict in memory (numpy arrays, float ones with non-finite entries as
nan; other numbers plain, non-finite ones as ``None``; ``-1`` counters as ``None``); a dict of
lists with ``None`` for non-finite numbers (``_plain``, hand-made records) is written to the same
bytes. ``write_run`` splits it: the arrays to the ``.npz`` (float64, non-finite as nan; the bytes
depend only on the numbers), then the JSON with the npz's SHA-256 and a ``checksum`` of the rest.
``read_run`` rejects a truncated, hand-edited or foreign file (either of the two) instead of
using it; a record of another schema raises ``OtherSchema``, so the sweep executes its run again.
``read_record`` gives the typed, read-only ``Record`` view (``record.py``, also importable from
here): what the report reads.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import zipfile
from pathlib import Path

import numpy as np

import nnsimple
from nnsimple_lab import files
from nnsimple_lab.record import ARRAY_KEYS, NpzArrays, Record, ResultsError, SeedStats, array, flatten

__all__ = ["Record", "ResultsError", "SeedStats", "array"]  # the view lives in record.py; read it from here

SCHEMA = 2  # of a run's results; 1: everything in the JSON (before the .npz)
REQUIRED_KEYS = ("schema", "id", "parameters", "summary", "seed_stats", "versions", "arrays")
ARRAYS_SUFFIX = ".npz"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's date in the .npz: the same numbers, the same bytes


class OtherSchema(ResultsError):
    """A whole results file of another schema (an older format): its run is executed again."""


# The states a run keeps: every one up to ALL_STATES (the default grid's 1001 states: all); beyond,
# every state up to HEAD (where learning happens and the report reads when accuracy reaches
# 100 %), SPREAD + 1 evenly spaced over the whole run and the last TAIL (the end), about 2100.
# nnsimple_lab.training.train adds the state from which accuracy stays at 100 %, wherever it falls.
ALL_STATES = 2001
HEAD, SPREAD, TAIL = 1000, 1000, 100


def stored_steps(iterations):
    """The indices of the states a run of ``iterations`` updates keeps; None: every one."""
    if iterations + 1 <= ALL_STATES:
        return None
    spread = np.round(np.linspace(0, iterations, SPREAD + 1)).astype(int)
    return np.union1d(np.union1d(np.arange(HEAD + 1), spread), np.arange(iterations - TAIL + 1, iterations + 1))


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


def _stored(value):
    """What a run record keeps of a value: numpy arrays stay arrays (the float ones as float64 with
    non-finite entries as nan, which is what ``_plain``'s None reads back as); the rest ``_plain``.

    The arrays go to the ``.npz`` only: converting them to lists (a Python object per number)
    was most of what a record cost.
    """
    if isinstance(value, dict):
        return {str(k): _stored(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.floating):
            return np.where(np.isfinite(value), value, np.nan).astype(np.float64)
        return value.copy()
    return _plain(value)


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
    """The results dict of one run, from a ``TrainResult`` and a ``SeedsResult``.

    Both must keep the same states (``train_seeds(..., steps=result.steps)``); ``steps`` is
    stored only when they are not all of them.
    """
    if seeds.steps is not None and not np.array_equal(seeds.steps, result.steps):
        raise ValueError("Las semillas guardan otros estados que la ejecución principal: use steps=result.steps.")
    every = len(result.steps) == result.iterations + 1
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
        **({} if every else {"steps": result.steps}),
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
    return _stored(record)


def arrays_path(path):
    """The ``.npz`` beside the results JSON ``path`` (same name, other suffix)."""
    return Path(path).with_suffix(ARRAYS_SUFFIX)


def _checksum(record):
    """SHA-256 of the record's canonical JSON, without its own ``checksum`` field."""
    body = {k: v for k, v in record.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def npz_bytes(arrays):
    """The bytes of an ``.npz`` of ``arrays`` ({name: array}, in order), compressed, with fixed dates."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                np.lib.format.write_array(member, np.ascontiguousarray(value), allow_pickle=False)
    return buffer.getvalue()


def write_run(path, record):
    """Write a run record (``run_record``'s dict) atomically: its arrays to the ``.npz`` beside
    ``path`` first, then the JSON at ``path`` with the npz's SHA-256 and its own checksum."""
    arrays = flatten(record)
    data = npz_bytes(arrays)
    files.write_atomic(arrays_path(path), data)
    body = {k: v for k, v in record.items() if k not in ARRAY_KEYS and k != "checksum"}
    body["seed_stats"] = {k: record["seed_stats"][k] for k in ("n_solved", "n_seeds")}
    members = {name: [str(a.dtype), list(a.shape)] for name, a in arrays.items()}
    body["arrays"] = {"sha256": hashlib.sha256(data).hexdigest(), "members": members}
    files.write_json_atomic(path, {**body, "checksum": _checksum(body)})


def _check_arrays(path, record):
    """Raise ``ResultsError`` unless the ``.npz`` beside ``path`` is the one ``record`` was written with."""
    arrays = record["arrays"]
    if not isinstance(arrays, dict) or not isinstance(arrays.get("members"), dict):
        raise ResultsError(f"El archivo de resultados {path} no describe sus arreglos.")
    npz = arrays_path(path)
    try:
        digest = file_sha256(npz)
    except FileNotFoundError:
        raise ResultsError(f"Falta el archivo de arreglos {npz} de los resultados {path.name}.") from None
    if digest != arrays.get("sha256"):
        raise ResultsError(f"El archivo de arreglos {npz} no es el de {path.name} (su suma no coincide).")


def read_run(path):
    """Read and validate a results JSON and its ``.npz`` (by its SHA-256, not decoded); return the
    JSON's dict. Raises ``ResultsError`` (Spanish) if either is not whole, ``OtherSchema`` (one)
    for a record of another schema."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"No existe el archivo de resultados {path}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ResultsError(f"El archivo de resultados {path} está incompleto o dañado: {error}.") from None
    if not isinstance(record, dict):
        raise ResultsError(f"El archivo de resultados {path} no contiene un objeto JSON.")
    if record.get("schema") != SCHEMA:
        raise OtherSchema(
            f"El archivo {path} tiene el esquema {record.get('schema')!r}; se esperaba {SCHEMA}: "
            "vuelva a ejecutar el barrido (make report), que lo recalcula."
        )
    missing = [k for k in REQUIRED_KEYS if k not in record]
    if missing:
        raise ResultsError(f"Al archivo de resultados {path} le faltan campos: {', '.join(missing)}.")
    if record.get("checksum") != _checksum(record):
        raise ResultsError(f"El archivo de resultados {path} fue modificado tras escribirse (su suma no coincide).")
    _check_arrays(path, record)
    return record


def read_record(path, record=None):
    """``read_run`` (or the dict ``record`` already read from ``path``) as its typed ``Record``
    view, whose arrays are read from the ``.npz`` when first used. Raises ``ResultsError``
    (Spanish) if it is not whole."""
    path = Path(path)
    record = read_run(path) if record is None else record
    try:
        arrays = NpzArrays(arrays_path(path), record["arrays"]["sha256"], record["arrays"]["members"])
        return Record.from_scalars(record, arrays)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ResultsError(f"El archivo de resultados {path} no tiene el formato esperado: {error!r}.") from None


# ---------------------------------------------------------------- the manifest
# reports/runs/manifest.json, written by sweep.py after every sweep:
#   {"schema": 1,
#    "grid": {"learning_rates": [...], "inits": [...], "losses": [...], "dataset", "n_h",
#             "iterations", "seed", "seeds"},
#    "runs": [{"id", "learning_rate", "init", "loss",
#              "status": "ok" | "failed",       # ok: executed now or taken from the cache
#              "notebook": "<id>.ipynb" | "<id>.failed.ipynb" | null,   # relative to the runs folder
#              "results": "<id>.json" | null,   # with its arrays beside it, <id>.npz
#              "cache_key": "…" | null,          # of an ok run: its results file carries the same
#              "error": null | "last line of the error"}]}

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = 1
GRID_PARAMETERS = ("dataset", "n_h", "iterations", "seed", "seeds")  # common to every run of a grid


def manifest_entry(
    run, *, learning_rate, init, loss, status="ok", error=None, notebook=None, results=None, cache_key=None
):
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
        "cache_key": cache_key if status == "ok" else None,
        "error": error,
    }


def manifest(grid, runs):
    """The manifest of a sweep: ``grid`` (a dict of the grid's values) and its entries in grid order."""
    return {"schema": MANIFEST_SCHEMA, "grid": grid, "runs": list(runs)}


def read_manifest(folder):
    """Read ``folder/manifest.json``. Raises ``ResultsError`` (Spanish) if absent or damaged."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"No hay manifiesto en {path}: ejecute primero `make runs`.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ResultsError(f"El manifiesto {path} está dañado: {error}.") from None
    ok = isinstance(manifest, dict) and manifest.get("schema") == MANIFEST_SCHEMA
    if not ok or not isinstance(manifest.get("grid"), dict) or not isinstance(manifest.get("runs"), list):
        raise ResultsError(f"El manifiesto {path} no tiene el formato esperado (esquema {MANIFEST_SCHEMA}).")
    return manifest


def mismatch(record, entry, grid, name):
    """Why the results ``record`` (a dict read from the file ``name``) is not the run of its
    manifest ``entry`` in a sweep of ``grid`` (the manifest's), or None when it is."""
    parameters = record["parameters"]
    if record["id"] != entry["id"] or name != f"{entry['id']}.json":
        return f"{name} contiene los resultados de la ejecución {record['id']}, no los de {entry['id']}"
    expected = {k: entry[k] for k in ("learning_rate", "init", "loss")} | {k: grid.get(k) for k in GRID_PARAMETERS}
    differ = [k for k, v in expected.items() if parameters.get(k) != v]
    if differ:
        shown = ", ".join(f"{k} = {parameters.get(k)!r} (el manifiesto dice {expected[k]!r})" for k in differ)
        return f"{name} es de otra ejecución: {shown}"
    if entry.get("cache_key") and record.get("cache_key") != entry["cache_key"]:
        return f"{name} no es el de este barrido (su clave de caché es otra)"
    return None


def load_runs(folder):
    """The manifest's runs, each with its results attached.

    Returns a list of the manifest's run entries (dicts), in grid order, each with a
    ``"record"`` key: the run's ``Record`` view, or None for a failed run. A results file that
    fails validation, or that is not the run of its entry (``mismatch``), turns its run into a
    failed one whose ``error`` says why: the report never shows one run's numbers as another's.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    runs = []
    for entry in manifest["runs"]:
        entry = {**entry, "record": None}
        if entry.get("status") == "ok":
            try:
                path = folder / entry["results"]
                record = read_run(path)
                problem = mismatch(record, entry, manifest["grid"], path.name)
                if problem:
                    raise ResultsError(f"El archivo de resultados {problem}.")
                entry["record"] = read_record(path, record)
            except ResultsError as error:
                entry.update(status="failed", error=str(error))
        runs.append(entry)
    return runs
