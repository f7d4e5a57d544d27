"""How long and how much memory the runs to execute will take, and the confirmation of a big job.

A value on the command line can imply hours of work or more memory than the machine has
(``ITERATIONS=10000000``, ``SEEDS=100000``). Before any kernel starts, ``check`` estimates the
runs that are not cached; over ``LONG_SECONDS`` or over the free memory it refuses, printing
the estimate in Spanish, unless the user confirmed (``--si``, ``CONFIRM=1``).

The model: a run costs a fixed part (kernel reset, figures, files) plus, per state, the main
run (``train``) and the seeds (``train_seeds``, linear in their number and in ``n_h``); its
memory is that of a kernel plus the states it keeps (``results.stored_steps``) over the seeds.
The constants were measured on a 2-core machine (see the README's "Rendimiento"): an estimate
within a factor of about two, enough to tell seconds from hours.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from nnsimple_lab import results
from nnsimple_lab.grid import SweepInputError

LONG_SECONDS = 180  # "a few minutes": longer needs a confirmation
RUN_SECONDS = 1.0  # per run, whatever its size: kernel reset, four figures, its files
STATE_SECONDS = 53e-6  # per state: train and train_seeds' fixed part (Python's loop)
STATE_SECONDS_PER_H = 0.11e-6  # train, per hidden unit
SEED_SECONDS = 0.8e-6  # per state and seed
SEED_SECONDS_PER_H = 0.07e-6  # per state, seed and hidden unit
DRIVER_BYTES = 130 * 2**20  # the build's own process
WORKER_BYTES = 140 * 2**20  # a worker and its kernel, numpy and matplotlib imported
N_X, M = 2, 4  # inputs and examples of every data set (nnsimple.DATASETS)


class BudgetError(SweepInputError):
    """Work estimated over the limits, not confirmed; the message is Spanish and says how to go on."""


@dataclass(frozen=True)
class Estimate:
    """The estimated cost of executing ``runs`` runs with ``jobs`` workers."""

    runs: int
    jobs: int
    seconds: float
    peak_bytes: int
    available_bytes: int | None  # the system's free memory (None where it is not known)

    def too_much(self):
        """Why this needs a confirmation (Spanish), or None."""
        reasons = []
        if self.seconds > LONG_SECONDS:
            reasons.append(f"tardaría más de {LONG_SECONDS // 60} minutos")
        if self.available_bytes is not None and self.peak_bytes > self.available_bytes:
            reasons.append("necesitaría más memoria de la que hay libre")
        return " y ".join(reasons) or None

    def text(self):
        """The estimate as a Spanish sentence."""
        runs = f"{self.runs} {'ejecución' if self.runs == 1 else 'ejecuciones'} por calcular"
        jobs = f"{self.jobs} {'proceso' if self.jobs == 1 else 'procesos'}"
        free = f" (libre: {_size(self.available_bytes)})" if self.available_bytes is not None else ""
        return f"{runs}: unos {_duration(self.seconds)} con {jobs} y hasta {_size(self.peak_bytes)} de memoria{free}"


def run_seconds(parameters):
    """Estimated seconds of one run, from the experiment notebook's parameters."""
    states, n_h, seeds = parameters["iterations"] + 1, parameters["n_h"], parameters["seeds"]
    per_state = STATE_SECONDS + STATE_SECONDS_PER_H * n_h + seeds * (SEED_SECONDS + SEED_SECONDS_PER_H * n_h)
    return RUN_SECONDS + states * per_state


def run_bytes(parameters):
    """Estimated peak memory of one run in its kernel, beyond the kernel itself."""
    iterations, n_h, seeds = parameters["iterations"], parameters["n_h"], parameters["seeds"]
    steps = results.stored_steps(iterations)
    kept = iterations + 1 if steps is None else len(steps)
    size = n_h * N_X + 2 * n_h + 1  # parameters of one network
    per_seed = kept * 8 * 6  # costs and accuracies, their copies and the quantiles' sort
    main = kept * (size + 5) * 8 * 12  # history and curves, as arrays and as JSON
    step = seeds * n_h * M * 8 * 12  # one update's temporaries over the stacked networks
    return seeds * per_seed + main + step + 3 * (1 << 23)  # + training's blocks (training.BLOCK_BYTES)


def available_bytes():
    """The system's free memory (Linux's MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def estimate(specs, jobs=None):
    """The ``Estimate`` of executing ``specs`` (``cache.RunSpec``) with ``jobs`` workers (default one per core)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(specs) or 1))
    seconds = sorted((run_seconds(s.parameters) for s in specs), reverse=True)
    wall = max(sum(seconds) / jobs, seconds[0]) if seconds else 0.0
    biggest = sorted((run_bytes(s.parameters) for s in specs), reverse=True)[:jobs]
    peak = DRIVER_BYTES + jobs * WORKER_BYTES + sum(biggest)
    return Estimate(len(specs), jobs, wall, peak, available_bytes())


def check(specs, jobs=None, *, confirmed=False, say=None):
    """Refuse (``BudgetError``) work over the limits unless ``confirmed``; then ``say`` the estimate.

    ``say``: where a confirmed big job's estimate goes (a callable taking a line), default nowhere.
    """
    found = estimate(specs, jobs)
    why = found.too_much()
    if why is None:
        return found
    if not confirmed:
        raise BudgetError(
            f"este trabajo {why}: {found.text()}. No se empezó nada. Para empezarlo igual, añada "
            "CONFIRM=1 (make report CONFIRM=1 …) o --si; o pida menos (menos ITERATIONS, SEEDS o tasas)."
        )
    if say is not None:
        say(f"Confirmado (--si): {found.text()}.")
    return found


def _duration(seconds):
    if seconds < 90:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h".replace(".0 h", " h")


def _size(n):
    if n < 2**30:
        return f"{max(1, round(n / 2**20))} MiB"
    return f"{n / 2**30:.1f} GiB"
