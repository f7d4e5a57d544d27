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
  for every glyph written);
- a new tick: matplotlib builds every tick an axis lacks from the rcParams and then copies the
  axis' first tick onto it (``Axis.get_major_ticks``); all the new ticks of one call come out in
  the same state, so the first is built and the others are cloned from it (``_TicksCloned``).

Each cached result is keyed by everything it depends on (the object's own state, and for text the
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


# The parts of a tick, each a Line2D or a Text of its own.
_TICK_PARTS = ("tick1line", "tick2line", "gridline", "label1", "label2")


def _copied(artist):
    """A new artist with ``artist``'s attributes, but for what each artist has of its own: its
    callbacks (``Artist.__init__`` makes one registry per artist) and a text's font properties
    (``Text.update_from`` copies them; ``set_fontsize`` changes them in place). Everything else
    is shared: values, references (axes, figure, transforms) and the few objects matplotlib only
    ever replaces, never changes in place: a line's marker (a new ``MarkerStyle`` on every
    change), its data and path (new ones when the tick is placed). ``copy.copy`` would not do:
    ``Artist.__getstate__`` drops the stale callback."""
    from matplotlib import cbook, text

    new = object.__new__(type(artist))
    new.__dict__.update(artist.__dict__)
    new._callbacks = cbook.CallbackRegistry(signals=["pchanged"])
    if isinstance(artist, text.Text):
        new._fontproperties = artist._fontproperties.copy()
    return new


def _cloned(tick):
    """A tick in the state of ``tick``, a fresh one (built, its properties copied from the
    axis' first tick, not yet placed): its own parts, each ``_copied``."""
    clone = _copied(tick)
    for name in _TICK_PARTS:
        setattr(clone, name, _copied(getattr(tick, name)))
    return clone


class _TicksCloned:
    """``Axis.get_major_ticks`` / ``get_minor_ticks``, the second and later new ticks cloned.

    matplotlib builds each missing tick from the rcParams and the axis' tick settings and then
    copies the first tick's properties onto it; within one call neither changes, so every new
    tick is in the same state. The first new one is built by matplotlib, the others are
    ``_cloned`` from it before any is placed. Only for the plain axes (``XAxis``/``YAxis`` of an
    ``Axes``), whose ticks build nothing else; other axes (polar, 3-D) as usual.
    """

    def __init__(self, get_ticks, major):
        self.get_ticks, self.major = get_ticks, major

    def __call__(self, axis, numticks=None):
        from matplotlib import axes
        from matplotlib import axis as maxis

        if type(axis) not in (maxis.XAxis, maxis.YAxis) or type(axis.axes) is not axes.Axes:
            return self.get_ticks(axis, numticks)
        if numticks is None:
            numticks = len(axis.get_majorticklocs() if self.major else axis.get_minorticklocs())
        ticks = axis.majorTicks if self.major else axis.minorTicks
        if len(ticks) + 1 < numticks:
            fresh = self.get_ticks(axis, len(ticks) + 1)[-1]
            ticks.extend(_cloned(fresh) for _ in range(numticks - len(ticks)))
        return self.get_ticks(axis, numticks)


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
    get_ticks = (axis.Axis.get_major_ticks, axis.Axis.get_minor_ticks)
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
    major, minor = _TicksCloned(get_ticks[0], major=True), _TicksCloned(get_ticks[1], major=False)
    axis.Axis.get_major_ticks = lambda self, numticks=None: major(self, numticks)
    axis.Axis.get_minor_ticks = lambda self, numticks=None: minor(self, numticks)
    try:
        yield
    finally:
        text._get_text_metrics_function, text.Text._get_layout, axis.Axis._update_ticks = originals
        axis.Axis.get_major_ticks, axis.Axis.get_minor_ticks = get_ticks
        font_manager.ttfFontProperty = font_entry
