"""Tests of files: the atomic writer, JSON that is rewritten only when it changed, temporaries, the lock."""

import errno
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
from tests.projectcopy import remount_read_only, small_folder


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


# ---------------------------------------------------------------- a disk that refuses writes


def test_a_full_disk_is_a_spanish_storage_error_naming_the_file_and_what_to_do(tmp_path):
    with small_folder(tmp_path / "disco", kib=64) as disk:
        path = disk / "manifest.json"
        files.write_atomic(path, "antes")
        with pytest.raises(files.StorageError) as error:
            files.write_atomic(path, b"x" * 200_000)
        assert str(error.value) == (
            f"No se pudo escribir {path}: el disco está lleno. Qué hacer: libere espacio y vuelva a lanzarlo."
        )
        assert isinstance(error.value, OSError) and error.value.strerror.startswith("el disco está lleno")
        assert path.read_text() == "antes" and sorted(p.name for p in disk.iterdir()) == ["manifest.json"]


def test_a_read_only_folder_is_a_storage_error_and_its_lock_still_works(tmp_path):
    with small_folder(tmp_path / "disco") as disk:
        files.write_atomic(disk / "a.txt", "x")
        with files.locked(disk, "esperando"):
            pass  # the lock file now exists
        remount_read_only(disk)
        with pytest.raises(files.StorageError, match="sistema de archivos de solo lectura"):
            files.write_atomic(disk / "a.txt", "y")
        with pytest.raises(files.StorageError, match="crear la carpeta"):
            files.make_folder(disk / "runs")
        with files.locked(disk, "esperando"):  # read-only: flock on a read-only descriptor
            files.remove_temporaries(disk)  # nothing to remove, nothing raised
        assert (disk / "a.txt").read_text() == "x"


def test_a_failed_rename_names_the_final_path_and_leaves_no_temporary(tmp_path):
    work = tmp_path / f"{files.TMP_PREFIX}run.json"
    work.write_text("x")
    (tmp_path / "run.json").mkdir()  # a folder where the file should go
    with pytest.raises(files.StorageError, match=r"^No se pudo poner en su sitio .*run\.json: "):
        files.promote(work, tmp_path / "run.json")
    assert not work.exists()


def test_storage_error_of_an_os_error():
    error = files.storage_error(OSError(errno.EACCES, "Permission denied", "/r/informe.pdf"))
    assert str(error) == (
        "No se pudo escribir /r/informe.pdf: no hay permiso para escribir ahí. "
        "Qué hacer: dé permiso de escritura (chmod u+w) a la carpeta o elija otra."
    )
    assert files.storage_error(error) is error and files.is_storage_failure(error)
    assert not files.is_storage_failure(OSError(errno.ENOENT, "No such file"))
