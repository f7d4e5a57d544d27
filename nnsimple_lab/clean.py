"""``make clean``: remove what the builds wrote in ``reports/``, holding the build's lock.

    python -m nnsimple_lab.clean            # reports/ of the project; waits for a build at work

A build holds ``reports/.lock`` (and ``reports/runs/.lock``) from its sweep to its last file, so
a clean never removes files under a build that is writing or reading them. The lock files and
``.gitkeep`` stay: a process waiting on a lock file that was removed would get a lock nobody
else sees. Only the standard library: this runs with the system's Python when there is no venv.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nnsimple_lab import cli, files

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
KEEP = (files.LOCK_NAME, ".gitkeep")
PROG = "python -m nnsimple_lab.clean"


def clean(reports=REPORTS):
    """Remove every file and empty folder under ``reports`` but the lock files and ``.gitkeep``.

    Returns the number of files removed; raises ``files.StorageError`` when one cannot be.
    """
    reports = Path(reports)
    if not reports.is_dir():
        return 0
    waiting = f"Una compilación está trabajando en {reports.name}/; se borrará cuando termine…"
    runs = reports / "runs"
    with files.locked(reports, waiting), _maybe_locked(runs, waiting):
        removed = 0
        for path in sorted(reports.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            try:
                if path.is_dir() and not path.is_symlink():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif path.name not in KEEP:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
            except OSError as error:
                raise files.storage_error(error, "borrar") from None
    return removed


def _maybe_locked(folder, waiting):
    import contextlib

    return files.locked(folder, waiting) if folder.is_dir() else contextlib.nullcontext()


def main(argv=None):
    parser = cli.parser(PROG, "Borra lo generado en reports/ (conserva .venv); espera a una compilación en curso.")
    parser.parse_args(argv)
    cli.interrupt_on_signals()
    try:
        removed = clean()
    except files.StorageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return cli.EXIT_FAILED
    except KeyboardInterrupt:
        print("\nInterrumpido: no se borró nada más.", file=sys.stderr)
        return cli.EXIT_INTERRUPTED
    print(f"Borrado lo generado en reports/: {removed} {'archivo' if removed == 1 else 'archivos'}.")
    return cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
