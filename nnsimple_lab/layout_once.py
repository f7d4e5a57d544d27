"""One layout per saved figure: what matplotlib computes several times over, computed once.

``outputs.figure_svg`` draws each figure once and measures its tight box right after, with the
same renderer. matplotlib 3.11 (``requirements.txt`` pins it) still repeats work inside that
one layout and across figures; while ``scope()`` is active it is done once:

- an axis' ticks (``Axis._update_ticks``: locator, formatter, tick labels), recomputed some
  eight times per layout (its draw, its label's position, the spines, the tight box);
- a text's layout (``Text._get_layout``: its lines measured, its box aligned), recomputed at its
  draw, at the ticks' label boxes and at the tight box, and again for the same tick label in
  every figure;
- a text's measurements (matplotlib caches them per renderer, and every saved figure has a new one);
- a glyph's font entry in mathtext (``font_manager.ttfFontProperty``, read from the font file
  for every glyph written).

Each is keyed by everything its result depends on (the object's own state, and for text the
rcParams that choose fonts), and shared only while the SVG renderer is the one drawing (72 dpi,
text measured from the fonts' outlines: the same numbers for every figure); under any other
renderer (e.g. a rasterised artist's) matplotlib works as usual. Outside ``scope()`` matplotlib
is untouched. The same figure gives the same bytes with or without it (``test_layout_once``).
"""

from __future__ import annotations

import contextlib
import functools
import threading

METRICS_CACHE = 8192  # text measurements kept per process (the default grid's figures measure ~1000)
LAYOUTS_CACHE = 8192  # text layouts kept per process (forgotten all at once beyond that)
_by_settings = {}  # {the rcParams that choose fonts: (measure, layouts)}; the current settings only
# One scope at a time: two threads' scopes interleaving would restore each other's patches.
_ACTIVE = threading.RLock()


def _font_settings():
    """The rcParams that measuring and laying out text read (``font.*``, ``mathtext.*``, ``text.*``)."""
    from matplotlib import rcParams

    return tuple(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in sorted(rcParams.items())
        if key.startswith(("font.", "mathtext.", "text."))
    )


def _caches():
    """``(measure, layouts)`` for the current font settings: a cached text measuring function with
    matplotlib's signature and key, and a dict of text layouts; new ones when the settings change."""
    from matplotlib.textpath import TextToPath

    settings = _font_settings()
    if settings not in _by_settings:
        measure = TextToPath().get_text_width_height_descent  # what RendererSVG's own method calls

        @functools.lru_cache(METRICS_CACHE)
        def metrics(text, fontprop, ismath, dpi):  # dpi: in matplotlib's key, unused by the SVG renderer
            return measure(text, fontprop, ismath)

        _by_settings.clear()
        _by_settings[settings] = (metrics, {})
    return _by_settings[settings]


def _drawing(renderer):
    """The renderer doing the drawing: a mixed renderer's current one (raster while rasterising)."""
    from matplotlib.backends.backend_mixed import MixedModeRenderer

    return renderer._renderer if isinstance(renderer, MixedModeRenderer) else renderer


def _is_svg(renderer):
    from matplotlib.backends.backend_svg import RendererSVG

    return type(_drawing(renderer)) is RendererSVG


class _TicksOnce:
    """``Axis._update_ticks``, computed once per axis and state.

    Its result depends on the view interval, the room for ticks (``get_tick_space``, what the
    locators read), the locators, formatters and scale: with all of them in the key, a repeated
    call returns the first call's ticks (whose positions and labels that call already set).
    """

    def __init__(self, compute):
        self.compute, self.seen = compute, {}

    def __call__(self, axis):
        try:
            room = axis.get_tick_space()
        except NotImplementedError:
            room = None
        major, minor = axis.major, axis.minor
        key = (axis, *axis.get_view_interval(), room, major.locator, major.formatter, minor.locator, minor.formatter)
        key += (axis._scale,)
        if key not in self.seen:
            self.seen[key] = self.compute(axis)
        return list(self.seen[key])


@functools.cache
def _font_entry(read):
    """``font_manager.ttfFontProperty`` cached per font object (``get_font`` keeps a few dozen)."""
    return functools.lru_cache(64)(read)


def _layout_key(text):
    """Everything ``Text._get_layout`` reads besides the renderer's measurements (not the position:
    the layout is relative to it, but for wrapped text, whose wrapped lines are in the key)."""
    prop = text._fontproperties
    return (
        text._get_wrapped_text(),
        (tuple(prop.get_family()), prop.get_slant(), prop.get_variant(), prop.get_weight(), prop.get_stretch()),
        (prop.get_size(), prop.get_file(), prop.get_math_fontfamily()),
        (text.get_usetex(), text.get_parse_math(), text._linespacing, text._get_multialignment()),
        (text.get_rotation(), text._horizontalalignment, text._verticalalignment, text.get_rotation_mode()),
        text.get_figure(root=True).dpi,
    )


@contextlib.contextmanager
def scope():
    """While active: ticks, text layouts, text measurements and glyph font entries computed once
    (see the module's docstring); matplotlib restored on exit. Another thread's scope waits."""
    with _ACTIVE:
        yield from _patched()


def _patched():
    """The body of ``scope``: patch matplotlib, yield once, restore it."""
    from matplotlib import axis, font_manager, text

    metrics, layouts = _caches()
    originals = (text._get_text_metrics_function, text.Text._get_layout, axis.Axis._update_ticks)
    per_renderer, get_layout, update_ticks = originals
    font_entry = font_manager.ttfFontProperty

    def metrics_function(renderer):
        return metrics if _is_svg(renderer) else per_renderer(renderer)

    def layout_once(self, renderer):
        if not _is_svg(renderer):
            return get_layout(self, renderer)
        key = _layout_key(self)
        if key not in layouts:
            if len(layouts) >= LAYOUTS_CACHE:
                layouts.clear()
            layouts[key] = get_layout(self, renderer)
        return layouts[key]

    ticks_once = _TicksOnce(update_ticks)
    text._get_text_metrics_function, text.Text._get_layout = metrics_function, layout_once
    axis.Axis._update_ticks = lambda self: ticks_once(self)
    font_manager.ttfFontProperty = _font_entry(font_entry)
    try:
        yield
    finally:
        text._get_text_metrics_function, text.Text._get_layout, axis.Axis._update_ticks = originals
        font_manager.ttfFontProperty = font_entry
