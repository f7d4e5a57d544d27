"""Tests of provenance: executed notebooks sealed with what they were made from, checked by content."""

import json

import nbformat

from nnsimple_lab import provenance


def sealed(path, made_from, facts=None):
    node = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("stream", text="hola\n")
    node.cells = [
        nbformat.v4.new_markdown_cell("# Título"),
        nbformat.v4.new_code_cell("print('hola')", outputs=[output]),
    ]
    nbformat.write(provenance.seal(node, made_from, facts), path)
    return path


def test_a_sealed_notebook_reads_back_as_whole_and_made_from_what_it_says(tmp_path):
    path = sealed(tmp_path / "n.ipynb", {"run": "a", "cache_key": "k"}, facts={"failed": ["b"]})
    assert provenance.notebook_problem(path) is None
    assert provenance.notebook_problem(path, {"run": "a", "cache_key": "k"}) is None
    assert (
        provenance.notebook_problem(path, {"run": "a", "cache_key": "otra"})
        == "n.ipynb se hizo a partir de otros datos"
    )
    assert provenance.facts(path) == {"failed": ["b"]}
    assert nbformat.read(path, as_version=4).cells[1].outputs[0].text == "hola\n"  # still a notebook


def test_damage_of_any_kind_is_named(tmp_path):
    path = sealed(tmp_path / "n.ipynb", {"run": "a"})
    text = path.read_text()
    assert provenance.notebook_problem(tmp_path / "otro.ipynb") == "no existe otro.ipynb"
    path.write_text(text[:-40])
    assert provenance.notebook_problem(path).startswith("n.ipynb está incompleto o dañado")
    edited = json.loads(text)
    edited["cells"][1]["outputs"][0]["text"] = ["adiós\n"]
    path.write_text(json.dumps(edited))
    assert provenance.notebook_problem(path) == "n.ipynb fue modificado tras ejecutarse (su suma no coincide)"
    nbformat.write(nbformat.v4.new_notebook(), path)
    assert provenance.notebook_problem(path) == "n.ipynb no lleva la marca de una ejecución completa"
    assert provenance.facts(path) == {}


def test_digests_name_files_relative_to_their_folder(tmp_path):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "a.json").write_text("{}")
    found = provenance.digests([tmp_path / "runs" / "a.json", tmp_path / "runs" / "b.json"], tmp_path)
    assert found == {
        "runs/a.json": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        "runs/b.json": None,
    }
    assert provenance.digest(found) == provenance.digest(dict(reversed(found.items())))


def test_a_rendering_is_current_only_for_what_it_was_made_from_and_as_written(tmp_path):
    output = tmp_path / "informe.html"
    output.write_text("<html></html>")
    assert not provenance.rendering_current(tmp_path, "html", output, "d1")
    provenance.note_rendering(tmp_path, "html", output, "d1")
    assert provenance.rendering_current(tmp_path, "html", output, "d1")
    assert not provenance.rendering_current(tmp_path, "html", output, "d2")  # made from something else
    assert not provenance.rendering_current(tmp_path, "pdf", output, "d1")
    output.write_text("<html>otro</html>")  # replaced or damaged since
    assert not provenance.rendering_current(tmp_path, "html", output, "d1")
    output.unlink()
    assert not provenance.rendering_current(tmp_path, "html", output, "d1")
