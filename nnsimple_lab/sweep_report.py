"""What a sweep did: the tally kept as it goes, the ``SweepReport`` it becomes, and its Spanish
summary; ``SweepInterrupted`` carries the report of an interrupted sweep."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from nnsimple_lab import cli, results
from nnsimple_lab.grid import Grid
from nnsimple_lab.report.es import plural


class SweepInterrupted(KeyboardInterrupt):
    """The sweep was interrupted; ``report`` holds what had finished (already in place)."""

    def __init__(self, report):
        super().__init__()
        self.report = report


@dataclass
class SweepReport:
    """What a sweep did. ``runs`` are the manifest's entries, in grid order."""

    grid: Grid
    out: Path
    runs: list
    executed: list  # ids executed now, successfully
    cached: list  # ids taken from the cache
    failed: list  # ids that failed
    damaged: list  # ids whose results file was damaged or hand-edited, so they were re-run
    seconds: float
    run_seconds: list  # duration of each executed run, as the worker measured it
    jobs: int  # worker processes of the pool (or of Dask); 0 with another executor given by the caller
    planned: int = 0  # runs in the grid (``runs`` holds fewer when the sweep was interrupted)
    retried: list = field(default_factory=list)  # (id, why) of the runs executed a second time

    @property
    def exit_code(self):
        return cli.EXIT_FAILED if self.failed else cli.EXIT_OK

    def summary(self):
        """A Spanish summary for the terminal."""
        n = len(self.runs)
        lines = [f"Barrido terminado en {self.seconds:.1f} s: {plural(n, 'ejecución', 'ejecuciones')} en la rejilla."]
        executed = f"  ejecutadas ahora: {len(self.executed)}"
        if self.run_seconds:
            mean = sum(self.run_seconds) / len(self.run_seconds)
            executed += f" ({mean:.1f} s cada una en promedio"
            executed += f", con {plural(self.jobs, 'proceso')})" if self.jobs else ")"
        lines += [executed, f"  desde la caché: {len(self.cached)}", f"  fallidas: {len(self.failed)}"]
        for run, why in self.retried:
            lines.append(f"  repetida una vez: {run} ({why})")
        if self.damaged:
            lines.append(
                "  con archivos dañados, editados a mano o de otra ejecución (se volvieron a ejecutar): "
                + ", ".join(self.damaged)
            )
        for entry in self.runs:
            if entry["status"] == "failed":
                lines.append(f"  × {entry['id']}: {entry['error']}")
                if entry["notebook"]:
                    lines.append(f"      cuaderno con el error: {self.out / entry['notebook']}")
        lines.append(f"Resultados en {self.out}; manifiesto: {self.out / results.MANIFEST}.")
        return "\n".join(lines)


@dataclass
class Tally:
    """What a sweep has done so far, as it goes; ``report()`` is its ``SweepReport``."""

    grid: Grid
    out: Path
    specs: list
    start: float = field(default_factory=time.perf_counter)
    entries: dict = field(default_factory=dict)  # run id -> manifest entry
    executed: list = field(default_factory=list)
    cached: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    damaged: list = field(default_factory=list)
    run_seconds: list = field(default_factory=list)
    jobs: int = 0
    retried: list = field(default_factory=list)

    def report(self):
        runs = [self.entries[s.id] for s in self.specs if s.id in self.entries]
        seconds = time.perf_counter() - self.start
        done = self.executed, self.cached, self.failed, self.damaged
        return SweepReport(
            self.grid, self.out, runs, *done, seconds, self.run_seconds, self.jobs, len(self.specs), self.retried
        )
