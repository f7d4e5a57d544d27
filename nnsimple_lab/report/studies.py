"""The report's two costliest studies, computed ahead on an idle core and read back only when provably the same.

The learning-rate scan (``scan.run_scan``) and the failing seeds' extension
(``outcomes.failing_and_others``) are most of the report notebook's training. While the report's
kernel works on question 1, the build runs ``prefetch`` in its other worker (the scan already in
the sweep's tail, from the grid: it needs no run): it computes both as the notebook's cells call
them, from the runs on disk, and stores each result in
``reports/studies/<study>/<key>.json``. The notebook's cells call ``run_scan`` and
``failing_and_others`` here, with the same arguments as the originals plus the runs folder: they
wait while the study is being computed (``files.locked`` on the study's folder; a process that
dies releases it), read the stored result when its key is theirs, and otherwise compute it
themselves, as before (no prefetch, a killed one, another grid, other code).

The key is a SHA-256 of everything the result depends on: the study, every argument (X and Y
by their bits, the rates by theirs), what the grid's runs stored (for ``failing_and_others``,
which reads their budgets: ``report.trained``), every project source file (``nnsimple.py`` and
``nnsimple_lab/``: any change gives another key), numpy's version and the machine. A file is
written atomically (``files.write_atomic``) and holds its key and the SHA-256 of its value; one
whose key or checksum is not the expected one is never read.

A value is stored as JSON whose every number keeps its bits: floats as their 8 bytes (a tuple
of floats, a numpy array: their bytes in base64), so a read result is the computed one bit for bit.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import platform
import struct
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nnsimple_lab import deps, files, results, vocab
from nnsimple_lab.config import ROOT
from nnsimple_lab.report import outcomes, q2_rate, q2_seeds, q3_loss, scan
from nnsimple_lab.report import runs as run_view

FOLDER = "studies"  # under reports/, beside runs/
SCAN, FAILING = "scan", "failing"  # the studies, one folder each (one lock each)
STORED = (scan.Scan, scan.RatePoint, vocab.Dataset, outcomes.SeedOutcomes, outcomes.Plateau)  # what a study returns
TYPES = {cls.__name__: cls for cls in STORED}


# ---------------------------------------------------------------- the setting the studies share


class Setting(NamedTuple):
    """What the report's studies train on, from the runs (their records) and the grid (the manifest's)."""

    X: np.ndarray  # (n_x, m): the data of the first run that ran, else the grid's data set
    Y: np.ndarray  # (1, m)
    loss: str  # the course's loss (BCE) for questions 1 and 2, when the grid has it
    init: str  # the course's initialisation (random) for questions 2 and 3
    iterations: int  # the runs' iterations (the grid's when they differ)
    n_h: int  # the grid's hidden units
    seeds: range  # the runs' seeds 0..S-1 (the grid's when they differ)
    main_seed: int  # the runs' main seed (the grid's when they differ)


def setting(runs, grid):
    """``Setting`` of ``runs`` (``report.runs.Run``) and ``grid`` (the manifest's ``"grid"``)."""
    X, Y = run_view.dataset_arrays(runs, grid)
    main_seed = run_view.common(runs, lambda r: r.seed)
    return Setting(
        X=X,
        Y=Y,
        loss=run_view.primary_loss(runs),
        init=vocab.REFERENCE_INIT,
        iterations=run_view.common(runs, lambda r: r.iterations) or grid["iterations"],
        n_h=grid.get("n_h", 2),
        seeds=range(run_view.common(runs, lambda r: r.seeds.n_seeds) or grid["seeds"]),
        main_seed=grid.get("seed", 2) if main_seed is None else main_seed,
    )


# ---------------------------------------------------------------- values as bit-exact JSON


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def encode(value):
    """``value`` as JSON-able data that ``decode`` turns back into the same value, bit for bit.

    Handles None, bool, int, str, float, numpy arrays and scalars, tuples, lists, dicts and the
    dataclasses in ``TYPES``; every JSON object holds one tag. Raises ``TypeError`` on anything else.
    """
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return {"f": struct.pack("<d", value).hex()}
    if isinstance(value, np.ndarray):
        return {"a": [value.dtype.str, list(value.shape), _b64(np.ascontiguousarray(value).tobytes())]}
    if isinstance(value, np.generic):
        return {"n": [value.dtype.str, value.tobytes().hex()]}
    if type(value) is tuple:
        if value and all(type(v) is float for v in value):  # a cost curve: one blob, not a thousand objects
            return {"ft": _b64(np.array(value, dtype="<f8").tobytes())}
        return {"t": [encode(v) for v in value]}
    if type(value) is list:
        return {"l": [encode(v) for v in value]}
    if type(value) is dict:
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    if TYPES.get(type(value).__name__) is type(value):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"o": [type(value).__name__, fields]}
    raise TypeError(f"cannot store a {type(value).__name__}")


