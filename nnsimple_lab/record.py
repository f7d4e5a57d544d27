"""The typed, read-only view of one run's results: what the report reads (via ``results``).

A ``Record`` holds a run's scalars (its parameters, its outcome) and reads its arrays only when
asked for (``costs``, ``history``, ``seeds.cost_quantiles``, …), each once, from an
``ArraySource``: the run's ``<id>.npz`` on disk (``NpzArrays``, what ``results.read_record``
gives) or arrays already in memory (``MemoryArrays``, what ``Record.from_dict`` gives for a dict
in ``results.run_record``'s layout). So a report that draws a hundred curves out of a thousand
runs reads a hundred runs' curves. The arrays' flat names (``FLAT``) are the npz's members.
"""

from __future__ import annotations

import hashlib
import io
import math
import statistics
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np


class ResultsError(ValueError):
    """A results file that is missing, truncated, hand-edited or from another schema (Spanish)."""

    __module__ = "nnsimple_lab.results"  # where it is imported from: error lines name it so


def array(values):
    """A stored list -> float array, with ``None`` (non-finite) back to nan."""
    return np.array(values, dtype=float)


def _float(value):
    """A stored number -> float, ``None`` (non-finite) -> nan."""
    return math.nan if value is None else float(value)


# ---------------------------------------------------------------- the arrays, by flat name
# run_record's nested layout -> flat names: (name, path in the dict, kind). "float": nan where the
# dict has None (non-finite); "int"; "bool"; "count": an int, None (never) stored as -1. A
# "{k}" stands for every key of that dict (the parameters W1, b1, W2, b2).
FLAT = (
    ("X", ("data", "X"), "float"),
    ("Y", ("data", "Y"), "float"),
    ("steps", ("steps",), "int"),
    ("costs", ("costs",), "float"),
    ("accuracy", ("accuracy",), "float"),
    ("history.{k}", ("history", "{k}"), "float"),
    ("final.{k}", ("final_parameters", "{k}"), "float"),
    ("A2", ("predictions", "A2"), "float"),
    ("yhat", ("predictions", "yhat"), "int"),
    ("seeds.seeds", ("seed_stats", "seeds"), "int"),
    ("seeds.final_cost", ("seed_stats", "final_cost"), "float"),
    ("seeds.final_accuracy", ("seed_stats", "final_accuracy"), "float"),
    ("seeds.iterations_to_solve", ("seed_stats", "iterations_to_solve"), "count"),
    ("seeds.solved", ("seed_stats", "solved"), "bool"),
    ("seeds.diverged", ("seed_stats", "diverged"), "bool"),
    ("seeds.{k}", ("seed_stats", "cost_quantiles", "{k}"), "float"),
)
DTYPES = {"float": np.float64, "int": np.int64, "bool": np.bool_, "count": np.int64}
ARRAY_KEYS = ("data", "steps", "costs", "accuracy", "history", "final_parameters", "predictions")  # top level
SEED_ARRAY_KEYS = ("seeds", "final_cost", "final_accuracy", "iterations_to_solve", "solved", "diverged")


def _converted(values, kind):
    if kind == "count":
        return np.array([-1 if v is None else int(v) for v in values], dtype=np.int64)
    if kind == "float":
        return array(values)
    return np.array(values, dtype=DTYPES[kind])


def flatten(record):
    """``{flat name: array}`` of a dict in ``results.run_record``'s layout (lists or arrays);
    ``steps`` is 0, 1, …, K - 1 when the dict has none. KeyError/TypeError/ValueError if a field
    is missing or of the wrong kind."""
    out = {}
    for name, path, kind in FLAT:
        if path == ("steps",):
            out[name] = _converted(record.get("steps", range(len(record["costs"]))), kind)
            continue
        node = record
        for part in path[:-1]:
            node = node[part]
        keys = node if path[-1] == "{k}" else [path[-1]]
        for key in keys:
            out[name.replace("{k}", str(key))] = _converted(node[key], kind)
    return out


def _check_states(steps, iterations):
    """Raise ValueError unless ``steps`` runs from 0 to ``iterations``, increasing."""
    if len(steps) == 0 or steps[0] != 0 or steps[-1] != iterations or np.any(np.diff(steps) <= 0):
        raise ValueError(f"los estados guardados no concuerdan: {len(steps)} índices que no van de 0 a {iterations}")


def _length(shape):
    return shape[0] if shape else None


