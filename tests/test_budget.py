"""Tests of budget: work estimated over a few minutes or over the free memory needs a confirmation."""

import pytest

from nnsimple_lab import budget, cache
from nnsimple_lab.grid import load_grid


def specs(**grid):
    return cache.plan(load_grid(**grid))


def one(**grid):
    return specs(learning_rates=["0.5"], inits=["random"], losses=["bce"], **grid)


def test_the_default_grid_and_a_million_iterations_need_no_confirmation():
    default = budget.check(specs(), 2)
    assert default.seconds < 30 and default.peak_bytes < 1 << 30
    million = budget.check(one(iterations=1_000_000), 2)  # the benchmark's case: about a minute
    assert 30 < million.seconds < budget.LONG_SECONDS and million.jobs == 1
    assert million.peak_bytes < 500 * 2**20  # bounded: the states kept do not grow with iterations
    assert budget.estimate(one(iterations=10**9), 1).peak_bytes == pytest.approx(million.peak_bytes, rel=0.01)


@pytest.mark.parametrize(
    "grid, why",
    [
        ({"iterations": 10_000_000, "learning_rates": ["0.5"], "inits": ["random"], "losses": ["bce"]}, "minutos"),
        ({"seeds": 100_000}, "minutos"),
        ({"iterations": 1_000_000}, "minutos"),
    ],
)
def test_big_work_is_refused_with_the_estimate_unless_confirmed(grid, why):
    work = specs(**grid)
    with pytest.raises(budget.BudgetError) as error:
        budget.check(work, 2)
    message = str(error.value)
    assert message.startswith(f"este trabajo tardaría más de 3 {why}: ")
    assert "por calcular: unos " in message and "de memoria" in message
    assert "CONFIRM=1" in message and "--si" in message and "No se empezó nada" in message
    said = []
    budget.check(work, 2, confirmed=True, say=said.append)
    assert said and said[0].startswith("Confirmado (--si): ")


def test_more_memory_than_is_free_needs_a_confirmation(monkeypatch):
    monkeypatch.setattr(budget, "available_bytes", lambda: 100 * 2**20)
    with pytest.raises(budget.BudgetError, match="necesitaría más memoria de la que hay libre.*libre: 100 MiB"):
        budget.check(one(), 1)


def test_nothing_to_run_costs_nothing():
    assert budget.check([], 2).seconds == 0


def test_durations_and_sizes_read_as_a_person_would_say_them():
    assert budget._duration(0.2) == "1 s" and budget._duration(75) == "75 s"
    assert budget._duration(600) == "10 min" and budget._duration(7200) == "2 h"
    assert budget._size(300 * 2**20) == "300 MiB" and budget._size(3 * 2**30) == "3.0 GiB"
