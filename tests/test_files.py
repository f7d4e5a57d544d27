"""Tests of files: the atomic writer, JSON that is rewritten only when it changed, temporaries, the lock."""

import json
import math
import os
import stat
import subprocess
import sys
import threading
import time

import pytest

from nnsimple_lab import files


def test_write_atomic_writes_text_or_bytes_readable_by_others(tmp_path):
    path = tmp_path / "sub" / "carpeta" / "a.txt"
    files.write_atomic(path, "año")
    assert path.read_bytes() == "año".encode()
    files.write_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert stat.S_IMODE(path.stat().st_mode) == files.FILE_MODE
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]  # no temporary left


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    path = tmp_path / "a.json"
    files.write_atomic(path, "antes")
    with pytest.raises(TypeError):
        files.write_atomic(path, 42)  # neither bytes nor str
    with pytest.raises(ValueError):
        files.write_json_atomic(path, {"x": math.nan})  # strict JSON: refused before writing
    assert path.read_text() == "antes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_json_is_compact_utf8_and_strict():
    assert files.json_bytes({"título": [1, 2.5]}) == '{"título":[1,2.5]}'.encode()
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            files.json_bytes([bad])


def test_write_json_if_changed_keeps_an_unchanged_file_and_its_time(tmp_path):
    path = tmp_path / "manifest.json"
    assert files.write_json_if_changed(path, {"a": 1}) is True
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert files.write_json_if_changed(path, {"a": 1}) is False
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert files.write_json_if_changed(path, {"a": 2}) is True
    assert json.loads(path.read_text()) == {"a": 2}
    path.write_text("{roto")
    assert files.write_json_if_changed(path, {"a": 2}) is True  # a damaged file is rewritten


def test_promote_and_remove_temporaries(tmp_path):
    work = tmp_path / f"{files.TMP_PREFIX}run.ipynb"
    work.write_text("x")
    files.promote(work, tmp_path / "run.ipynb")
    assert (tmp_path / "run.ipynb").read_text() == "x" and not work.exists()
    leftovers = [f"{files.TMP_PREFIX}a.json", ".manifest.json.abc.tmp"]
    kept = ["run.ipynb", files.LOCK_NAME, ".otro", "tmp-no.json"]
    for name in leftovers + kept[1:]:
        (tmp_path / name).write_text("")
    files.remove_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    files.remove_temporaries(tmp_path / "no-existe")  # nothing to do


def test_the_lock_waits_for_another_process_and_says_so(tmp_path, capfd):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from nnsimple_lab import files\n"
            f"with files.locked({str(tmp_path)!r}, 'no debería esperar'):\n"
            "    print('dentro', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "dentro\n"
        entered = threading.Event()

        def second():
            with files.locked(tmp_path, "Otro proceso trabaja aquí; esperando…"):
                entered.set()

        waiting = threading.Thread(target=second, daemon=True)
        waiting.start()
        deadline = time.monotonic() + 10
        while "esperando" not in capfd.readouterr().err:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert not entered.is_set()
        holder.stdin.write("\n")
        holder.stdin.flush()
        waiting.join(timeout=10)
        assert entered.is_set()
    finally:
        holder.kill()
        holder.wait()
    assert (tmp_path / files.LOCK_NAME).exists()
