"""A small fault-injecting HTTP proxy for publishing tests: loopback only, seeded, threaded.

It sits between the publisher and the real local CKAN and, for a seeded random share of requests,
does one of the things real networks and real load balancers do:

  reset_before  reset the connection before the request reaches CKAN (CKAN did nothing)
  reset_after   let CKAN do the work, then reset before the answer gets back (the nasty one)
  reset_mid     send half of CKAN's answer, then reset
  delay         hold the request for a while, then pass it on
  502 / 503     answer 502 Bad Gateway or 503 Service Unavailable itself (CKAN did nothing)
  503_after     let CKAN do the work, then answer 503 (as a gateway that timed out would)

Each request gets its own upstream connection (`Connection: close`), so a fault hits one request.
If CKAN itself is down (the kill-and-restart variant) the proxy answers 502, like a real gateway;
that is counted as `upstream_down`, not as an injected fault.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter

LOOPBACK = ("127.0.0.1", "::1", "localhost")
FAULTS = ("reset_before", "reset_after", "reset_mid", "delay", "502", "503", "503_after")
_HEAD_LIMIT = 256 * 1024
_STATUS_TEXT = {502: "Bad Gateway", 503: "Service Unavailable"}


class FaultProxy:
    """`with FaultProxy(("127.0.0.1", 5000), seed=1, rate=0.2) as proxy: ... proxy.url ...`"""

    def __init__(
        self,
        upstream: tuple[str, int],
        *,
        seed: int = 0,
        rate: float = 0.2,
        faults: tuple[str, ...] = FAULTS,
        max_delay: float = 1.0,
        listen: str = "127.0.0.1",
        upstream_timeout: float = 300.0,
        on_request=None,
    ):
        host, port = upstream
        if host not in LOOPBACK or listen not in LOOPBACK:
            raise ValueError("the fault proxy only connects loopback addresses")
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        self.upstream = (host, int(port))
        self.rate = rate
        self.faults = tuple(faults)
        self.max_delay = max_delay
        self.upstream_timeout = upstream_timeout
        self.enabled = True
        # called as on_request(n, method, path) before the n-th request (1-based) goes upstream
        self.on_request = on_request
        self.requests = 0
        self.counts: Counter = Counter()
        self.log: list[tuple[str, str, str]] = []  # (method, path, what happened)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((listen, 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self.url = f"http://{listen}:{self.port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, name="faultproxy", daemon=True)

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> "FaultProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            self._server.close()
        except OSError:
            pass

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def faults_injected(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind in FAULTS)

    # ---------------------------------------------------------------- serving

    def _accept_loop(self) -> None:
        self._server.settimeout(0.1)
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            client.setblocking(True)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _decide(self) -> tuple[str | None, float]:
        with self._lock:
            if not self.enabled or self._rng.random() >= self.rate:
                return None, 0.0
            fault = self._rng.choice(self.faults)
            delay = self._rng.uniform(0.05, self.max_delay) if fault == "delay" else 0.0
            return fault, delay

    def _record(self, method: str, path: str, what: str) -> None:
        with self._lock:
            self.counts[what] += 1
            self.log.append((method, path, what))

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(self.upstream_timeout)
        try:
            while True:  # one request per loop; the client may keep its connection open
                request = _read_request(client)
                if request is None:
                    return
                method, path, raw = request
                fault, delay = self._decide()
                if fault == "reset_before":
                    self._record(method, path, fault)
                    return _reset(client)
                if fault in ("502", "503"):
                    self._record(method, path, fault)
                    client.sendall(_error_response(int(fault), "injected by the test fault proxy"))
                    return
                if fault == "delay":
                    time.sleep(delay)
                if self.on_request is not None:
                    with self._lock:
                        self.requests += 1
                        n = self.requests
                    self.on_request(n, method, path)
                response = self._forward(raw)
                if response is None:
                    self._record(method, path, "upstream_down")
                    client.sendall(_error_response(502, "upstream (CKAN) not reachable"))
                    return
                if fault == "reset_after":
                    self._record(method, path, fault)
                    return _reset(client)
                if fault == "reset_mid":
                    self._record(method, path, fault)
                    client.sendall(response[: max(1, len(response) // 2)])
                    return _reset(client)
                if fault == "503_after":
                    self._record(method, path, fault)
                    client.sendall(_error_response(503, "injected by the test fault proxy after upstream answered"))
                    return
                self._record(method, path, fault or "passed")
                client.sendall(response)
                return  # the response says Connection: close
        except (OSError, ValueError):
            return
        finally:
            try:
                client.close()
            except OSError:
                pass

    def _forward(self, raw: bytes) -> bytes | None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=self.upstream_timeout)
        except OSError:
            return None
        try:
            upstream.sendall(raw)
            chunks = []
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except OSError:
            if not chunks:
                return None
        finally:
            upstream.close()
        response = b"".join(chunks)
        if not response:
            return None
        return _force_close(response)


# -------------------------------------------------------------------- HTTP framing (just enough)


def _read_request(sock: socket.socket) -> tuple[str, str, bytes] | None:
    """One request from the client, rewritten with `Connection: close`; None at end of stream."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
        if len(buffer) > _HEAD_LIMIT:
            raise ValueError("request head too large")
    head, body = buffer.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    method, path = (lines[0].split(b" ") + [b"", b""])[:2]
    headers = []
    length, chunked = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        lower = name.strip().lower()
        if lower == b"content-length":
            length = int(value.strip())
        elif lower == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        if lower in (b"connection", b"keep-alive", b"proxy-connection"):
            continue
        headers.append(line)
    if chunked:
        while not body.endswith(b"0\r\n\r\n"):
            data = sock.recv(65536)
            if not data:
                raise ValueError("request body ended early")
            body += data
    else:
        while len(body) < length:
            data = sock.recv(min(1 << 20, length - len(body)))
            if not data:
                raise ValueError("request body ended early")
            body += data
    raw = b"\r\n".join([lines[0], *headers, b"Connection: close"]) + b"\r\n\r\n" + body
    return method.decode("latin-1"), path.decode("latin-1"), raw


def _force_close(response: bytes) -> bytes:
    head, sep, body = response.partition(b"\r\n\r\n")
    if not sep:
        return response
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith((b"connection:", b"keep-alive:"))]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _error_response(status: int, text: str) -> bytes:
    body = f"<html><body><h1>{status} {_STATUS_TEXT[status]}</h1><p>{text}</p></body></html>".encode()
    head = (
        f"HTTP/1.1 {status} {_STATUS_TEXT[status]}\r\nContent-Type: text/html\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a crashed peer or a dropped NAT entry would."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass
