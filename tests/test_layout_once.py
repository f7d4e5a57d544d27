"""Tests of layout_once: the same SVG bytes with it as without, matplotlib untouched outside, work done once."""

import contextlib
import io

import matplotlib
import numpy as np
import pytest
from matplotlib import axis, font_manager, text

import nnsimple as nn
from nnsimple_lab import figures, layout_once, outputs, plotting, training


@pytest.fixture(scope="module")
def run():
    X, Y = nn.load_dataset("xor")
    result = training.train(X, Y, learning_rate=0.5, iterations=300)
    seeds = training.train_seeds(X, Y, seeds=range(8), learning_rate=0.5, iterations=300)
    return X, Y, result, seeds


def _run_figures(run):
    X, Y, result, seeds = run
    return [
        figures.cost_figure(result.costs, loss="bce"),
        figures.parameters_figure(result.history),
        figures.decision_figure(result.parameters, X, Y),
        figures.seeds_figure(seeds.final_cost, seeds.solved, loss="bce"),
    ]


def _assorted():
    """What the run figures lack: log axes with minor ticks, rotated and wrapped text, a boxed
    annotation, an offset on the tick labels, a suptitle and a shared axis."""
    fig, axes = plotting.figure(6.0, 4.0, plotting.Margins(0.8, 0.3, 0.6, 0.5), ncols=2, column_gap=0.8, sharey=True)
    left, right = axes[0]
    left.loglog(np.logspace(-5, 2, 50), np.logspace(0, 3, 50), label="$\\alpha$ frente a $J$")
    left.legend(loc="best")
    left.set_xlabel("Tasa de aprendizaje $\\alpha$ (escala logarítmica)", rotation=3)
    right.plot(np.arange(5) + 1e4, [1, 10, 100, 1000, 10])
    right.annotate("máximo", xy=(1e4 + 3, 1000), xytext=(1e4 + 1, 300), bbox={"boxstyle": "round", "fc": "w"})
    right.text(0.1, 0.1, "un texto largo que se parte en líneas " * 2, wrap=True, transform=right.transAxes)
    fig.suptitle("Figura de prueba: $\\sum_i dZ_2$")
    return fig


def _without_scope(figs, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(layout_once, "scope", contextlib.nullcontext)
        return [outputs.figure_svg(fig) for fig in figs]


def test_the_same_bytes_with_it_as_without(run, monkeypatch):
    ours = [outputs.figure_svg(fig) for fig in [*_run_figures(run), _assorted()]]
    assert ours == _without_scope([*_run_figures(run), _assorted()], monkeypatch)


def test_matplotlib_is_untouched_outside_the_scope():
    before = (text._get_text_metrics_function, text.Text._get_layout, axis.Axis._update_ticks)
    entry, ticks = font_manager.ttfFontProperty, (axis.Axis.get_major_ticks, axis.Axis.get_minor_ticks)
    with layout_once.scope():
        assert axis.Axis._update_ticks is not before[2] and text.Text._get_layout is not before[1]
    assert (text._get_text_metrics_function, text.Text._get_layout, axis.Axis._update_ticks) == before
    assert font_manager.ttfFontProperty is entry
    assert (axis.Axis.get_major_ticks, axis.Axis.get_minor_ticks) == ticks
    with pytest.raises(RuntimeError), layout_once.scope():
        raise RuntimeError("a failing draw")
    assert axis.Axis._update_ticks is before[2]
    with layout_once.scope():
        with layout_once.scope():  # a figure saved while another is (same thread)
            pass
        assert axis.Axis._update_ticks is not before[2], "still the outer scope's"
    assert (text._get_text_metrics_function, text.Text._get_layout, axis.Axis._update_ticks) == before
    assert (axis.Axis.get_major_ticks, axis.Axis.get_minor_ticks) == ticks


def test_ticks_are_computed_once_per_axis_and_text_once_per_process(run, monkeypatch):
    calls = []
    compute = axis.Axis._update_ticks

    def counted(self):
        calls.append(self)
        return compute(self)

    monkeypatch.setattr(axis.Axis, "_update_ticks", counted)
    fig = _run_figures(run)[0]
    outputs.figure_svg(fig)
    assert len(calls) == 2  # x and y: matplotlib alone computes each some eight times
    measure, layouts = layout_once._caches()
    misses, laid_out = measure.cache_info().misses, len(layouts)
    outputs.figure_svg(_run_figures(run)[0])  # the same texts: nothing measured or laid out again
    assert (measure.cache_info().misses, len(layouts)) == (misses, laid_out)


def test_other_font_settings_get_their_own_caches(run, monkeypatch):
    first = layout_once._caches()
    with matplotlib.rc_context({"font.serif": ["DejaVu Serif"]}):
        assert layout_once._caches() is not first
        ours = outputs.figure_svg(_run_figures(run)[3])
        assert "DejaVu Serif" in ours
        assert [ours] == _without_scope([_run_figures(run)[3]], monkeypatch)


def _variants(fig):
    """Texts alike but for one thing each that changes their layout."""
    base = {"x": 0.5, "y": 0.5, "s": "Costo $J$\nfinal"}
    changes = [
        {},
        {"rotation": 30},
        {"rotation": 30, "rotation_mode": "anchor"},
        {"ha": "right"},
        {"va": "top"},
        {"va": "center"},
        {"multialignment": "right"},
        {"linespacing": 2.0},
        {"fontsize": 14},
        {"family": "DejaVu Sans"},
        {"weight": "bold"},
        {"style": "italic"},
        {"parse_math": False},
        {"s": "Costo $J$\nfinal".replace("J", "L")},
        {"x": 0.9, "wrap": True, "s": "un texto largo que se parte en líneas " * 3},
        {"x": 0.1, "wrap": True, "s": "un texto largo que se parte en líneas " * 3},
    ]
    return [fig.text(**{**base, **change}) for change in changes]


def test_a_layout_is_reused_only_for_a_text_laid_out_alike():
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.figure import Figure

    def extents(dpi):
        fig = Figure(figsize=(4, 3), dpi=dpi)
        renderer = RendererSVG(4 * 72, 3 * 72, io.StringIO())
        fig._get_renderer = lambda: renderer  # wrapped text asks the figure for it
        texts = _variants(fig)
        return [repr((t.get_window_extent(renderer).bounds, t._get_layout(renderer)[1:])) for t in texts]

    alone = [extents(72), extents(100)]
    with layout_once.scope():
        once = [extents(72), extents(100)]
    assert once == alone
    assert len(set(alone[0])) == len(alone[0]), "every variant does lay out differently"


def test_ticks_are_reused_only_for_an_axis_in_the_same_state():
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogLocator

    def ticks():
        fig = Figure(figsize=(4, 3))
        ax = fig.add_subplot()
        seen = []
        for change in (lambda: None, lambda: ax.set_xlim(0, 100), lambda: fig.set_size_inches(1.2, 3)):
            change()
            seen.append([(t.get_loc(), t.label1.get_text()) for t in ax.xaxis._update_ticks()])
        ax.set_xscale("log")
        ax.set_xlim(1e-3, 1e2)
        seen.append([(t.get_loc(), t.label1.get_text()) for t in ax.xaxis._update_ticks()])
        ax.xaxis.set_major_locator(LogLocator(base=100))
        seen.append([(t.get_loc(), t.label1.get_text()) for t in ax.xaxis._update_ticks()])
        return seen

    alone = ticks()
    with layout_once.scope():
        once = ticks()
    assert once == alone
    assert len({tuple(s) for s in alone}) == len(alone), "every change does change the ticks"


def _state(value, within=()):
    """What an object holds, recursively, comparable across two figures built alike: artists,
    markers, paths and font properties by their attributes, transforms and boxes by what they
    do, the axes and figure by their type (each tick points at its own), functions by name.
    ``within``: the objects being described around it (a reference back to one is a cycle)."""
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import BboxBase, TransformNode

    if isinstance(value, (Axes, Figure)):
        return type(value).__name__
    if isinstance(value, BboxBase):
        return ("box", tuple(value.bounds))
    if isinstance(value, TransformNode):
        return ("transform", value.transform([[0.0, 0.0], [1.0, 2.0]]).tolist())
    if isinstance(value, np.ndarray):
        return ("array", value.tolist())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_state(item, within) for item in value])
    if isinstance(value, dict):
        return {key: _state(item, within) for key, item in value.items()}
    if callable(value) and not isinstance(value, Artist) and hasattr(value, "__qualname__"):
        return ("function", value.__qualname__)
    if hasattr(value, "__dict__"):
        if any(value is outer for outer in within):
            return ("cycle", type(value).__name__)
        return (type(value).__name__, {key: _state(item, (*within, value)) for key, item in vars(value).items()})
    return repr(value)


