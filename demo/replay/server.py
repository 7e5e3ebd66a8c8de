"""A small threaded HTTP server on 127.0.0.1 for replaying API payloads, with fault injection.

    with ReplayServer() as server:
        RedditAPI(items).mount(server)
        server.add_fault(r"^/search", status=429, headers={"Retry-After": "1"})   # next matching request only
        ... point a client at server.url ...
        assert server.requests[0].path == "/search"

A fault answers the next ``times`` requests whose path matches instead of the route: a status with a body, a
``malformed`` JSON body, or a ``delay`` (seconds to sleep before answering, to trigger client timeouts).

A server shared by several tests is cleared between them with :meth:`ReplayServer.reset`. A delayed request
still asleep at a reset is dropped when it wakes, not answered by the routes mounted after it: its client gave
up long ago, and counting it against the next test's fake (a rate-limit budget, a request log) made that test
fail whenever it started within the delay.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, dict | list):
            try:
                data = json.dumps(self.body, ensure_ascii=False).encode()
            except UnicodeEncodeError:  # a lone surrogate is not UTF-8: escaped, as an API sends one ("\\ud83d")
                data = json.dumps(self.body).encode()
            return data, "application/json; charset=UTF-8"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=UTF-8"
        return self.body, "application/octet-stream"


@dataclass
class Fault:
    pattern: re.Pattern
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | str | dict | list = b""
    delay: float = 0.0
    malformed: bool = False
    times: int = 1


Handler = Callable[[Request, re.Match], Response]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that hung up (a reset while the server waited for its next request on a kept-alive
        connection: a body too large to read, a deadline) is no server error: no traceback on stderr."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplayServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.routes: list[tuple[str, re.Pattern, Handler]] = []
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._generation = 0  # bumped by reset(): what a delayed request checks when it wakes
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY: the headers and the body go out in two writes, and with Nagle's algorithm the body
            # waits for the client's delayed ACK of the headers, about 40 ms a request on Linux
            disable_nagle_algorithm = True

            def log_message(self, *args):  # quiet: tests and the demo print their own progress
                pass

            def _serve(self):
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(
                    method=self.command,
                    path=split.path,
                    query={k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                resp = server.dispatch(req)
                if resp is None:  # a delay fault that outlived the client: drop the connection
                    self.close_connection = True
                    return
                body, ctype = resp.encoded()
                try:
                    self.send_response(resp.status)
                    headers = {"Content-Type": ctype, **resp.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_HEAD = _serve

        self._httpd = _Server((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method.upper(), re.compile(pattern), handler))

    def add_fault(
        self,
        pattern: str,
        status: int = 500,
        headers: dict | None = None,
        body=b"",
        delay: float = 0.0,
        malformed: bool = False,
        times: int = 1,
    ) -> None:
        with self._lock:
            self.faults.append(Fault(re.compile(pattern), status, headers or {}, body, delay, malformed, times))

    def reset(self) -> None:
        """Forget the routes, faults and requests, for the next test; requests still in a delay are dropped."""
        with self._lock:
            self.routes.clear()
            self.faults.clear()
            self.requests.clear()
            self._generation += 1

    def dispatch(self, req: Request) -> Response | None:
        with self._lock:
            self.requests.append(req)
            generation = self._generation
            fault = next((f for f in self.faults if f.times > 0 and f.pattern.search(req.path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
                if generation != self._generation:  # reset while asleep: the routes now serve another test
                    return None
            if fault.malformed:
                truncated = b'{"kind": "Listing", "data": {"children": [{"kind": "t3", "da'
                return Response(200, truncated, {"Content-Type": "application/json; charset=UTF-8"})
            if not fault.delay or fault.status != 200:
                return Response(fault.status, fault.body, fault.headers)
        for method, pattern, handler in self.routes:
            m = pattern.search(req.path)
            if m and method in (req.method, "*"):
                try:
                    return handler(req, m)
                except Exception as exc:  # a bug in a fake must show up as a 500 naming it, not a hang
                    return Response(500, {"error": f"{type(exc).__name__}: {exc}"})
        return Response(404, {"error": f"no route for {req.method} {req.path}"})

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
