"""Shared fixtures: the small report notebook of tests/notebooks/, executed once for real."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


@pytest.fixture
def record():
    """A results record (``results.run_record``) of a short XOR run and 4 seeds, in memory."""
    import nnsimple as nn
    from nnsimple_lab import results, training

    X, Y = nn.load_dataset("xor")
    one = training.train(X, Y, learning_rate=0.5, iterations=60)
    many = training.train_seeds(X, Y, seeds=range(4), learning_rate=0.5, iterations=60)
    return results.run_record(one, many, dataset="xor", X=X, Y=Y, cache_key="abc", duration_s=0.1)


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


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Debian's chromium and chromium-driver) driven by selenium; skips without them.

    One per test module: it quits with the module, so no later test sees a browser process left.
    """
    import shutil

    driver_path = shutil.which("chromedriver")
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if driver_path is None or browser_path is None:
        pytest.skip("falta un navegador: instale los paquetes de Debian chromium y chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)  # nothing is downloaded
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def dask_executor():
    """One Dask LocalCluster of 2 worker processes (``cluster.DaskExecutor``) for the session's tests."""
    from nnsimple_lab import cluster

    executor = cluster.DaskExecutor(jobs=2)
    yield executor
    executor.shutdown()
