"""Helpers for ``tests/functional/test_scanner_*.py``: a labelled product with issued serials, made over
the real API, and a urllib handler that sends the scanner's HTTP requests to the app's test client.

The handler is how the scanner's own network code (``scanner.transport``: ``urllib.request``, its error
handling, its headers) is tested against the real registry without a server process: urllib builds
the request, the app answers it, urllib turns a 404 into an ``HTTPError`` exactly as over a socket.
"""

from __future__ import annotations

import email.message
import io
import urllib.error
import urllib.request
import urllib.response
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner import TrustBundle, load_bundle
from tests.helpers import bearer, make_label, make_org, make_product, make_scheme, make_token, make_user

#: The app's PUBLIC_BASE_URL under test: the host its codes carry.
BASE = "http://localhost"


class AppClientHandler(urllib.request.BaseHandler):
    """Answers ``http://localhost/...`` from the Flask test client; any other host is unreachable."""

    handler_order = 100  # before urllib's own HTTPHandler, which would open a socket

    def __init__(self, client, host: str = "localhost"):
        self.client = client
        self.host = host
        self.requests: list[str] = []

    def http_open(self, request: urllib.request.Request):
        parts = urlsplit(request.full_url)
        if parts.netloc != self.host:
            raise urllib.error.URLError(f"no route to {parts.netloc}")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.requests.append(target)
        response = self.client.open(target, method=request.get_method(), headers=dict(request.header_items()))
        headers = email.message.Message()
        for name, value in response.headers.items():
            headers[name] = value
        answer = urllib.response.addinfourl(
            io.BytesIO(response.get_data()), headers, request.full_url, response.status_code
        )
        answer.msg = response.status.partition(" ")[2]
        return answer


def opener_for(client) -> tuple[urllib.request.OpenerDirector, AppClientHandler]:
    handler = AppClientHandler(client)
    # An empty ProxyHandler: no proxy from the environment may take the request elsewhere.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), handler), handler


@dataclass
class World:
    """A published product of an enterprise, labelled by a certifier, with a lot of issued serials."""

    product: object
    label: object
    holder_token: str
    certifier_token: str
    lot_id: int
    items: list[dict]

    @property
    def uris(self) -> list[str]:
        return [item["uri"] for item in self.items]


def make_world(client, session, serials: int = 3, lot_number: str = "2611A") -> World:
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    holder, reviewer = (
        make_user(session, enterprise, "enterprise"),
        make_user(session, certifier, "certifier"),
    )
    product = make_product(session, enterprise, published=True)
    label = make_label(session, holder, make_scheme(session, certifier), [product], reviewer)
    holder_token, certifier_token = make_token(session, holder), make_token(session, reviewer)
    session.flush()
    world = World(product, label, holder_token, certifier_token, 0, [])
    world.lot_id = make_lot(client, world, lot_number)
    world.items = issue_serials(client, world, world.lot_id, serials, "first")
    return world


def make_lot(client, world: World, lot_number: str) -> int:
    response = client.post(
        "/api/v1/lots",
        json={"gtin": world.product.gtin, "lot_number": lot_number},
        headers=bearer(world.holder_token),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def issue_serials(client, world: World, lot_id: int, count: int, key: str) -> list[dict]:
    url = f"/api/v1/lots/{lot_id}/serials"
    auth = bearer(world.holder_token)

    def listed() -> list[dict]:
        return client.get(f"{url}?per_page=100", headers=auth).get_json()["items"]

    before = {item["serial"] for item in listed()}
    job = client.post(url, json={"count": count}, headers=auth | {"Idempotency-Key": key})
    assert job.status_code == 201, job.get_json()
    fresh = [item for item in listed() if item["serial"] not in before]
    assert len(fresh) == count
    return fresh


def qr_png(client, world: World, item: dict, lot_id: int | None = None) -> bytes:
    url = f"/api/v1/lots/{lot_id or world.lot_id}/serials/{item['serial']}/qr?module_px=4"
    response = client.get(url, headers=bearer(world.holder_token))
    assert response.mimetype == "image/png"
    return response.data


def change_status(client, world: World, action: str, reason: str = "kiểm tra thị trường") -> None:
    response = client.post(
        f"/api/v1/labels/{world.label.label_number}/transitions",
        json={"action": action, "reason": reason},
        headers=bearer(world.certifier_token),
    )
    assert response.status_code == 200, response.get_json()


def jwks(client) -> dict:
    return client.get("/.well-known/jwks.json").get_json()


def trust_bundle(client, pinned=None) -> TrustBundle:
    """The registry's bundle as served now, accepted against ``pinned`` (default: its JWKS now)."""
    response = client.get("/api/v1/trust-bundle")
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_bundle(response.data, pinned if pinned is not None else jwks(client))
