"""Tests of makevars and the Makefile's check: a make variable the Makefile does not document is
refused, with the closest valid name, before anything runs."""

import subprocess
from pathlib import Path

import pytest

from nnsimple_lab import makevars

ROOT = Path(__file__).resolve().parents[1]
VALID = ["LR", "INIT", "LOSS", "ITERATIONS", "SEEDS", "CONFIRM"]


@pytest.mark.parametrize(
    "name, guess",
    [("lr", "LR"), ("Lr", "LR"), ("INITS", "INIT"), ("iterations", "ITERATIONS"), ("SEED5", "SEEDS"), ("XYZ", None)],
)
def test_the_closest_valid_name_in_any_case(name, guess):
    assert makevars.closest(name, VALID) == guess


def test_problems_name_each_unknown_variable_and_list_the_valid_ones():
    lines = makevars.problems(["LR", "lr", "INITS"], VALID)
    assert lines == [
        "variable desconocida en la línea de make: lr. ¿Quiso decir LR?",
        "variable desconocida en la línea de make: INITS. ¿Quiso decir INIT?",
        "Variables válidas: LR, INIT, LOSS, ITERATIONS, SEEDS, CONFIRM.",
    ]
    assert makevars.problems(["LR", "SEEDS"], VALID) == []


@pytest.mark.parametrize(
    "variables, shown",
    [
        (["lr=0.7"], "variable desconocida en la línea de make: lr. ¿Quiso decir LR?"),
        (["INITS=xavier"], "variable desconocida en la línea de make: INITS. ¿Quiso decir INIT?"),
    ],
)
def test_make_refuses_a_mistyped_variable_before_doing_anything(tmp_path, variables, shown):
    """The issue's case: `make report lr=0.7` built the default grid and exited 0."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "report", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"make: error: {shown}" in done.stderr and "no se hizo nada" in done.stderr
    assert done.stdout == ""  # nothing ran: no venv step, no build


def test_the_documented_variables_pass(tmp_path):
    done = subprocess.run(
        ["make", "--no-print-directory", "help", "LR=0.5", "CONFIRM=1", "VENV=.venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "CONFIRM=1" in done.stdout
