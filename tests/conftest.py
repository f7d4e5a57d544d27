"""Shared fixtures: the small report notebook of tests/notebooks/, executed once for real."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


@pytest.fixture(scope="session")
def executed_report(tmp_path_factory):
    """Path of ``informe_minimo.ipynb`` executed by a real kernel (outputs made by outputs.py)."""
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / "informe_minimo.ipynb", as_version=4)
    # The kernel starts in the repository, so the notebook imports outputs.py from there.
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    path = tmp_path_factory.mktemp("informe") / "informe.ipynb"
    nbformat.write(nb, path)
    return path
