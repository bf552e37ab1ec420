"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 in a thread of its own that
checks each request's signature as a retailer's system would, and answers as scripted."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from labels.notices.webhooks import verify_signature


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    at: float  # time.monotonic()

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers the statuses in ``script`` in turn, then ``then``; ``secret`` is set once known."""

    script: list[int] = field(default_factory=list)
    then: int = 200
    secret: str = ""
    delay: float = 0.0  # seconds to wait before answering
    received: list[Received] = field(default_factory=list)

    def __post_init__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {key.lower(): value for key, value in self.headers.items()}
                verified = bool(receiver.secret) and verify_signature(receiver.secret, headers, body)
                with receiver._lock:
                    receiver.received.append(Received(headers, body, verified, time.monotonic()))
                    status = receiver.script.pop(0) if receiver.script else receiver.then
                if receiver.delay:
                    time.sleep(receiver.delay)
                answer = b'{"ok": true}' if status < 300 else b"receiver is down for maintenance"
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped waiting (a timeout test)

            def log_message(self, *args):  # keep the test output clean
                pass

        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/ecoreg"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"received {len(self.received)} of {count} requests"
            time.sleep(0.02)
        return list(self.received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
