"""The grid's vocabulary: how each initialisation, each loss and each data set is named, written
and drawn.

One table per kind, read by every module that shows a run (the report, its figures, the run
figures, the command line); ``tests/test_vocab.py`` checks that it covers every init, loss and
data set ``nnsimple`` offers. A new loss is one entry in ``nnsimple.LOSSES`` and one here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Init:
    """An initialisation scheme as the reader sees it."""

    short: str  # "aleatoria": after "inicialización"
    long: str  # "inicialización aleatoria"
    color: str
    style: str  # matplotlib line style


@dataclass(frozen=True)
class Loss:
    """A loss as the reader sees it."""

    short: str  # "BCE": in tables, legends and sentences
    long: str  # "entropía cruzada binaria (BCE)"
    article: str  # "la" or "el": "la BCE", "el MSE"
    dz2_tex: str  # its dZ2 = dJ/dZ2, TeX without dollars
    dz2_example_tex: str  # the same for one example, a = A2 and no 1/m: "a - y"
    cost_label: str  # y-axis label of its cost
    color: str
    style: str  # matplotlib line style


@dataclass(frozen=True)
class Dataset:
    """A data set as the reader sees it: what a seed that classifies it right "resolves"."""

    name: str  # "XOR": "las semillas que resuelven XOR"
    separable: bool | None  # one straight line splits its classes (None: not known)


INITS = {
    "zeros": Init(short="ceros", long="inicialización en ceros", color="#7f7f7f", style=":"),
    "random": Init(short="aleatoria", long="inicialización aleatoria", color="#1f77b4", style="-"),
    "xavier": Init(short="Xavier", long="inicialización de Xavier", color="#2ca02c", style="-."),
}

LOSSES = {
    "bce": Loss(
        short="BCE",
        long="entropía cruzada binaria (BCE)",
        article="la",
        dz2_tex="(A_2 - Y)/m",
        dz2_example_tex="a - y",
        cost_label="Costo BCE (nats)",
        color="#1f77b4",
        style="-",
    ),
    "mse": Loss(
        short="MSE",
        long="error cuadrático medio (MSE)",
        article="el",
        dz2_tex="2(A_2 - Y)A_2(1 - A_2)/m",
        dz2_example_tex="2(a - y)\\,a(1 - a)",
        cost_label="Costo MSE (adimensional)",
        color="#ff7f0e",
        style="--",
    ),
}

DATASETS = {
    "xor": Dataset(name="XOR", separable=False),
    "and": Dataset(name="AND", separable=True),
    "or": Dataset(name="OR", separable=True),
}
UNKNOWN_DATASET = Dataset(name="los datos", separable=None)  # arrays that are none of DATASETS

REFERENCE_LOSS = "bce"  # the course's loss: questions 1 and 2 use it, question 3 compares against it
REFERENCE_INIT = "random"  # the course's initialisation: questions 2 and 3 start from it


STYLE_NAMES = {"-": "continua", "--": "discontinua", ":": "punteada", "-.": "de rayas y puntos"}  # in captions


def style_name(style):
    """How a caption names a matplotlib line style: ``"--"`` -> ``"discontinua"``."""
    return STYLE_NAMES.get(style, style)


def init(key):
    """The ``Init`` entry of an initialisation key; a key nobody described names itself."""
    return INITS.get(key) or Init(short=key, long=f"inicialización {key}", color="#000000", style="-")


def loss(key):
    """The ``Loss`` entry of a loss key; a key nobody described names itself."""
    return LOSSES.get(key) or Loss(
        short=key,
        long=key,
        article="el",
        dz2_tex="dZ_2",
        dz2_example_tex="\\partial \\ell / \\partial z_2",
        cost_label=f"Costo {key}",
        color="#000000",
        style="-",
    )


def dataset(key):
    """The ``Dataset`` entry of a data-set key (``UNKNOWN_DATASET`` for a key nobody described)."""
    return DATASETS.get(key, UNKNOWN_DATASET)


def dataset_of(X, Y):
    """The ``Dataset`` entry whose arrays ``nnsimple.DATASETS`` holds exactly X (n_x, m) and Y (1, m)."""
    import numpy as np  # here: the command lines read this table without loading numpy

    import nnsimple

    for key, (known_X, known_Y) in nnsimple.DATASETS.items():
        if np.array_equal(X, known_X) and np.array_equal(Y, known_Y):
            return dataset(key)
    return UNKNOWN_DATASET


def with_article(key, prefix=""):
    """``"la BCE"``, ``"el MSE"``; with ``prefix="de"``: ``"de la BCE"``, ``"del MSE"``."""
    entry = loss(key)
    phrase = f"{entry.article} {entry.short}"
    if prefix == "de":
        return f"del {entry.short}" if entry.article == "el" else f"de {phrase}"
    return phrase
