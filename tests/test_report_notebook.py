"""Tests of the report notebook as a build step: its outputs' paths, what it is made from (by
content), and its execution into a temporary file on a real runs folder."""

import json

import nbformat
import pytest

from nnsimple_lab import provenance, report_notebook, results
from nnsimple_lab.render import formats
from tests.projectcopy import copy_project
from tests.runsfolder import write_runs_folder


def test_outputs_name_every_format_of_the_registry(tmp_path):
    paths = report_notebook.outputs(tmp_path)
    assert paths["runs"] == tmp_path / "runs"
    assert paths["notebook"] == tmp_path / "informe.ipynb"
    assert paths["failed"] == tmp_path / "informe.failed.ipynb"
    for name, fmt in formats.FORMATS.items():
        assert paths[name] == tmp_path / f"informe{fmt.suffix}"


def test_report_inputs_follow_the_runs_and_the_code_by_content(tmp_path):
    project = copy_project(tmp_path / "project")
    reports = tmp_path / "reports"
    write_runs_folder(reports / "runs", learning_rates=(0.5,), losses=("bce",), iterations=20, seeds=2)
    before = report_notebook.report_inputs(reports, project)
    assert report_notebook.report_inputs(reports, project) == before  # nothing changed: same digests

    record = next(p for p in (reports / "runs").glob("*.json") if p.name != results.MANIFEST)
    data = json.loads(record.read_text(encoding="utf-8"))
    data["duration_s"] = 123.0
    record.write_text(json.dumps(data), encoding="utf-8")
    changed = report_notebook.report_inputs(reports, project)
    assert changed["runs"] != before["runs"] and changed["code"] == before["code"]

    (project / "lab.toml").write_text((project / "lab.toml").read_text() + "\n# otra línea\n")
    assert report_notebook.report_inputs(reports, project)["code"] != before["code"]


def test_rendering_inputs_change_with_the_executed_report(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    notebook = report_notebook.outputs(reports)["notebook"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("uno")]), notebook)
    first = {name: report_notebook.rendering_inputs(name, reports) for name in formats.FORMATS}
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("dos")]), notebook)
    second = {name: report_notebook.rendering_inputs(name, reports) for name in formats.FORMATS}
    assert all(first[name] != second[name] for name in formats.FORMATS)
    assert len(set(first.values())) == len(formats.FORMATS)  # each format has its own code


@pytest.mark.slow
def test_execute_report_writes_only_a_sealed_temporary(tmp_path):
    project = copy_project(tmp_path / "project")
    reports = tmp_path / "reports"
    write_runs_folder(reports / "runs", learning_rates=(0.1, 0.5), iterations=40, seeds=2)
    made_from = report_notebook.report_inputs(reports, project)
    outcome = report_notebook.execute_report(reports, project, made_from=made_from, facts={"failed": []})
    assert outcome.ok, outcome.error
    assert not report_notebook.outputs(reports)["notebook"].exists()  # the driver puts it in place
    assert outcome.notebook.startswith(str(reports / report_notebook.TMP_PREFIX))
    assert provenance.notebook_problem(outcome.notebook, made_from) is None
    shown = [
        output.get("data", {}).get("text/markdown", "")
        for cell in nbformat.read(outcome.notebook, as_version=4).cells
        for output in cell.get("outputs", [])
    ]
    assert any("tasa de aprendizaje" in text for text in shown)  # the report's prose, made from the runs


def test_prefetch_studies_stores_both_studies_and_never_raises(tmp_path):
    reports = tmp_path / "reports"
    write_runs_folder(reports / "runs", learning_rates=(0.5,), inits=("random",), iterations=30, seeds=2)
    assert report_notebook.prefetch_studies(reports) == ["scan", "failing"]
    assert [len(list((reports / "studies" / s).glob("*.json"))) for s in ("scan", "failing")] == [1, 1]
    assert "manifest.json" in report_notebook.prefetch_studies(tmp_path / "vacía")  # the error's line, not raised
