"""Tests of cli: argparse speaks Spanish (help, usage, errors), exit codes, SIGTERM, slow imports.

argparse is pinned with Python: these tests fail loudly if its English texts or its usage
layout change under the translation.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nnsimple_lab import cli

ROOT = Path(__file__).resolve().parents[1]


def parser():
    made = cli.parser("prog", "Descripción.", epilog="códigos de salida: 0 bien")
    made.add_argument("cuaderno", metavar="CUADERNO", help="el cuaderno")
    made.add_argument("--lr", nargs="+", metavar="TASA", help="tasas de aprendizaje")
    made.add_argument("--iterations", metavar="N", help="iteraciones")
    made.add_argument("--force", action="store_true", help="todo otra vez")
    return made


def test_exit_codes():
    assert (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED) == (0, 1, 2, 130)


def test_the_help_is_spanish(capsys):
    with pytest.raises(SystemExit) as stop:
        parser().parse_args(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("uso: prog [-h] [--lr TASA [TASA ...]]")
    assert (
        "\nargumentos:\n  CUADERNO" in text
        and "\nopciones:\n  -h, --help            muestra esta ayuda y termina" in text
    )
    assert text.index("argumentos:") < text.index("opciones:")
    assert text.rstrip().endswith("códigos de salida: 0 bien")
    for english in ("usage", "options:", "positional arguments", "show this help"):
        assert english not in text


def test_a_long_usage_line_wraps_under_the_spanish_prefix():
    made = cli.parser("python -m nnsimple_lab.programa_largo", "")
    for name in ("primera", "segunda", "tercera", "cuarta", "quinta"):
        made.add_argument(f"--{name}-opcion", metavar="VALOR")
    lines = made.format_usage().splitlines()
    assert len(lines) > 1 and lines[0].startswith("uso: python -m nnsimple_lab.programa_largo [-h]")
    indent = len("uso: python -m nnsimple_lab.programa_largo ")
    assert all(line[:indent].strip() == "" and line[indent] == "[" for line in lines[1:])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["n", "--lrs", "1"], "opción desconocida: --lrs. ¿Quiso decir --lr? Vea las opciones con: prog --help"),
        (["n", "--iteration=5"], "opción desconocida: --iteration. ¿Quiso decir --iterations?"),
        (["n", "otro"], "valores que no corresponden a ninguna opción: otro."),
        ([], "faltan los argumentos obligatorios: CUADERNO."),
        (["n", "--lr"], "--lr: falta al menos un valor."),
        (["n", "--iterations"], "--iterations: falta su valor."),
        (["n", "--force=1"], "--force no lleva valor (se recibió '1')."),
        (["n", "--l", "1"], "opción desconocida: --l."),  # no abbreviations
    ],
)
def test_errors_are_spanish_and_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        parser().parse_args(argv)
    assert stop.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("uso: prog ") and f"prog: error: {message}" in err
    assert "usage:" not in err and "argument " not in err and "expected" not in err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_interrupt_as_ctrl_c(signum):
    previous = {s: signal.getsignal(s) for s in cli.INTERRUPTIONS}
    try:
        cli.interrupt_on_signals()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signum)
            signal.sigtimedwait([], 1)  # let the handler run
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["n", "--lr", "0.1", "--lr", "0.5"],
            "la opción --lr aparece 2 veces; dé cada opción una sola vez, con todos sus valores: --lr 0.1 0.5",
        ),
        (["n", "--iterations", "5", "--iterations=6"], "la opción --iterations aparece 2 veces; dé cada opción una"),
        (["n", "--force", "--force"], "la opción --force aparece 2 veces"),
    ],
)
def test_an_option_given_twice_is_refused_not_silently_the_last(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        parser().parse_args(argv)
    assert stop.value.code == cli.EXIT_USAGE
    assert f"prog: error: {message}" in capsys.readouterr().err


def test_values_that_look_like_an_option_after_the_double_dash_are_values():
    assert parser().parse_args(["--lr", "0.1", "--", "--lr"]).cuaderno == "--lr"


def test_outside_the_venv_the_programs_say_to_use_make(tmp_path):
    """The system's Python, without the project's packages: a Spanish message, no traceback."""
    empty = tmp_path / "sin-paquetes"
    empty.mkdir()
    for module in ("nnsimple_lab.build", "nnsimple_lab.sweep"):
        # -S: no site-packages (the venv's), -I would also drop the current folder: give it by hand
        code = (
            f"import sys, runpy; sys.path.insert(0, {str(ROOT)!r}); runpy.run_module({module!r}, run_name='__main__')"
        )
        done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=empty)
        assert done.returncode == cli.EXIT_USAGE, done.stderr
        assert "Traceback" not in done.stderr and "falta el módulo" in done.stderr
        assert "make report" in done.stderr


def test_under_make_the_command_the_user_typed_is_known(monkeypatch):
    monkeypatch.delenv(cli.MAKE_VARIABLE, raising=False)
    assert cli.from_make() is None
    monkeypatch.setenv(cli.MAKE_VARIABLE, "make report")
    assert cli.from_make() == "make report"


def test_skip_slow_imports_keeps_jsonschema_from_importing_its_format_checkers():
    code = (
        "import sys\n"
        "from nnsimple_lab import cli\n"
        "cli.skip_slow_imports()\n"
        "import nbformat, papermill\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "print(sorted(name for name in cli.FORMAT_CHECKER_MODULES if sys.modules[name] is not None))\n"
        "print('arrow' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\nFalse\n"  # none imported (isoduration's arrow neither)


def test_under_make_argparse_errors_name_the_variables_without_a_usage_line(monkeypatch, capsys):
    made = parser()
    made.add_argument("--init", nargs="+", metavar="INIC")
    made.make_names.update({"--lr": "LR", "--init": "INIT", "--iterations": "ITERATIONS"})
    monkeypatch.setenv(cli.MAKE_VARIABLE, "make report")
    for argv, message in (
        (
            ["n", "--iterations", "1", "2"],
            'sobran valores: 2. Solo LR y INIT admiten varios, entre comillas (LR="0.1 0.5")',
        ),
        (["n", "--lr"], "LR: falta al menos un valor."),
    ):
        with pytest.raises(SystemExit) as stop:
            made.parse_args(argv)
        assert stop.value.code == cli.EXIT_USAGE
        err = capsys.readouterr().err
        assert err.startswith(f"make report: error: {message}") and "uso:" not in err and "--" not in err