def _shared(first, second):
    """``(part, attribute)`` of the two ticks' parts holding one and the same object with
    attributes of its own, but for enumerations, the axes, the figure and the transforms they are drawn with."""
    import enum

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import TransformNode

    shared = set()
    for name in ("tick", *layout_once._TICK_PARTS):
        one, other = (first, second) if name == "tick" else (getattr(first, name), getattr(second, name))
        for key, value in vars(one).items():
            if value is vars(other).get(key) and hasattr(value, "__dict__") and not callable(value):
                if not isinstance(value, (enum.Enum, Axes, Figure, TransformNode)):
                    shared.add((name, key))
    return shared


def _tick_settings():
    """Axes whose ticks matplotlib builds in different ways: default, restyled, grid on, a first
    tick changed by hand, log scale with minor ticks, a twin's right-hand ticks."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    plain, styled, grid, by_hand, log = (fig.add_subplot(2, 3, n) for n in range(1, 6))
    styled.tick_params(direction="in", length=6, width=2, colors="tab:red", labelsize=7, pad=5, labelrotation=30)
    grid.grid(True, color="0.8", linestyle=":")
    by_hand.xaxis.get_major_ticks()[0].label1.set_color("tab:blue")
    log.set_xscale("log")
    log.set_xlim(1e-3, 1e3)
    twin = plain.twinx()
    return [plain.xaxis, plain.yaxis, styled.xaxis, grid.yaxis, by_hand.xaxis, log.xaxis, twin.yaxis]


def test_cloned_ticks_are_in_the_state_of_built_ones():

    def ticks(axes):
        return [(axis.get_major_ticks(7), axis.get_minor_ticks(12)) for axis in axes]

    built = ticks(_tick_settings())
    with layout_once.scope():
        cloned = ticks(_tick_settings())
    assert _state(cloned) == _state(built)
    for majors, minors in cloned:
        for first, second in (majors[1:3], minors[1:3]):  # the first new tick is built, the next cloned
            # All the clones share: each line's marker and the grid line's path, which matplotlib
            # replaces and never changes in place (a new marker on every change, a new path when
            # the data change, as placing the tick does).
            lines = {"tick1line", "tick2line", "gridline"}
            assert _shared(first, second) == {(line, "_marker") for line in lines} | {("gridline", "_path")}
            second.label1.set_fontsize(20)  # a tick restyled by hand: the others keep their size
            assert first.label1.get_fontsize() != 20
