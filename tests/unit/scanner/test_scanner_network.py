"""Fetching a bundle and asking a resolver over a real local socket: answers, refusals, timeouts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scanner import BundleSignatureError, NetworkError, OnlineResolver, fetch_bundle, load_bundle, verify_code
from tests.unit.scanner.scanner_registry import HOST, T0, Registry

#: path -> (status, content type, body, seconds to wait first)
Routes = dict[str, tuple[int, str, bytes, float]]


@contextmanager
def serving(routes: Routes) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering ``routes``; yields its base URL."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append({"path": self.path, "accept": self.headers.get("Accept")})
            status, content_type, body, delay = routes.get(self.path, (404, "text/plain", b"no", 0.0))
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def registry() -> Registry:
    return Registry()


def test_a_bundle_is_fetched_and_checked_against_the_pin(registry):
    body = json.dumps(registry.bundle()).encode()
    with serving({"/api/v1/trust-bundle": (200, "application/json", body, 0)}) as (base, seen):
        bundle = fetch_bundle(base + "/", registry.jwks(), now=T0)
        assert bundle.issued_at == T0 and seen[0]["accept"] == "application/json"
        with pytest.raises(BundleSignatureError):
            fetch_bundle(base, Registry().jwks(), now=T0)  # served, but not by the pinned registry


def test_the_registrys_refusal_is_told(registry):
    problem = {"type": "/problems/signing-unavailable", "detail": "no key passphrase is configured"}
    routes = {"/api/v1/trust-bundle": (503, "application/problem+json", json.dumps(problem).encode(), 0)}
    with serving(routes) as (base, _), pytest.raises(NetworkError, match="503: no key passphrase") as caught:
        fetch_bundle(base, registry.jwks())
    assert caught.value.status == 503


def test_timeouts_and_unreachable_hosts_are_network_errors(registry):
    slow = {"/api/v1/trust-bundle": (200, "application/json", b"{}", 2.0)}
    with serving(slow) as (base, _), pytest.raises(NetworkError, match="did not answer within 0.2 s"):
        fetch_bundle(base, registry.jwks(), timeout=0.2)
    with serving({}) as (base, _):
        closed = base  # nothing listens here once the server is gone
    with pytest.raises(NetworkError, match="cannot reach"):
        fetch_bundle(closed, registry.jwks(), timeout=2)
    with pytest.raises(NetworkError, match="only http"):
        fetch_bundle("file:///etc", registry.jwks())


def verdict_body(verdict: str, labels=()) -> bytes:
    return json.dumps(
        {
            "verdict": verdict,
            "message_vi": "vi",
            "message_en": "en",
            "genuine": None,
            "labels": [{"label_number": n, "status": s, "valid_until": None} for n, s in labels],
        }
    ).encode()


def test_the_resolvers_live_verdict_replaces_the_offline_one(registry):
    bundle = load_bundle(registry.bundle(), registry.jwks(), now=T0)
    code = registry.code(indexes=(2,))
    path_and_claim = code.removeprefix(f"https://{HOST}")  # the host is not signed: a mirror serves it
    answer = verdict_body("suspended", [("DN-GRN-2026-000123", "suspended")])
    with serving({path_and_claim: (200, "application/json", answer, 0)}) as (base, seen):
        verdict = verify_code(code, bundle, T0 + timedelta(hours=1), OnlineResolver(base))
    assert (verdict.verdict, verdict.checked, verdict.offline_verdict) == ("suspended", "online", "valid")
    assert verdict.labels[0].status == "suspended" and verdict.labels[0].status_index == 2
    assert verdict.genuine is True and seen[0]["accept"] == "application/json"


def test_an_unknown_gtin_is_a_404_that_still_carries_a_verdict(registry):
    bundle = load_bundle(registry.bundle(), registry.jwks(), now=T0)
    with serving({"/01/04006381333931": (404, "application/json", verdict_body("not-registered"), 0)}) as (
        base,
        _,
    ):
        verdict = verify_code("4006381333931", bundle, T0, OnlineResolver(base))
    assert (verdict.verdict, verdict.offline_verdict, verdict.message_en) == (
        "not-registered",
        "needs-online-check",
        "en",
    )


@pytest.mark.parametrize(
    "route",
    [
        (500, "text/html", b"<h1>oops</h1>", 0.0),
        (200, "application/json", b'{"verdict": "fine", "labels": []}', 0.0),
        (200, "application/json", b"[]", 0.0),
    ],
)
def test_when_the_resolver_fails_the_offline_verdict_stands(registry, route):
    bundle = load_bundle(registry.bundle(), registry.jwks(), now=T0)
    with serving({"/01/04006381333931": route}) as (base, _):
        resolver = OnlineResolver(base)
        with pytest.raises(NetworkError):
            resolver.lookup("/01/04006381333931")
        verdict = verify_code("4006381333931", bundle, T0, resolver)
    assert verdict.verdict == "needs-online-check" and verdict.notes == ("online-unavailable",)
    assert verdict.checked == "offline"


def test_forged_and_foreign_codes_are_not_asked_about(registry):
    bundle = load_bundle(registry.bundle(), registry.jwks(), now=T0)
    with serving({}) as (base, seen):
        resolver = OnlineResolver(base)
        code = registry.code()
        assert verify_code(code[:-3] + "AAA", bundle, T0, resolver).verdict == "forged"
        assert verify_code("https://example.com/x", bundle, T0, resolver).verdict == "not-an-ecoreg-code"
    assert seen == []