def decode(data):
    """The value ``encode`` gave ``data`` for; ``ValueError`` (or ``KeyError``, ``TypeError``, ``AttributeError``)
    if malformed."""
    if data is None or type(data) in (bool, int, str):
        return data
    (tag, body), *more = data.items()
    if more:
        raise ValueError("one tag per object")
    if tag == "f":
        return struct.unpack("<d", bytes.fromhex(body))[0]
    if tag == "a":
        dtype, shape, blob = body
        return np.frombuffer(base64.b64decode(blob), dtype=np.dtype(dtype)).reshape(shape).copy()
    if tag == "n":
        dtype, blob = body
        return np.frombuffer(bytes.fromhex(blob), dtype=np.dtype(dtype))[0]
    if tag == "ft":
        return tuple(np.frombuffer(base64.b64decode(body), dtype="<f8").tolist())
    if tag == "t":
        return tuple(decode(v) for v in body)
    if tag == "l":
        return [decode(v) for v in body]
    if tag == "d":
        return {decode(k): decode(v) for k, v in body}
    if tag == "o":
        name, fields = body
        return TYPES[name](**{k: decode(v) for k, v in fields.items()})
    raise ValueError(f"unknown tag {tag!r}")


# ---------------------------------------------------------------- keys and stored results


def _code():
    """SHA-256 over every project source file: the code any study may run."""
    return deps.fingerprint(deps.project_modules(ROOT).values(), ROOT)


def _runs_part(runs):
    """What the grid's runs stored, as ``report.trained`` reads it: per run its coordinates, status,
    configuration, versions and the SHA-256 of its arrays; None when a record has no checksum."""
    part = []
    for run in runs:
        entry = [run.id, run.status]
        if run.ok:
            record = run.record
            sha256 = getattr(record.source, "sha256", None)
            if sha256 is None:
                return None
            entry += [record.learning_rate, record.init, record.loss, record.n_h, record.iterations]
            entry += [record.seed, sorted(record.versions.items()), sha256]
        part.append(entry)
    return part


def key(study, arguments):
    """The SHA-256 (hex) naming ``study``'s result for these ``arguments`` (a dict; ``encode``-able)."""
    blob = {
        "study": study,
        "arguments": encode(arguments),
        "code": _code(),
        "numpy": np.__version__,
        "machine": platform.machine(),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode("utf-8")).hexdigest()


def folder(reports, study):
    """Where ``study``'s results are stored, and its lock."""
    return Path(reports) / FOLDER / study


def path(reports, study, name):
    """The file of the result keyed ``name``."""
    return folder(reports, study) / f"{name[:32]}.json"


def _file_bytes(name, value):
    """A result file: one line of header (its key, the SHA-256 of its value), then the value."""
    body = json.dumps(encode(value), separators=(",", ":")).encode("utf-8")
    header = json.dumps({"key": name, "sha256": hashlib.sha256(body).hexdigest()}).encode("utf-8")
    return header + b"\n" + body


def read(reports, study, name):
    """The stored result keyed ``name``, or None: no file, another key, a checksum or a format that fails."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError, struct.error):
        header, _, body = path(reports, study, name).read_bytes().partition(b"\n")
        meta = json.loads(header)
        if meta.get("key") == name and meta.get("sha256") == hashlib.sha256(body).hexdigest():
            return decode(json.loads(body))
    return None


def store(reports, study, name, value):
    """Write ``value`` as the result keyed ``name`` (atomically), and remove the study's other results.

    Call it holding the study's lock (``computing``): only one result per study is kept.
    """
    target = path(reports, study, name)
    files.write_atomic(target, _file_bytes(name, value))
    for other in target.parent.glob("*.json"):
        if other != target:
            files.remove(other)


@contextlib.contextmanager
def computing(reports, study):
    """Hold ``study``'s lock (its folder created if needed); its leftover temporaries are removed."""
    where = folder(reports, study)
    files.make_folder(where)
    with files.locked(where, None):
        files.remove_temporaries(where)
        yield


def _cached(reports, study, arguments, compute):
    """``compute()``, or the stored result for ``arguments`` (waiting while it is being computed)."""
    where = folder(reports, study)
    name = key(study, arguments) if arguments is not None else None
    if name is None or not where.is_dir():  # no prefetch has been here: nothing to wait for
        return compute()
    with files.locked(where, None):  # a prefetch computing it holds the lock until it is stored
        found = read(reports, study, name)
    return compute() if found is None else found


# ---------------------------------------------------------------- what the report's cells call


