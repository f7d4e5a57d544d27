"""Tests of report.explorer: the data of the HTML report's offline explorer, and the explorer itself
in a real headless Chromium (Debian's chromium and chromium-driver): the menus switch runs."""

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import nnsimple as nn
from nnsimple_lab import render, results
from nnsimple_lab.report import explorer, runs
from tests.runsfolder import write_runs_folder

ROOT = Path(__file__).resolve().parents[1]
GRID = {"learning_rates": (0.1, 0.5), "inits": ("zeros", "random"), "losses": ("bce",), "iterations": 120, "seeds": 3}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("explorer")
    write_runs_folder(base / "runs", **GRID, failed=(results.run_id(0.1, "zeros", "bce"),))
    return base


def test_the_payload_has_every_run_of_the_grid_and_its_menus(folder):
    data = explorer.payload(runs.load(folder / "runs"))
    assert data["rates"] == ["0.1", "0.5"]
    assert [k for k, _ in data["inits"]] == ["zeros", "random"] and data["losses"] == [["bce", "BCE"]]
    assert set(data["runs"]) == {explorer.key(lr, i, "bce") for lr in (0.1, 0.5) for i in ("zeros", "random")}
    failed = data["runs"][explorer.key(0.1, "zeros", "bce")]
    assert failed["error"].startswith("ejecución fallida") and "cost" not in failed
    json.dumps(data, allow_nan=False)  # strict JSON: no nan


def test_a_run_entry_matches_its_record(folder):
    run = runs.find(runs.load(folder / "runs"), 0.5, "random", "bce")
    entry = explorer.entry(run)
    r = run.record
    assert entry["cost"][0] == [0, pytest.approx(r.costs[0], rel=1e-5)]
    assert entry["cost"][-1] == [r.iterations, pytest.approx(r.costs[-1], rel=1e-5)]
    assert len(entry["boundary"]) == explorer.GRID**2
    center = explorer.boundary(r.final_parameters)[(explorer.GRID**2) // 2]  # x = (0.5, 0.5)
    A2, _ = nn.forward_prop(np.array([[0.5], [0.5]]), r.final_parameters)
    assert center == pytest.approx(float(A2[0, 0]), abs=1e-3)
    assert dict(entry["numbers"])["Semillas que alcanzan 100 %"] == f"{r.seeds.n_solved} de {r.seeds.n_seeds}"


def test_a_long_run_sends_a_bounded_curve():
    assert len(explorer._indices(1_000_001)) == explorer.POINTS
    assert explorer._indices(5).tolist() == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------- in a browser


def explorer_page(folder):
    """An executed notebook that shows the explorer of ``folder/runs``, rendered to HTML."""
    source = (
        "from nnsimple_lab import outputs\n"
        "from nnsimple_lab.report import explorer, runs\n"
        f"outputs.show_explorer(explorer.payload(runs.load({str(folder / 'runs')!r})))\n"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    page = folder / "informe.html"
    render.render(nb, html=page)
    return page


@pytest.mark.slow
def test_the_menus_switch_runs_offline(folder, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    page = explorer_page(folder)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.read_text())  # nothing to fetch
    chromium.get(page.as_uri())
    section = chromium.find_element(By.CSS_SELECTOR, ".explorador")
    menus = {m.get_attribute("data-eje"): Select(m) for m in section.find_elements(By.TAG_NAME, "select")}
    assert [o.text for o in menus["rate"].options] == ["α = 0.1", "α = 0.5"]
    shown = {}
    for rate in ("0.1", "0.5"):
        menus["rate"].select_by_value(rate)
        menus["init"].select_by_value("random")
        cells = section.find_elements(By.CSS_SELECTOR, ".explorador-cifras dd")
        shown[rate] = [c.text for c in cells]
        curve = section.find_element(By.CSS_SELECTOR, ".explorador-costo polyline").get_attribute("points")
        shown[rate].append(curve)
    loaded = runs.load(folder / "runs")
    for rate in ("0.1", "0.5"):
        record = runs.find(loaded, float(rate), "random", "bce").record
        assert shown[rate][:5] == [v for _, v in explorer.numbers(record)]
    assert shown["0.1"][-1] != shown["0.5"][-1]  # another curve
    menus["rate"].select_by_value("0.1")
    menus["init"].select_by_value("zeros")  # the failed run
    message = section.find_element(By.CSS_SELECTOR, ".explorador-mensaje").text
    assert message.startswith("ejecución fallida")
    assert not section.find_element(By.CSS_SELECTOR, ".explorador-vista").is_displayed()
