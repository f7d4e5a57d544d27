"""Tests of explore: the numbers and figure a widget shows, the widgets, the notebook headless and
in a real JupyterLab server (started by ``make lab``), driven over its REST and kernel APIs."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import papermill
import pytest
from jupyter_server.services.kernels.connection.base import deserialize_binary_message

import nnsimple as nn
from nnsimple_lab import explore, training

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explorar.ipynb"


def test_explore_trains_what_nnsimple_trains_and_draws_four_panels():
    found = explore.explore(learning_rate=0.5, init="random", loss="mse", n_h=3, seed=4, iterations=300)
    X, Y = nn.load_dataset("xor")
    same = training.train(X, Y, n_h=3, learning_rate=0.5, iterations=300, init="random", loss="mse", seed=4)
    assert np.array_equal(found.result.costs, same.costs)
    assert found.seeds.seeds.tolist() == list(range(explore.DEFAULTS["seeds"]))
    assert len(found.figure.axes) >= 4
    titles = {ax.get_title() for ax in found.figure.axes}
    assert {"Costo por iteración", "Frontera de decisión", "Pesos y sesgos"} <= titles


def test_the_status_line_states_the_numbers_in_spanish():
    found = explore.explore(learning_rate=0.5, iterations=1000)
    text = explore.status(found)
    assert f"desde la iteración {found.result.iterations_to_solve}" in text
    assert f"{int(found.seeds.solved.sum())} de 20" in text
    assert "nan" not in text and "Traceback" not in text


def test_a_rate_that_diverges_shows_the_divergence_not_a_traceback():
    found = explore.explore(learning_rate=10.0, init="random", loss="bce", seed=0, iterations=1000)
    assert found.result.diverged
    assert "divergió" in explore.status(found)


def test_a_bad_setting_is_a_spanish_error_naming_it():
    with pytest.raises(ValueError, match="Ajuste desconocido: 'alpha'"):
        explore.explore(alpha=0.5)
    with pytest.raises(ValueError, match="Método de inicialización desconocido: 'he'"):
        explore.explore(init="he")


def test_moving_a_widget_redraws_the_figure_and_the_numbers():
    box = explore.app(learning_rate=0.01, iterations=200)
    knobs, (picture, numbers) = box.children[0].children, box.children[1].children
    before_png, before_text = bytes(picture.value), numbers.value
    assert before_png.startswith(b"\x89PNG") and "no alcanza 100 %" in before_text
    knobs[0].value = 5.0  # the α slider
    assert bytes(picture.value) != before_png and numbers.value != before_text


def test_the_notebook_runs_top_to_bottom_headless(tmp_path):
    executed = papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "explorar.ipynb"), cwd=str(ROOT), progress_bar=False, kernel_name="python3"
    )
    outputs = [o for c in executed.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


# ---------------------------------------------------------------- in JupyterLab, started by make lab


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _post(url, body):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def lab_server():
    """``make lab`` on a free local port with a known token; yields its base URL and token."""
    port, token = _free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTER_PORT": str(port), "JUPYTER_TOKEN": token}
    server = subprocess.Popen(
        ["make", "lab"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "make lab did not start"
                time.sleep(0.3)
        yield base, token
    finally:  # make does not pass SIGTERM on to the server: stop the whole session
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


async def _execute(ws, code, session):
    """Send one execute_request; return every IOPub message until the kernel is idle again."""
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "", "version": "5.3"}
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
    message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
    await ws.write_message(json.dumps(message))
    seen = []
    while True:
        frame = await ws.read_message()  # widgets' binary buffers (the PNG) come as binary frames
        reply = json.loads(frame) if isinstance(frame, str) else deserialize_binary_message(frame)
        if reply.get("parent_header", {}).get("msg_id") != msg_id or reply["channel"] != "iopub":
            continue
        seen.append(reply)
        if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            return seen


def _widget_states(messages):
    """``{comm id: state}`` of the widget models the kernel opened or updated."""
    states = {}
    for m in messages:
        if m["msg_type"] in ("comm_open", "comm_msg"):
            state = m["content"].get("data", {}).get("state", {})
            states.setdefault(m["content"]["comm_id"], {}).update(state)
    return states


@pytest.mark.slow
def test_the_notebook_runs_in_jupyterlab_and_its_widgets_answer(lab_server):
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    base, token = lab_server
    model = _get(f"{base}/api/contents/explorar.ipynb?token={token}")
    cells = ["".join(c["source"]) for c in model["content"]["cells"] if c["cell_type"] == "code"]
    body = {"path": "explorar.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}}
    kernel = _post(f"{base}/api/sessions?token={token}", body)["kernel"]["id"]

    async def drive():
        ws = await websocket_connect(
            f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/api/kernels/{kernel}/channels?token={token}"
        )
        session = uuid.uuid4().hex
        messages = []
        for code in cells:
            messages += await _execute(ws, code, session)
        opened = _widget_states(messages)
        changed = await _execute(ws, "explorer.children[0].children[0].value = 5.0", session)
        ws.close()
        return messages, opened, _widget_states(changed)

    messages, opened, changed = IOLoop.current().run_sync(drive, timeout=120)
    assert not [m for m in messages if m["msg_type"] == "error"]
    models = {state.get("_model_name") for state in opened.values()}
    assert {"FloatLogSliderModel", "ImageModel", "HTMLModel"} <= models
    texts = [s.get("value", "") for s in opened.values() if s.get("_model_name") == "HTMLModel"]
    assert any("Calculado y dibujado" in t for t in texts)  # the callback ran once at start
    assert any("Calculado y dibujado" in str(s.get("value", "")) for s in changed.values())  # and on a change
