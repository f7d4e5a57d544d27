"""Tests of vocab: one entry per init and loss nnsimple offers, each drawable and nameable."""

import matplotlib.colors
import matplotlib.lines

import nnsimple as nn
from nnsimple_lab import vocab


def test_covers_every_init_and_loss_of_nnsimple():
    assert set(vocab.INITS) == set(nn.INITS)
    assert set(vocab.LOSSES) == set(nn.LOSSES)
    assert vocab.REFERENCE_LOSS in nn.LOSSES and vocab.REFERENCE_INIT in nn.INITS


def test_every_entry_is_drawable_and_told_apart():
    for table in (vocab.INITS, vocab.LOSSES):
        entries = list(table.values())
        for entry in entries:
            assert matplotlib.colors.is_color_like(entry.color)
            assert entry.style in matplotlib.lines.lineStyles and entry.style in vocab.STYLE_NAMES
        assert len({e.color for e in entries}) == len(entries)  # each its own colour
        assert len({e.style for e in entries}) == len(entries)  # and its own line style
        assert len({e.short for e in entries}) == len(entries)


def test_losses_are_written_as_themselves():
    for key, entry in vocab.LOSSES.items():
        assert entry.short in entry.long and entry.short in entry.cost_label
        assert entry.article in ("el", "la")
        assert entry.dz2_tex and entry.dz2_example_tex
        assert vocab.with_article(key) == f"{entry.article} {entry.short}"
    assert vocab.with_article("bce", "de") == "de la BCE" and vocab.with_article("mse", "de") == "del MSE"


def test_styles_are_named_in_spanish():
    assert vocab.style_name("-") == "continua" and vocab.style_name("--") == "discontinua"
    assert vocab.style_name(":") == "punteada"


def test_a_key_nobody_described_names_itself():
    assert vocab.loss("hinge").short == "hinge" and vocab.loss("hinge").cost_label == "Costo hinge"
    assert vocab.init("he").long == "inicialización he"
    assert vocab.with_article("hinge", "de") == "del hinge"
