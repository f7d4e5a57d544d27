"""Tests of sweep_report: what a sweep says it did, from its tally (the whole sweep runs in test_sweep)."""

from nnsimple_lab import cache, cli, results
from nnsimple_lab.grid import load_grid
from nnsimple_lab.sweep_report import SweepInterrupted, Tally


def _tally(tmp_path):
    grid = load_grid(learning_rates=["0.1", "0.5"], inits=["random"], losses=["bce"], iterations=10, seeds=2)
    specs = cache.plan(grid)
    tally = Tally(grid, tmp_path, specs)
    ok, bad = specs
    tally.entries[ok.id] = results.manifest_entry(ok.id, learning_rate=0.1, init="random", loss="bce")
    tally.entries[bad.id] = results.manifest_entry(
        bad.id,
        learning_rate=0.5,
        init="random",
        loss="bce",
        status="failed",
        error="ValueError: algo salió mal",
        notebook=f"{bad.id}.failed.ipynb",
    )
    return tally, ok, bad


def test_the_summary_says_what_ran_what_failed_and_where(tmp_path):
    tally, ok, bad = _tally(tmp_path)
    tally.executed.append(ok.id)
    tally.failed.append(bad.id)
    tally.run_seconds += [1.0, 2.0]
    tally.jobs = 2
    tally.retried.append((bad.id, "el proceso de trabajo terminó"))
    report = tally.report()
    text = report.summary()
    assert "2 ejecuciones en la rejilla" in text
    assert "ejecutadas ahora: 1 (1.5 s cada una en promedio, con 2 procesos)" in text
    assert "fallidas: 1" in text and f"× {bad.id}: ValueError: algo salió mal" in text
    assert f"repetida una vez: {bad.id} (el proceso de trabajo terminó)" in text
    assert str(tmp_path / f"{bad.id}.failed.ipynb") in text
    assert report.exit_code == cli.EXIT_FAILED and report.planned == 2
    assert [e["id"] for e in report.runs] == [ok.id, bad.id]  # grid order


def test_a_sweep_all_from_the_cache_exits_0_and_an_interruption_keeps_its_report(tmp_path):
    tally, ok, bad = _tally(tmp_path)
    del tally.entries[bad.id]
    tally.cached.append(ok.id)
    report = tally.report()
    assert report.exit_code == cli.EXIT_OK and "desde la caché: 1" in report.summary()
    assert len(report.runs) == 1 and report.planned == 2  # interrupted: fewer runs than planned
    assert SweepInterrupted(report).report is report
