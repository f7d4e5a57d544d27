"""Tests of report.studies: a study computed ahead is read back bit for bit, and only when it is the same.

The runs are trained for real (tests/runsfolder.py); every comparison is against the same study
computed here, by the bytes of its encoding (every float by its 8 bytes).
"""

import hashlib
import json
import multiprocessing
import os
import signal
import threading

import numpy as np
import pytest

from nnsimple_lab import results
from nnsimple_lab.report import outcomes, q2_rate, q2_seeds, q3_loss, scan, studies
from nnsimple_lab.report import runs as run_view
from nnsimple_lab.report.outcomes import Plateau
from tests.runsfolder import write_runs_folder


def _bits(value):
    return json.dumps(studies.encode(value)).encode("utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    write_runs_folder(folder / "runs", learning_rates=(0.1, 2.0), inits=("zeros", "random"), iterations=150, seeds=6)
    return folder


@pytest.fixture(scope="module")
def setting(reports):
    runs = run_view.load(reports / "runs")
    return runs, studies.setting(runs, results.read_manifest(reports / "runs")["grid"])


def _scan_arguments(runs, s):
    """The arguments the report notebook's scan cell gives."""
    return {
        "grid_rates": run_view.learning_rates(runs),
        "losses": (q3_loss.REFERENCE, q3_loss.QUESTION_LOSS),
        "doubled_losses": (q3_loss.QUESTION_LOSS,),
        "init": s.init,
        "n_h": s.n_h,
        "iterations": s.iterations,
        "seeds": s.seeds,
        "main_seed": s.main_seed,
    }


def _failing_arguments(runs, s, sweep):
    """The arguments the report notebook's failing-seeds cell gives."""
    return {
        "failing_rate": q2_seeds.failing_rate(runs, scan.window(sweep, s.loss), init=s.init, loss=s.loss),
        "rates": q2_rate.rates(runs, init=s.init, loss=s.loss),
        "init": s.init,
        "loss": s.loss,
        "n_h": s.n_h,
        "iterations": s.iterations,
        "seeds": s.seeds,
        "runs": runs,
    }


def _fresh(reports, setting):
    """(scan, failing_and_others) computed here, as the notebook did before the prefetch."""
    runs, s = setting
    sweep = scan.run_scan(s.X, s.Y, **_scan_arguments(runs, s))
    return sweep, outcomes.failing_and_others(s.X, s.Y, **_failing_arguments(runs, s, sweep))


def _cleared(reports):
    for path in (reports / studies.FOLDER).rglob("*.json"):
        path.unlink()


# ---------------------------------------------------------------- the encoding


def test_encoding_keeps_every_bit_and_type():
    nan_payload = np.frombuffer(bytes.fromhex("0100000000f8ffff"), dtype="<f8")[0].item()  # a negative nan
    value = (
        [1.5, -0.0, float("inf"), nan_payload, 1e-310],
        (0.1, 0.2),
        (None, 3, True, "x", ()),
        {3: np.arange(6, dtype=float).reshape(2, 3), 7: np.array([True, False])},
        np.float64(0.1),
        Plateau(groups=((0, 3), (1, 2)), shares=(0.0, 0.5), limit_cost=0.34657359027997264),
    )
    back = studies.decode(json.loads(json.dumps(studies.encode(value))))
    assert _bits(back) == _bits(value)
    assert [type(v) for v in back] == [type(v) for v in value]
    assert [type(v) for v in back[0]] == [float] * 5 and type(back[1]) is tuple
    assert back[0][3] != back[0][3] and np.float64(back[0][3]).tobytes() == np.float64(nan_payload).tobytes()
    assert back[3][3].dtype == float and back[3][3].shape == (2, 3) and list(back[3]) == [3, 7]
    assert back[5] == value[5]


def test_encoding_refuses_what_it_cannot_give_back():
    with pytest.raises(TypeError, match="set"):
        studies.encode({1, 2})


# ---------------------------------------------------------------- prefetched = fresh, bit for bit


def test_the_prefetched_studies_are_a_fresh_computation_bit_for_bit(reports, setting):
    _cleared(reports)
    assert studies.prefetch(reports) == [studies.SCAN, studies.FAILING]
    runs, s = setting
    fresh_scan, fresh_failing = _fresh(reports, setting)
    got_scan = studies.run_scan(reports / "runs", s.X, s.Y, **_scan_arguments(runs, s))
    got_failing = studies.failing_and_others(reports / "runs", s.X, s.Y, **_failing_arguments(runs, s, got_scan))
    assert _bits(got_scan) == _bits(fresh_scan) and got_scan == fresh_scan
    assert _bits(got_failing) == _bits(fresh_failing)
    assert [len(list(studies.folder(reports, name).glob("*.json"))) for name in (studies.SCAN, studies.FAILING)] == [
        1,
        1,
    ]


def test_the_report_reads_what_the_prefetch_stored(reports, setting, monkeypatch):
    """With both studies stored, the notebook's calls never compute (the originals would raise)."""
    _cleared(reports)
    studies.prefetch(reports)
    runs, s = setting

    def refused(*args, **kwargs):
        raise AssertionError("computed instead of read")

    monkeypatch.setattr(scan, "run_scan", refused)
    monkeypatch.setattr(outcomes, "failing_and_others", refused)
    sweep = studies.run_scan(reports / "runs", s.X, s.Y, **_scan_arguments(runs, s))
    studies.failing_and_others(reports / "runs", s.X, s.Y, **_failing_arguments(runs, s, sweep))


def test_the_notebooks_setting_is_the_prefetchs(reports):
    """The report notebook unpacks ``studies.setting`` into the names its cells pass to the studies."""
    source = json.loads(studies.ROOT.joinpath("notebooks", "informe.ipynb").read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code")
    assert "X, Y, loss, init, iterations, n_h, seeds, main_seed = studies.setting(runs, grid)" in code
    assert "studies.run_scan(\n    runs_dir, X, Y," in code
    assert "studies.failing_and_others(\n    runs_dir, X, Y," in code
    assert studies.Setting._fields == ("X", "Y", "loss", "init", "iterations", "n_h", "seeds", "main_seed")


# ---------------------------------------------------------------- never a foreign, stale or partial file


def _planted(reports, setting, transform):
    """Store the scan, alter its file with ``transform(bytes) -> bytes``, and return what the report gets."""
    _cleared(reports)
    studies.prefetch(reports)
    runs, s = setting
    arguments = _scan_arguments(runs, s)
    target = studies.path(
        reports, studies.SCAN, studies.key(studies.SCAN, studies._scan_arguments(s.X, s.Y, **arguments))
    )
    target.write_bytes(transform(target.read_bytes()))
    return studies.run_scan(reports / "runs", s.X, s.Y, **arguments)


def _other_scan(reports, setting):
    """The file of a scan of other arguments (fewer iterations): whole and valid, but not this one."""
    runs, s = setting
    arguments = {**_scan_arguments(runs, s), "iterations": 20}
    other = scan.run_scan(s.X, s.Y, **arguments)
    name = studies.key(studies.SCAN, studies._scan_arguments(s.X, s.Y, **arguments))
    return other, studies._file_bytes(name, other)


def test_a_foreign_file_is_not_read(reports, setting):
    """Another scan's file under this scan's name: its key is not ours."""
    other, blob = _other_scan(reports, setting)
    got = _planted(reports, setting, lambda _: blob)
    fresh, _ = _fresh(reports, setting)
    assert _bits(got) == _bits(fresh) and _bits(got) != _bits(other)


def test_a_stale_file_is_not_read(reports, setting):
    """A file whose key is right for other code (here: another key in its header, its value edited) is not read."""
    fresh, _ = _fresh(reports, setting)
    edited = lambda blob: blob.replace(b'"o":["Scan"', b'"o":["Scan" ', 1)  # noqa: E731 - the value changes
    assert _bits(_planted(reports, setting, edited)) == _bits(fresh)
    stale = lambda blob: blob.replace(b'{"key": "', b'{"key": "0', 1)  # noqa: E731
    assert _bits(_planted(reports, setting, stale)) == _bits(fresh)


@pytest.mark.parametrize("keep", [0, 100, 0.5])
def test_a_partial_file_is_not_read(reports, setting, keep):
    fresh, _ = _fresh(reports, setting)
    cut = (lambda blob: blob[: int(len(blob) * keep)]) if isinstance(keep, float) else (lambda blob: blob[:keep])
    assert _bits(_planted(reports, setting, cut)) == _bits(fresh)


def test_other_code_gives_another_key(reports, setting, monkeypatch):
    runs, s = setting
    arguments = studies._scan_arguments(s.X, s.Y, **_scan_arguments(runs, s))
    before = studies.key(studies.SCAN, arguments)
    monkeypatch.setattr(studies, "_code", lambda: "another nnsimple.py")
    assert studies.key(studies.SCAN, arguments) != before
    monkeypatch.undo()
    signed = arguments["X"].copy()
    signed[signed == 0] = -0.0  # the same numbers, other bits: another key
    assert studies.key(studies.SCAN, {**arguments, "X": signed}) != before
    assert studies.key(studies.FAILING, arguments) != before


# ---------------------------------------------------------------- the lock: wait for it, never blocked by the dead


def test_the_report_waits_for_a_study_in_progress(reports, setting, capfd):
    """While a prefetch holds the lock the report waits, silently (its stderr would be an output), and
    then reads what it stored."""
    _cleared(reports)
    runs, s = setting
    arguments = _scan_arguments(runs, s)
    fresh, _ = _fresh(reports, setting)
    name = studies.key(studies.SCAN, studies._scan_arguments(s.X, s.Y, **arguments))
    holding, release = threading.Event(), threading.Event()

    def prefetching():
        with studies.computing(reports, studies.SCAN):
            holding.set()
            release.wait()
            studies.store(reports, studies.SCAN, name, fresh)

    worker = threading.Thread(target=prefetching)
    worker.start()
    holding.wait()
    got = []
    reader = threading.Thread(target=lambda: got.append(studies.run_scan(reports / "runs", s.X, s.Y, **arguments)))
    reader.start()
    reader.join(0.5)
    assert reader.is_alive() and not got  # waiting on the lock
    release.set()
    worker.join()
    reader.join()
    assert got[0] is not fresh and _bits(got[0]) == _bits(fresh)
    assert capfd.readouterr() == ("", "")


def _hold_and_die(reports, ready):
    with studies.computing(reports, studies.SCAN):
        where = studies.folder(reports, studies.SCAN)
        (where / ".half.json.123.tmp").write_bytes(b'{"key": "')  # a write in progress
        ready.set()
        signal.pause()


def test_a_killed_prefetch_leaves_no_file_and_blocks_nothing(reports, setting):
    _cleared(reports)
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_hold_and_die, args=(reports, ready))
    child.start()
    assert ready.wait(30)
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    runs, s = setting
    fresh, _ = _fresh(reports, setting)
    assert _bits(studies.run_scan(reports / "runs", s.X, s.Y, **_scan_arguments(runs, s))) == _bits(fresh)
    assert studies.prefetch(reports) == [studies.SCAN, studies.FAILING]  # removes the dead one's temporary
    assert sorted(p.name for p in studies.folder(reports, studies.SCAN).iterdir())[0] == ".lock"
    assert not list(studies.folder(reports, studies.SCAN).glob("*.tmp"))


def test_without_a_prefetch_the_report_computes_and_writes_nothing(tmp_path, setting):
    runs, s = setting
    fresh, _ = _fresh(None, setting)
    got = studies.run_scan(tmp_path / "runs", s.X, s.Y, **_scan_arguments(runs, s))
    assert _bits(got) == _bits(fresh)
    assert list(tmp_path.iterdir()) == []


def test_the_scan_from_the_grid_alone_is_the_one_the_runs_ask_for(reports, setting):
    """In the sweep's tail there are no runs yet: the scan from the grid's values has the runs' key."""
    _cleared(reports)
    grid = results.read_manifest(reports / "runs")["grid"]
    assert studies.prefetch(reports, grid) == [studies.SCAN]
    assert not list(studies.folder(reports, studies.FAILING).glob("*.json"))
    runs, s = setting
    name = studies.key(studies.SCAN, studies._scan_arguments(s.X, s.Y, **_scan_arguments(runs, s)))
    fresh, _ = _fresh(reports, setting)
    assert _bits(studies.read(reports, studies.SCAN, name)) == _bits(fresh)


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"o": ["Scan", {"points": {"t": []}}]}', b'{"x": 1}'])
def test_a_well_formed_file_of_something_else_is_not_read(reports, setting, body):
    """Its key and checksum are right, but its value is no scan: computed, not raised."""
    fresh, _ = _fresh(reports, setting)

    def other(blob):
        meta = json.loads(blob.partition(b"\n")[0])
        meta["sha256"] = hashlib.sha256(body).hexdigest()
        return json.dumps(meta).encode("utf-8") + b"\n" + body

    assert _bits(_planted(reports, setting, other)) == _bits(fresh)