def _scan_arguments(X, Y, *, grid_rates, losses, doubled_losses=(), init, n_h, iterations, seeds, main_seed):
    """``scan.run_scan``'s arguments, normalised as it uses them (every container a tuple, numbers typed)."""
    return {
        "X": np.asarray(X),  # by its dtype and bits
        "Y": np.asarray(Y),
        "grid_rates": tuple(float(r) for r in grid_rates),
        "losses": tuple(str(x) for x in losses),
        "doubled_losses": tuple(str(x) for x in doubled_losses),
        "init": str(init),
        "n_h": int(n_h),
        "iterations": int(iterations),
        "seeds": tuple(int(s) for s in seeds),
        "main_seed": int(main_seed),
    }


def run_scan(runs_dir, X, Y, **arguments):
    """``scan.run_scan(X, Y, **arguments)``, or its result as a prefetch stored it beside ``runs_dir``."""
    reports = Path(runs_dir).parent
    return _cached(reports, SCAN, _scan_arguments(X, Y, **arguments), lambda: scan.run_scan(X, Y, **arguments))


def _failing_arguments(X, Y, *, failing_rate, rates, init, loss, n_h, iterations, seeds, runs=()):
    """``outcomes.failing_and_others``'s arguments, normalised; None when the runs' records have no checksums."""
    stored = _runs_part(runs)
    if stored is None:
        return None
    return {
        "X": np.asarray(X),  # by its dtype and bits
        "Y": np.asarray(Y),
        "failing_rate": None if failing_rate is None else float(failing_rate),
        "rates": tuple(float(r) for r in rates),
        "init": str(init),
        "loss": str(loss),
        "n_h": int(n_h),
        "iterations": int(iterations),
        "seeds": tuple(int(s) for s in seeds),
        "runs": stored,
    }


def failing_and_others(runs_dir, X, Y, **arguments):
    """``outcomes.failing_and_others(X, Y, **arguments)``, or its result as a prefetch stored it beside ``runs_dir``."""
    reports = Path(runs_dir).parent
    normalised = _failing_arguments(X, Y, **arguments)
    return _cached(reports, FAILING, normalised, lambda: outcomes.failing_and_others(X, Y, **arguments))


# ---------------------------------------------------------------- the prefetch (a build's worker)


def _ensure(reports, study, arguments, compute):
    """The stored result for ``arguments`` (holding the study's lock), computed and stored if missing."""
    name = key(study, arguments)
    found = read(reports, study, name)
    if found is None:
        found = compute()
        store(reports, study, name, found)
    return found


def prefetch(reports, grid=None):
    """Compute and store the report's scan, then its failing seeds' study, from ``reports/runs``.

    The arguments are those the report notebook's cells give (``informe.ipynb``: «sweep =
    studies.run_scan», «failing, others = studies.failing_and_others»); both locks are taken
    first, so that the report waits for a study in progress instead of computing it twice.
    ``grid`` (a ``grid.Grid.as_dict()``): before the runs exist (the sweep's tail), the scan only,
    from the grid's values, which the runs will have. Returns the studies stored or found,
    ``[study]``. Raises what the computation raises (``files.StorageError`` when the disk refuses).
    """
    runs_dir = Path(reports) / "runs"
    early = grid is not None
    runs = [] if early else run_view.load(runs_dir)
    grid = grid if early else results.read_manifest(runs_dir)["grid"]
    s = setting(runs, grid)
    common = {"init": s.init, "n_h": s.n_h, "iterations": s.iterations, "seeds": s.seeds}
    scan_args = {
        "grid_rates": sorted({float(r) for r in grid["learning_rates"]}) if early else run_view.learning_rates(runs),
        "losses": (q3_loss.REFERENCE, q3_loss.QUESTION_LOSS),
        "doubled_losses": (q3_loss.QUESTION_LOSS,),
        "main_seed": s.main_seed,
        **common,
    }
    done = []
    with contextlib.nullcontext() if early else computing(reports, FAILING):
        with computing(reports, SCAN):
            normalised = _scan_arguments(s.X, s.Y, **scan_args)
            sweep = _ensure(reports, SCAN, normalised, lambda: scan.run_scan(s.X, s.Y, **scan_args))
            done.append(SCAN)
        if early:
            return done
        failing_args = {
            "failing_rate": q2_seeds.failing_rate(runs, scan.window(sweep, s.loss), init=s.init, loss=s.loss),
            "rates": q2_rate.rates(runs, init=s.init, loss=s.loss),
            "loss": s.loss,
            "runs": runs,
            **common,
        }
        normalised = _failing_arguments(s.X, s.Y, **failing_args)
        if normalised is not None:
            _ensure(reports, FAILING, normalised, lambda: outcomes.failing_and_others(s.X, s.Y, **failing_args))
            done.append(FAILING)
    return done