def check_shapes(shapes, n_seeds):
    """Raise ValueError unless the arrays (``shapes``: {flat name: shape}) are all there, the
    K-long ones (curves, history, the seeds' quantiles) of one K and the per-seed ones of
    ``n_seeds``. Returns K."""
    missing = [n for n, _, _ in FLAT if "{k}" not in n and n not in shapes]
    missing += [p for p in ("history.", "final.", "seeds.q") if not any(n.startswith(p) for n in shapes)]
    if missing:
        raise ValueError(f"faltan los arreglos {', '.join(missing)}")
    curves = [n for n in shapes if n in ("steps", "costs", "accuracy") or n.startswith(("history.", "seeds.q"))]
    lengths = {_length(shapes[n]) for n in curves}
    per_seed = {_length(shapes[f"seeds.{k}"]) for k in SEED_ARRAY_KEYS}
    if len(lengths) != 1 or None in lengths or per_seed != {n_seeds}:
        shown = sorted(map(str, lengths | per_seed))
        raise ValueError(f"los estados guardados no concuerdan: longitudes {', '.join(shown)}")
    return lengths.pop()


class MemoryArrays:
    """Arrays already in memory, by flat name."""

    def __init__(self, arrays):
        self._arrays = dict(arrays)
        self.shapes = {name: tuple(a.shape) for name, a in self._arrays.items()}

    def get(self, name):
        return self._arrays[name]


class NpzArrays:
    """A run's ``.npz``, opened on the first ``get`` (its bytes checked against ``sha256``), each
    member read once and checked against its declared dtype and shape (``declared``:
    {flat name: [dtype, shape]}, from the results JSON). Raises ``ResultsError`` (Spanish)."""

    def __init__(self, path, sha256, declared):
        self.path, self.sha256 = Path(path), str(sha256)
        self.declared = {str(n): (str(d), tuple(int(x) for x in s)) for n, (d, s) in declared.items()}
        self.shapes = {n: s for n, (_, s) in self.declared.items()}
        self._npz, self._read = None, {}

    @property
    def read(self):
        """The names of the members read so far, in order."""
        return tuple(self._read)

    def _open(self):
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise ResultsError(f"No existe el archivo de arreglos {self.path}.") from None
        if hashlib.sha256(data).hexdigest() != self.sha256:
            message = f"El archivo de arreglos {self.path} fue modificado tras escribirse (su suma no coincide)."
            raise ResultsError(message)
        return np.load(io.BytesIO(data), allow_pickle=False)

    def get(self, name):
        if name not in self._read:
            if name not in self.declared:
                raise KeyError(name)
            self._npz = self._npz if self._npz is not None else self._open()
            try:
                value = self._npz[name]
            except (KeyError, ValueError, OSError) as error:
                raise ResultsError(f"El archivo de arreglos {self.path} no tiene {name} legible: {error}.") from None
            dtype, shape = self.declared[name]
            if str(value.dtype) != dtype or value.shape != shape:
                raise ResultsError(f"El archivo de arreglos {self.path} tiene {name} de otra forma o tipo.")
            self._read[name] = value
        return self._read[name]


# eq=False: numpy arrays have no single truth value, so field-by-field equality is meaningless.
@dataclass(frozen=True, eq=False)
class SeedStats:
    """The run's configuration trained from several seeds; arrays run over the S seeds (read on
    first use)."""

    n_solved: int
    n_seeds: int
    source: object = field(repr=False)  # an ArraySource

    @cached_property
    def seeds(self):  # (S,) ints
        return tuple(int(s) for s in self.source.get("seeds.seeds"))

    @cached_property
    def final_cost(self):  # (S,), nan where non-finite
        return self.source.get("seeds.final_cost")

    @cached_property
    def final_accuracy(self):  # (S,)
        return self.source.get("seeds.final_accuracy")

    @cached_property
    def iterations_to_solve(self):  # (S,) int, or None where the seed never stays solved
        return tuple(None if k < 0 else int(k) for k in self.source.get("seeds.iterations_to_solve"))

    @cached_property
    def solved(self):  # (S,) bool
        return self.source.get("seeds.solved")

    @cached_property
    def diverged(self):  # (S,) bool
        return self.source.get("seeds.diverged")

    @cached_property
    def cost_quantiles(self):  # (q10, q50, q90), each (K,): the cost over seeds at each kept state
        return tuple(self.source.get(f"seeds.{q}") for q in ("q10", "q50", "q90"))

    @property
    def n_diverged(self):
        return int(self.diverged.sum())

    @property
    def median_iterations_to_solve(self):
        """Median iterations to solve over the seeds that solve; None if none does."""
        solved = [k for k in self.iterations_to_solve if k is not None]
        return statistics.median(solved) if solved else None


