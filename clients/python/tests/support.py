"""Shared by the tests: the server under test, unique names, and a faulty TCP proxy."""

import os
import socket
import socketserver
import sys
import threading
import time
import unittest
import uuid
from typing import Callable, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argmax  # noqa: E402  (after the path is set)

URL = os.environ.get("ARGMAX_TEST_URL")
TOKEN = os.environ.get("ARGMAX_TEST_TOKEN")

#: Short waits, so that retry tests take a fraction of a second.
FAST_RETRY = argmax.RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.2)

needs_server = unittest.skipUnless(
    URL and TOKEN, "set ARGMAX_TEST_URL and ARGMAX_TEST_TOKEN to a running argmax server"
)


def client(url: Optional[str] = None, retry: Optional[argmax.RetryPolicy] = None) -> argmax.Client:
    return argmax.Client(url or URL, TOKEN, timeout=30, retry=retry)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def plane(**extra):
    """Fields of an experiment over x, y in [-1, 1]."""
    fields = {
        "parameters": [
            {"name": "x", "type": "double", "bounds": {"min": -1, "max": 1}},
            {"name": "y", "type": "double", "bounds": {"min": -1, "max": 1}},
        ]
    }
    fields.update(extra)
    return fields


def quadratic(assignments) -> float:
    """Largest (0) at x = 0.3, y = -0.2."""
    return -((assignments["x"] - 0.3) ** 2) - (assignments["y"] + 0.2) ** 2


class Seen:
    """One request that went through the proxy, and what became of it."""

    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.action = ""
        self.answer_head = b""

    @property
    def key(self) -> Optional[str]:
        return self.headers.get("idempotency-key")


#: What the proxy does with one request: "forward", "drop-before" (close without
#: forwarding), "drop-after" (forward, let the server answer, close without
#: passing the answer on), or a whole raw HTTP answer to send instead.
Plan = Callable[[Seen, List[Seen]], object]


class FaultyProxy:
    """A real TCP proxy in front of the server that fails requests on purpose.

    One request per connection (the client sends `Connection: close`), so each
    request is read whole, judged by ``plan``, and then handled.
    """

    def __init__(self, upstream: str, plan: Plan) -> None:
        host, port = upstream.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        self.upstream = (host, int(port))
        self.plan = plan
        self.seen: List[Seen] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultyProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests(self, method: str, path_part: str) -> List[Seen]:
        with self._lock:
            return [s for s in self.seen if s.method == method and path_part in s.path]

    def _handle(self, connection: socket.socket) -> None:
        raw, seen = read_request(connection)
        if seen is None:
            return
        with self._lock:
            earlier = list(self.seen)
            self.seen.append(seen)
        action = self.plan(seen, earlier)
        if isinstance(action, bytes):
            seen.action = "answer"
            connection.sendall(action)
            return
        seen.action = str(action)
        if action == "drop-before":
            return
        answer = self._forward(raw)
        seen.answer_head = answer.split(b"\r\n\r\n", 1)[0]
        if action == "forward":
            connection.sendall(answer)

    def _forward(self, raw: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as upstream:
            upstream.sendall(raw)
            chunks: List[bytes] = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)


def read_request(connection: socket.socket):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data, None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    # The server must close after one answer, so that the proxy reads it whole.
    kept = [line for line in lines if not line.lower().startswith("connection:")]
    raw = ("\r\n".join(kept) + "\r\nConnection: close\r\n\r\n").encode("latin-1") + body
    return raw, Seen(method, path, headers, body)


def http_answer(status: int, reason: str, headers: Dict[str, str], body: str) -> bytes:
    data = body.encode("utf-8")
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    lines += ["Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


def wait_until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
