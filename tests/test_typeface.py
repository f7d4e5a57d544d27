"""Tests of typeface: the PDF's own fonts, copied out of the typst wheel, once."""

import importlib.metadata

import typst
from fontTools.ttLib import TTFont

from nnsimple_lab import typeface


def test_the_fonts_come_out_of_the_typst_wheel_once(tmp_path):
    paths = typeface.files(tmp_path)
    assert set(paths) == set(typeface.FACES)
    for face, path in paths.items():
        names = TTFont(path)["name"]
        assert (str(names.getDebugName(1)), str(names.getDebugName(2))) == face
    families = set(typst.Fonts(include_system_fonts=False).families())
    assert {"New Computer Modern", "New Computer Modern Math"} <= families, "the very fonts Typst sets the PDF in"
    stamps = {face: path.stat().st_mtime_ns for face, path in paths.items()}
    assert typeface.files(tmp_path) == paths
    assert {face: path.stat().st_mtime_ns for face, path in paths.items()} == stamps, "copied once"


def test_the_cache_follows_xdg_and_the_typst_version(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    version = importlib.metadata.version("typst")
    assert typeface.cache_folder() == tmp_path / "nnsimple-lab" / f"typst-{version}"
