"""Tests of entry: the --executor option's values, and the messages of a bad one."""

import pytest

from nnsimple_lab import entry
from nnsimple_lab.grid import SweepInputError


@pytest.mark.parametrize("text, value", [("pool", "pool"), ("dask", "dask"), (" Dask ", "dask")])
def test_the_named_executors_are_accepted(text, value):
    assert entry.executor_choice(text) == value


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tcp://nodo-1.lab:8786", "tcp://[::1]:8786"])
def test_a_schedulers_address_is_accepted_as_given(address):
    assert entry.executor_choice(address) == address


@pytest.mark.parametrize(
    "text, hint",
    [
        ("dsk", ""),
        ("localhost:8786", " ¿Quiso decir tcp://localhost:8786?"),
        ("tcp://nodo", " Falta el puerto: tcp://nodo:8786"),
        ("tcp://nodo:99999", ""),
        ("http://nodo:8786", ""),
    ],
)
def test_a_bad_executor_names_the_value_and_the_valid_forms(text, hint, monkeypatch):
    monkeypatch.delenv("NNSIMPLE_LAB_MAKE", raising=False)
    with pytest.raises(SweepInputError) as error:
        entry.executor_choice(text)
    message = str(error.value)
    assert message.startswith(f"--executor: ejecutor inválido {text!r}; use pool (")
    assert "dask (un LocalCluster" in message and "tcp://MÁQUINA:PUERTO" in message and hint in message


def test_under_make_the_message_names_executor(monkeypatch):
    monkeypatch.setenv("NNSIMPLE_LAB_MAKE", "make report")
    with pytest.raises(SweepInputError, match=r"^EXECUTOR: ejecutor inválido 'dsk'"):
        entry.executor_choice("dsk")
