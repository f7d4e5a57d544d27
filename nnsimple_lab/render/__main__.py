"""Command line: ``python -m nnsimple_lab.render CUADERNO [--html SALIDA] [--pdf SALIDA] [--runs-html]``.

One option per format of the registry (``formats.FORMATS``); exit 0 when everything was
written, 1 when a rendering failed, 2 on bad usage.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nnsimple_lab import cli
from nnsimple_lab.render import RenderError, formats, render, render_runs

PROG = "python -m nnsimple_lab.render"


def _spanish_list(words, conjunction):
    """``["a", "b", "c"]`` -> ``"a, b y c"`` (``conjunction``: "y", "ni")."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def parser():
    """The Spanish argparse of the command line, one ``--<format>`` option per format."""
    kinds = formats.FORMATS.values()
    made = cli.parser(
        PROG,
        f"Genera el informe {_spanish_list([f'{k.label} ({k.description})' for k in kinds], 'y')} "
        "de un cuaderno ejecutado.\n"
        f"Sin {_spanish_list([f'--{k.name}' for k in kinds], 'ni')} escribe "
        f"{'ambos' if len(kinds) == 2 else 'todos'} junto al cuaderno "
        f"(mismo nombre, {_spanish_list([k.suffix for k in kinds], 'y')}).",
    )
    made.add_argument("notebook", metavar="CUADERNO", help="cuaderno ejecutado (.ipynb)")
    for kind in kinds:
        made.add_argument(
            f"--{kind.name}", metavar=f"SALIDA{kind.suffix}", help=f"escribe el informe {kind.label} en esta ruta"
        )
    made.add_argument(
        "--runs-html",
        action="store_true",
        help="también genera runs/<id>.html (todo el código visible) junto al cuaderno",
    )
    return made


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    cli.skip_slow_imports()
    args = parser().parse_args(argv)
    notebook = Path(args.notebook)
    targets = {name: getattr(args, name) for name in formats.FORMATS}
    if all(target is None for target in targets.values()):
        targets = {name: notebook.with_suffix(kind.suffix) for name, kind in formats.FORMATS.items()}
    try:
        start = time.perf_counter()
        timings = render(notebook, **targets)
        for name, seconds in timings.items():
            print(f"{formats.FORMATS[name].label} escrito: {targets[name]} ({seconds:.2f} s)")
        if args.runs_html:
            pages = render_runs(notebook.parent / "runs")
            print(f"Páginas de ejecuciones: {len(pages)} nuevas o actualizadas en {notebook.parent / 'runs'}")
        print(f"Listo en {time.perf_counter() - start:.2f} s.")
    except RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return cli.EXIT_FAILED
    return cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
