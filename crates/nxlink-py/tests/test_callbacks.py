"""Callbacks as the emulator delivers them, over HTTP, to a receiver written in Python with the
standard library: verified with nxlink.verify_callback, and refused once tampered or stale."""

import http.server
import json
import threading

import pytest

import nxlink
from conftest import contact, task
from nxlink.testing import Emulator


class Receiver(http.server.BaseHTTPRequestHandler):
    """Keeps every callback (path, headers as received, raw body, the emulator's clock then)
    and answers as documented."""

    received = []
    clock = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, dict(self.headers.items()), body, Receiver.clock()))
        answer = b'{"code":0,"message":"success"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_):
        pass


@pytest.fixture(scope="module")
def deliveries():
    """The callbacks received from an emulator on a manual clock, dialling minute by minute
    until a call ended."""
    Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with Emulator(manual_clock=True) as emulator:
            created = emulator.client().create_task(
                task(
                    [contact(0), contact(1)],
                    callCallbackUrl=f"{url}/calls",
                    taskCallbackUrl=f"{url}/tasks",
                )
            )
            Receiver.clock = lambda: emulator.now_ms
            assert emulator.start_task(created.task_id)
            for _ in range(10):
                emulator.advance(60)  # returns once the callbacks were delivered
                if any(path == "/calls" for path, *_ in Receiver.received):
                    break
            yield emulator, created.task_id, list(Receiver.received)
    finally:
        server.shutdown()
        server.server_close()


def test_delivered_callbacks_verify(deliveries):
    emulator, task_id, received = deliveries
    assert {path for path, *_ in received} == {"/calls", "/tasks"}
    for _, headers, body, now_ms in received:
        nxlink.verify_callback(headers, body, emulator.access_key, emulator.access_secret, now_ms=now_ms)
        assert json.loads(body)["taskId"] == task_id


def test_tampered_callbacks_are_refused(deliveries):
    emulator, _, received = deliveries
    for _, headers, body, now_ms in received:
        tampered = body.replace(b'"taskId":"', b'"taskId":"x', 1)
        assert tampered != body
        with pytest.raises(nxlink.CallbackVerificationError) as raised:
            nxlink.verify_callback(
                headers, tampered, emulator.access_key, emulator.access_secret, now_ms=now_ms
            )
        assert raised.value.reason == "bad_signature"


def test_stale_callbacks_are_refused(deliveries):
    emulator, _, received = deliveries
    for _, headers, body, _ in received:
        sent_at = int({name.lower(): value for name, value in headers.items()}["ts"])
        with pytest.raises(nxlink.CallbackVerificationError) as raised:
            nxlink.verify_callback(
                headers, body, emulator.access_key, emulator.access_secret, now_ms=sent_at + 60_001
            )
        assert (raised.value.reason, raised.value.age_ms) == ("stale_timestamp", 60_001)
