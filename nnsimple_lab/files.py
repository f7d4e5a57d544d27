"""Files that are never half-written: the one atomic writer, the folder lock, temporaries.

Every file the project writes under ``reports/`` goes through ``write_atomic`` (or its JSON
form): a reader sees the previous file or the whole new one, never a partial write. Work in
progress is named ``.tmp-*`` (or ``.<name>.*.tmp``) and promoted with ``promote``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import tempfile
from pathlib import Path

TMP_PREFIX = ".tmp-"  # work in progress of a run, in the runs folder
LOCK_NAME = ".lock"
FILE_MODE = 0o644  # what a user's umask usually gives: readable by the group and others


def write_atomic(path, data):
    """Write ``data`` (bytes or str, UTF-8) to ``path``: a temporary file beside it, then a rename.

    The folder is created if needed; on any failure the temporary file is removed and the
    previous ``path``, if any, is left as it was.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    """Put a finished temporary file at its final path (same folder: one atomic rename)."""
    os.replace(temporary, final)


def remove_temporaries(folder, patterns=(f"{TMP_PREFIX}*", ".*.tmp")):
    """Remove work in progress left in ``folder`` by a process that did not finish."""
    for pattern in patterns:
        for path in Path(folder).glob(pattern):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


@contextlib.contextmanager
def locked(folder, waiting):
    """Hold ``folder/.lock`` (``fcntl.flock``) for the block; if another process holds it, say
    ``waiting`` on stderr and wait for it."""
    fd = os.open(Path(folder) / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(waiting, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