@dataclass(frozen=True, eq=False)
class Record:
    """A typed view of one run's results (the dict of ``run_record``).

    Its arrays run over the K kept states, ``steps`` (0, 1, …, iterations unless the run had
    more than ``ALL_STATES`` states): ``costs[j]`` is the cost after ``steps[j]`` updates, and
    ``index_of(k)`` is where state k is. Counts (``iterations_to_solve``) are exact. The scalars
    are read with the record; each array when first used (``source``).
    """

    id: str
    learning_rate: float
    init: str
    loss: str
    dataset: str
    n_h: int
    iterations: int
    seed: int  # the main run's seed
    n_states: int  # K
    final_cost: float  # nan when non-finite
    final_accuracy: float
    iterations_to_solve: int | None  # state from which accuracy stays 100 %; None if never
    solved: bool
    diverged: bool  # the cost ended higher than it started, or not finite
    seeds: SeedStats
    versions: dict  # python, numpy, nnsimple (SHA-256 of nnsimple.py)
    source: object = field(repr=False)  # an ArraySource: MemoryArrays or NpzArrays

    def _group(self, prefix):
        names = [n for n in self.source.shapes if n.startswith(prefix)]
        return {n.removeprefix(prefix): self.source.get(n) for n in names}

    @cached_property
    def steps(self):  # (K,) ints: the kept states, 0 first and iterations last
        steps = self.source.get("steps")
        try:
            _check_states(steps, self.iterations)
        except ValueError as error:
            raise ResultsError(f"Los resultados de {self.id} no tienen el formato esperado: {error}.") from None
        return steps

    @cached_property
    def X(self):  # (n_x, m)
        return self.source.get("X")

    @cached_property
    def Y(self):  # (1, m)
        return self.source.get("Y")

    @cached_property
    def costs(self):  # (K,), nan where non-finite; entry j: after steps[j] updates
        return self.source.get("costs")

    @cached_property
    def accuracy(self):  # (K,)
        return self.source.get("accuracy")

    @cached_property
    def history(self):  # W1 (K, n_h, n_x), b1 (K, n_h, 1), W2 (K, 1, n_h), b2 (K, 1, 1)
        return self._group("history.")

    @cached_property
    def final_parameters(self):  # W1 (n_h, n_x), b1, W2, b2
        return self._group("final.")

    @cached_property
    def A2(self):  # (1, m) final output
        return self.source.get("A2")

    @property
    def every_state(self):
        """True when every state is kept (``steps`` is 0, 1, …, iterations)."""
        return self.n_states == self.iterations + 1

    def index_at_or_before(self, k):
        """Where the last kept state at or before state ``k`` is in the arrays (``k`` itself when
        every state is kept; negative: from the end)."""
        k = self.iterations + 1 + k if k < 0 else k
        return max(0, int(np.searchsorted(self.steps, k, side="right")) - 1)

    def index_of(self, k):
        """Where state ``k`` (after k updates; negative: from the end) is in the arrays; KeyError if not kept."""
        k = self.iterations + 1 + k if k < 0 else k
        j = int(np.searchsorted(self.steps, k))
        if j == len(self.steps) or self.steps[j] != k:
            raise KeyError(f"La ejecución {self.id} no guarda el estado {k} (guarda {len(self.steps)} estados).")
        return j

    @classmethod
    def from_dict(cls, record):
        """The view of a dict in ``results.run_record``'s layout, its arrays in memory. Raises
        ``KeyError``/``TypeError``/``ValueError`` when a field is missing or of the wrong kind."""
        source = MemoryArrays(flatten(record))
        _check_states(source.get("steps"), int(record["parameters"]["iterations"]))
        return cls.from_scalars(record, source)

    @classmethod
    def from_scalars(cls, record, source):
        """The view of a record's scalar fields (parameters, summary, seed counts, versions: the
        results JSON) with its arrays in ``source``. Raises ``KeyError``/``TypeError``/``ValueError``."""
        parameters, summary, stats = record["parameters"], record["summary"], record["seed_stats"]
        final_cost = _float(summary["final_cost"])
        iterations = int(parameters["iterations"])
        return cls(
            id=str(record["id"]),
            learning_rate=float(parameters["learning_rate"]),
            init=str(parameters["init"]),
            loss=str(parameters["loss"]),
            dataset=str(parameters["dataset"]),
            n_h=int(parameters["n_h"]),
            iterations=iterations,
            seed=int(parameters["seed"]),
            n_states=check_shapes(source.shapes, int(stats["n_seeds"])),
            final_cost=final_cost,
            final_accuracy=_float(summary["final_accuracy"]),
            iterations_to_solve=None if summary["iterations_to_solve"] is None else int(summary["iterations_to_solve"]),
            solved=bool(summary["solved"]),
            diverged=bool(summary["diverged"]) or not math.isfinite(final_cost),  # a non-finite end is divergence
            seeds=SeedStats(n_solved=int(stats["n_solved"]), n_seeds=int(stats["n_seeds"]), source=source),
            versions={k: str(v) for k, v in record["versions"].items()},
            source=source,
        )
