"""Files that are never half-written: the one atomic writer, the folder lock, temporaries.

Every file the project writes under ``reports/`` goes through ``write_atomic`` (or its JSON
form): a reader sees the previous file or the whole new one, never a partial write. Work in
progress is named ``.tmp-*`` (or ``.<name>.*.tmp``) and promoted with ``promote``. A write that
the system refuses (full disk, read-only folder, no permission) raises ``StorageError``: an
``OSError`` whose message, in Spanish, names the path and what to do.

Only the standard library: ``make clean`` (``nnsimple_lab.clean``) runs this without the venv.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
import tempfile
from pathlib import Path

TMP_PREFIX = ".tmp-"  # work in progress of a run, in the runs folder
LOCK_NAME = ".lock"
FILE_MODE = 0o644  # what a user's umask usually gives: readable by the group and others

_FULL = ("el disco está lleno", "libere espacio y vuelva a lanzarlo")
_READ_ONLY = (
    "la carpeta está en un sistema de archivos de solo lectura",
    "vuelva a montarla con escritura o elija otra carpeta (make report lo escribe todo en reports/)",
)
_DENIED = ("no hay permiso para escribir ahí", "dé permiso de escritura (chmod u+w) a la carpeta o elija otra")
CAUSES = {  # errno -> (what happened, what to do), in Spanish
    errno.ENOSPC: _FULL,
    errno.EDQUOT: ("se agotó la cuota de disco del usuario", "libere espacio y vuelva a lanzarlo"),
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
}


class StorageError(OSError):
    """The system refused to write, rename or remove a file. ``str()`` is a Spanish sentence that
    names the path, why and what to do; ``strerror`` is its why and what to do."""

    def __init__(self, code, strerror, filename, message):
        super().__init__(code, strerror, filename)
        self.message = message

    def __str__(self):
        return self.message


def storage_error(error, doing="escribir"):
    """The ``StorageError`` of an ``OSError`` met while ``doing`` ("escribir", "renombrar", …)
    its file; an error that already is one is returned as it is."""
    if isinstance(error, StorageError):
        return error
    cause, advice = CAUSES.get(error.errno, (error.strerror or str(error), "compruebe la carpeta y vuelva a lanzarlo"))
    path = error.filename if error.filename is not None else "?"
    target = f" a {error.filename2}" if error.filename2 else ""
    strerror = f"{cause}; {advice}"
    return StorageError(
        error.errno, strerror, path, f"No se pudo {doing} {path}{target}: {cause}. Qué hacer: {advice}."
    )


def is_storage_failure(error):
    """True for an OSError that says the disk or the folder refuses writes (full, read-only, denied)."""
    return isinstance(error, OSError) and error.errno in CAUSES


def write_atomic(path, data):
    """Write ``data`` (bytes or str, UTF-8) to ``path``: a temporary file beside it, then a rename.

    The folder is created if needed; on any failure the temporary file is removed and the
    previous ``path``, if any, is left as it was.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise storage_error(_named(error, path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise storage_error(_named(error, path)) from None
        raise


def _named(error, path):
    """``error`` naming the file the user knows (a temporary's name would mean nothing to them)."""
    return OSError(error.errno, error.strerror, str(path))


def json_bytes(obj):
    """Compact UTF-8 JSON, strict (no nan or inf)."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def write_json_atomic(path, obj):
    """``write_atomic`` of ``obj`` as compact JSON."""
    write_atomic(path, json_bytes(obj))


def write_json_if_changed(path, obj):
    """Write ``obj`` atomically unless ``path`` already holds the same JSON; True if written.

    An unchanged file keeps its modification time, so whatever is built from it stays current.
    """
    with contextlib.suppress(OSError, ValueError):
        if json.loads(Path(path).read_text(encoding="utf-8")) == obj:
            return False
    write_json_atomic(path, obj)
    return True


def promote(temporary, final):
    """Put a finished temporary file at its final path (same folder: one atomic rename).

    On failure the temporary file is removed and ``StorageError`` raised.
    """
    try:
        os.replace(temporary, final)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise storage_error(OSError(error.errno, error.strerror, str(final)), "poner en su sitio") from None


def remove_temporaries(folder, patterns=(f"{TMP_PREFIX}*", ".*.tmp")):
    """Remove work in progress left in ``folder`` by a process that did not finish (best effort:
    a folder that cannot be written holds none that this project could have left)."""
    for pattern in patterns:
        for path in Path(folder).glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def remove(path):
    """Remove ``path`` if it exists (nothing is written when it does not: a read-only folder is
    fine); ``StorageError`` if the system refuses."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise storage_error(error, "borrar") from None


def make_folder(folder):
    """Create ``folder`` (and its parents) if missing; ``StorageError`` if the system refuses."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise storage_error(error, "crear la carpeta") from None


def _open_lock(folder):
    """The lock file's descriptor; read-only where the folder cannot be written (flock works on it)."""
    path = Path(folder) / LOCK_NAME
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        if error.errno not in CAUSES:
            raise storage_error(error, "abrir") from None
        try:
            return os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise storage_error(error, "crear el candado") from None


@contextlib.contextmanager
def locked(folder, waiting):
    """Hold ``folder/.lock`` (``fcntl.flock``) for the block; if another process holds it, say
    ``waiting`` on stderr (unless None: a notebook's kernel, whose stderr is an output) and wait for it.

    The lock file is never removed (``make clean`` keeps it): a process waiting on a removed
    file would get a lock nobody else sees.
    """
    fd = _open_lock(folder)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                print(waiting, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
