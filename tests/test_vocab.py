"""Tests of vocab: one entry per init and loss nnsimple offers, each drawable and nameable."""

import itertools

import matplotlib.colors
import matplotlib.lines
import numpy as np

import nnsimple as nn
from nnsimple_lab import vocab


def test_covers_every_init_and_loss_of_nnsimple():
    assert set(vocab.INITS) == set(nn.INITS)
    assert set(vocab.LOSSES) == set(nn.LOSSES)
    assert set(vocab.DATASETS) == set(nn.DATASETS)
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


def _perceptron_separates(X, Y, epochs=200):
    """True when the perceptron rule finds a line that classifies every example right."""
    w, b = np.zeros(X.shape[0]), 0.0
    for _, j in itertools.product(range(epochs), range(X.shape[1])):
        if (1 if w @ X[:, j] + b > 0 else 0) != Y[0, j]:
            sign = 1 if Y[0, j] == 1 else -1
            w, b = w + sign * X[:, j], b + sign
    return all((1 if w @ X[:, j] + b > 0 else 0) == Y[0, j] for j in range(X.shape[1]))


def test_data_sets_are_named_and_their_separability_is_true():
    for key in nn.DATASETS:
        X, Y = nn.load_dataset(key)
        entry = vocab.dataset_of(X, Y)
        assert entry is vocab.dataset(key) and entry.name == key.upper()
        assert entry.separable == _perceptron_separates(X, Y)  # converges exactly when a line exists
    X, Y = nn.load_dataset("xor")
    assert vocab.dataset_of(X, 1 - Y) is vocab.UNKNOWN_DATASET  # XNOR is no data set of the lab
    assert vocab.dataset("parity") is vocab.UNKNOWN_DATASET
