"""The fault proxy used by the publishing fault tests: each fault does what it says, seeded."""

import http.server
import threading

import pytest
import requests

from faultproxy import FAULTS, FaultProxy


class _Counting(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.hits.append(body)
        reply = b'{"ok": true, "echo": "' + body + b'"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def test_passes_requests_through_when_no_fault(upstream):
    with FaultProxy(upstream, rate=0.0) as proxy:
        for i in range(5):
            r = requests.post(proxy.url + "/x", data=b"hello%d" % i, timeout=5)
            assert r.status_code == 200 and r.json()["echo"] == "hello%d" % i
    assert proxy.counts["passed"] == 5 and proxy.faults_injected == 0
    assert len(_Counting.hits) == 5


@pytest.mark.parametrize("fault, reaches_upstream, outcome", [
    ("reset_before", False, "error"), ("reset_after", True, "error"), ("reset_mid", True, "error"),
    ("502", False, 502), ("503", False, 503), ("503_after", True, 503), ("delay", True, 200),
])
def test_each_fault(upstream, fault, reaches_upstream, outcome):
    with FaultProxy(upstream, rate=1.0, faults=(fault,), max_delay=0.2) as proxy:
        try:
            got = requests.post(proxy.url + "/x", data=b"body", timeout=5).status_code
        except requests.ConnectionError:
            got = "error"
    assert got == outcome
    assert bool(_Counting.hits) == reaches_upstream
    assert proxy.counts[fault] == 1 and proxy.faults_injected == 1


def test_upstream_down_is_a_502_not_an_injected_fault():
    sock = __import__("socket").socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with FaultProxy(("127.0.0.1", port), rate=0.0) as proxy:
        assert requests.get(proxy.url + "/", timeout=5).status_code == 502
    assert proxy.counts["upstream_down"] == 1 and proxy.faults_injected == 0


def test_same_seed_same_faults(upstream):
    def run(seed):
        with FaultProxy(upstream, seed=seed, rate=0.5, max_delay=0.01) as proxy:
            for _ in range(30):
                try:
                    requests.post(proxy.url + "/x", data=b"b", timeout=5)
                except requests.ConnectionError:
                    pass
        return [what for _, _, what in proxy.log]

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert set(run(7)) - {"passed"} <= set(FAULTS)


def test_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy(("10.0.0.1", 5000))
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy(("127.0.0.1", 5000), listen="0.0.0.0")
