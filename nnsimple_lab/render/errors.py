"""How a rendering fails: one Spanish error type, and the one place a write failure becomes it."""

from __future__ import annotations

from nnsimple_lab import files


class RenderError(Exception):
    """A rendering failure, with a Spanish message for the user."""


def write_atomic(path, data):
    """``files.write_atomic(path, data)`` (bytes or str), a failure raised as a ``RenderError`` naming ``path``."""
    try:
        files.write_atomic(path, data)
    except OSError as error:
        raise RenderError(f"No se pudo escribir {path}: {error.strerror or error}") from error
