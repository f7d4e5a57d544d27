"""Tests of render.cite: pandoc's citations found in markdown, formatted by citeproc (APA 7, Spanish)
the same way for both formats, each a link to its entry in one reference list."""

import re

import pytest

from nnsimple_lab.render import RenderError, cite


def test_citations_are_found_as_pandoc_reads_them_and_not_in_code_math_or_links():
    text = (
        "Como en [@glorot2010; @goodfellow2016, sec. 6.2] y según @rumelhart1986. "
        "No: `[@curso-nnsimple]`, $@x$, jp@uvg, [un enlace](http://x/@y) ni \\@escapada."
    )
    assert cite.clusters(text) == ["[@glorot2010; @goodfellow2016, sec. 6.2]", "@rumelhart1986"]
    assert cite.keys("[@glorot2010; @goodfellow2016, sec. 6.2]") == ["glorot2010", "goodfellow2016"]


def test_the_bibliography_has_the_sources_the_report_relies_on():
    assert {"curso-nnsimple", "rumelhart1986", "glorot2010", "goodfellow2016"} <= cite.known_keys()


def test_an_unknown_key_is_a_spanish_error_naming_it_and_the_valid_ones():
    with pytest.raises(RenderError, match=r"@nadie2020\. Las claves válidas son: curso-nnsimple, glorot2010"):
        cite.citations(["Según [@nadie2020]."], to="html")


@pytest.fixture(scope="module")
def both():
    pieces = ["Xavier [@glorot2010] y la retropropagación [@rumelhart1986].", "Según @goodfellow2016.", cite.REFS]
    return pieces, cite.citations(pieces, to="html"), cite.citations(pieces, to="typst")


def _plain(text):
    """Visible text of either format's markup, for comparing them."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"#link\(<[^>]+>\)\[([^\]]*)\]", r"\1", text)
    text = re.sub(r"#link\(\"[^\"]*\"\)", "", text)
    text = re.sub(r"#(emph|block)\[|\] <[\w-]+>|^\]|\\", "", text, flags=re.M)
    text = text.replace("~", " ").replace("]", "")
    return re.sub(r"\s+", " ", re.sub(r"https?://\S+", "", text)).strip()


def test_apa_in_spanish_with_links_to_the_entries(both):
    pieces, html, typst = both
    assert html[pieces[0].split(" y ")[0][7:]] == (
        '<span class="citation" data-cites="glorot2010">(<a href="#ref-glorot2010" role="doc-biblioref">'
        "Glorot y Bengio, 2010</a>)</span>"
    )
    assert "Goodfellow et\xa0al. (<a" in html["@goodfellow2016"]  # in the text: author (year)
    assert typst["[@rumelhart1986]"] == "\\(#link(<ref-rumelhart1986>)[Rumelhart et~al., 1986])"
    entries = re.findall(r'<div id="ref-([\w-]+)" class="csl-entry"', html[cite.REFS])
    assert entries == ["glorot2010", "goodfellow2016", "rumelhart1986"]  # by author, only what is cited
    assert "Rumelhart, D. E., Hinton, G. E., y Williams, R. J. (1986)." in html[cite.REFS]


def test_the_reference_list_reads_the_same_in_both_formats(both):
    _, html, typst = both
    assert _plain(html[cite.REFS]) == _plain(typst[cite.REFS])


def test_substitute_puts_raw_typst_or_html_tokens_in_place(both):
    pieces, html, typst = both
    raw = cite.substitute(pieces[0], typst, to="typst")
    assert raw.startswith("Xavier `\\(#link(<ref-glorot2010>)[Glorot y Bengio, 2010])`{=typst} y")
    store = []
    tokens = cite.substitute(pieces[0] + "\n\n" + cite.REFS, html, to="html", store=store)
    assert "@" not in tokens and len(store) == 3
    restored = cite.restore(f"<p>{tokens}</p>".replace("\n\n", "</p><p>"), store)
    assert '<a href="#ref-glorot2010"' in restored and '<div id="refs"' in restored
    assert cite.restore('<img alt="CITAPH0X">', store) == '<img alt="(Glorot y Bengio, 2010)">'


def test_tokens_stand_for_the_citations_until_their_typst_is_known(both):
    pieces, _, typst = both
    cited = cite.numbered(pieces)
    assert cited == {"[@glorot2010]": 0, "[@rumelhart1986]": 1, "@goodfellow2016": 2, cite.REFS: 3}
    protected = cite.protect(pieces[0], cited)
    assert protected == "Xavier `CITATYPH0X`{=typst} y la retropropagación `CITATYPH1X`{=typst}."
    assert cite.protect(cite.REFS, cited) == "````{=typst}\nCITATYPH3X\n````"
    restored = cite.restore_typst("Xavier CITATYPH0X.\n\nCITATYPH3X\n\nFin.", typst, cited)
    assert restored == f"Xavier {typst['[@glorot2010]']}.\n\n{typst[cite.REFS]}\n\nFin."
    assert cite.restore_typst("- CITATYPH3X", typst, cited) is None, "in a list pandoc indents every line"
    assert cite.numbered(["Sin citas."]) == {} and cite.restore_typst("CITATYPH0X", {}, {}) == "CITATYPH0X"
