"""Tenancy: every API endpoint x every role x own / other tenant.

The world: two enterprises, A and B, each with a member, a draft (private) and a published product;
a retailer, a certifier and an administrator. Each case below targets enterprise A's data and says
which callers may succeed. Everyone else must be refused (401, 403, 404 or 422), must not find A's
private markers anywhere in the response, and must leave A's data unchanged.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from app import create_app  # noqa: F401 - imported so a broken app fails here, not obscurely
from labels.gs1 import make_gtin
from models import ApiToken, Organisation, Product
from tests.helpers import PASSWORD, bearer, make_org, make_product, make_token, make_user

ROLES = ("anonymous", "member_a", "member_b", "retailer", "certifier", "admin")


@dataclass
class World:
    a: Organisation
    b: Organisation
    draft_a: Product
    published_a: Product
    tokens: dict[str, str | None]
    user_ids: dict[str, int]
    token_ids: dict[str, int] = field(default_factory=dict)

    def private_markers(self) -> list[str]:
        """Strings that only those allowed into A's private data may ever see."""
        return [self.draft_a.gtin, self.draft_a.name_vi, f"user-a-{self.a.id}@"]


@pytest.fixture
def world(session) -> World:
    a = make_org(session, "enterprise", sector="food")
    b = make_org(session, "enterprise", sector="food")
    retailer, certifier, authority = (
        make_org(session, "retailer"),
        make_org(session, "certifier"),
        make_org(session, "authority"),
    )
    users = {
        "member_a": make_user(session, a, "enterprise", email=f"user-a-{a.id}@example.vn"),
        "member_b": make_user(session, b, "enterprise"),
        "retailer": make_user(session, retailer, "retailer"),
        "certifier": make_user(session, certifier, "certifier"),
        "admin": make_user(session, authority, "admin"),
    }
    tokens = {role: make_token(session, user) for role, user in users.items()} | {"anonymous": None}
    draft = make_product(session, a, number=1, name_vi="Bánh pía nháp bí mật")
    published = make_product(session, a, number=2, published=True, name_vi="Bánh pía Long Khánh")
    make_product(session, b, number=1, name_vi="Sản phẩm của B")
    token_ids = {
        role: session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
        for role, user in users.items()
    }
    return World(a, b, draft, published, tokens, {r: u.id for r, u in users.items()}, token_ids)


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    path: object  # callable(world) -> str
    allowed: frozenset[str]
    body: object = None  # callable(world) -> dict | None
    files: bool = False
    #: for lists open to all: the roles that may see A's private markers in the answer
    sees_private: frozenset[str] | None = None


def _all(*roles):
    return frozenset(roles)


AUTHENTICATED = _all(*ROLES[1:])
EVERYONE = frozenset(ROLES)
A_SIDE = _all("member_a", "admin")

CASES = [
    Case(
        "GET",
        "/api/v1/organisations",
        lambda w: f"/api/v1/organisations?q={w.a.legal_name}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "POST",
        "/api/v1/organisations",
        lambda w: "/api/v1/organisations",
        _all("admin"),
        body=lambda w: {"kind": "enterprise", "legal_name": "Mới", "tax_code": "0300588569-123"},
    ),
    Case(
        "GET",
        "/api/v1/organisations/<int:organisation_id>",
        lambda w: f"/api/v1/organisations/{w.a.id}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "PATCH",
        "/api/v1/organisations/<int:organisation_id>",
        lambda w: f"/api/v1/organisations/{w.a.id}",
        A_SIDE,
        body=lambda w: {"address": "Địa chỉ mới"},
    ),
    Case(
        "GET",
        "/api/v1/products",
        lambda w: f"/api/v1/products?holder_id={w.a.id}&per_page=200",
        EVERYONE,
        sees_private=_all("member_a", "certifier", "admin"),
    ),
    Case(
        "POST",
        "/api/v1/products",
        lambda w: "/api/v1/products",
        A_SIDE,
        body=lambda w: {
            "gtin": make_gtin(w.a.gs1_company_prefix, 77),
            "name_vi": "Mới",
            "sector": "food",
            "holder_id": w.a.id,
        },
    ),
    Case("POST", "/api/v1/products/import", lambda w: "/api/v1/products/import", A_SIDE, files=True),
    Case(
        "GET",
        "/api/v1/products/<string:gtin>",
        lambda w: f"/api/v1/products/{w.draft_a.gtin}",
        _all("member_a", "certifier", "admin"),
    ),
    Case(
        "PATCH",
        "/api/v1/products/<string:gtin>",
        lambda w: f"/api/v1/products/{w.draft_a.gtin}",
        A_SIDE,
        body=lambda w: {"name_en": "Renamed"},
    ),
    Case(
        "PATCH",
        "/api/v1/products/<string:gtin>",
        lambda w: f"/api/v1/products/{w.published_a.gtin}",
        A_SIDE,
        body=lambda w: {"published": False},
    ),
    Case("GET", "/api/v1/users", lambda w: "/api/v1/users", AUTHENTICATED, sees_private=A_SIDE),
    Case(
        "POST",
        "/api/v1/users",
        lambda w: "/api/v1/users",
        _all("admin"),
        body=lambda w: {"email": "moi@example.vn", "password": PASSWORD},
    ),
    Case(
        "GET", "/api/v1/users/me", lambda w: "/api/v1/users/me", AUTHENTICATED, sees_private=_all("member_a")
    ),
    Case("GET", "/api/v1/users/<int:user_id>", lambda w: f"/api/v1/users/{w.user_ids['member_a']}", A_SIDE),
    Case(
        "POST",
        "/api/v1/users/<int:user_id>/memberships",
        lambda w: f"/api/v1/users/{w.user_ids['member_a']}/memberships",
        _all("admin"),
        body=lambda w: {"organisation_id": w.b.id, "role": "enterprise"},
    ),
    Case("GET", "/api/v1/tokens", lambda w: "/api/v1/tokens", AUTHENTICATED, sees_private=frozenset()),
    Case(
        "POST",
        "/api/v1/tokens",
        lambda w: "/api/v1/tokens",
        AUTHENTICATED,
        body=lambda w: {"name": "mine", "scopes": ["products:read"]},
    ),
    Case("GET", "/api/v1/audit", lambda w: "/api/v1/audit?per_page=200", AUTHENTICATED, sees_private=A_SIDE),
    # Last: revoking A's token would lock member_a out of the cases after it.
    Case(
        "DELETE",
        "/api/v1/tokens/<int:token_id>",
        lambda w: f"/api/v1/tokens/{w.token_ids['member_a']}",
        A_SIDE,
    ),
]


def _import_file(world: World):
    row = f"{make_gtin(world.a.gs1_company_prefix, 88)},Hàng nhập,food"
    return {
        "file": (io.BytesIO(f"gtin,name_vi,sector\n{row}\n".encode()), "p.csv"),
        "holder_id": str(world.a.id),
    }


def _snapshot(session, world: World) -> tuple:
    session.expire_all()
    a = session.get(Organisation, world.a.id)
    draft, published = session.get(Product, world.draft_a.id), session.get(Product, world.published_a.id)
    count = len(session.scalars(select(Product.id).where(Product.holder_id == world.a.id)).all())
    token = session.get(ApiToken, world.token_ids["member_a"])
    members = len(session.get(Organisation, world.b.id).memberships)
    return (a.address, draft.name_en, published.published, count, token.revoked_at, members)


def _call(client, case: Case, world: World, role: str):
    headers = bearer(world.tokens[role]) if world.tokens[role] else {}
    kwargs = {"headers": headers}
    if case.files:
        kwargs["data"] = _import_file(world)
    elif case.body:
        kwargs["json"] = case.body(world)
    return client.open(case.path(world), method=case.method, **kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_respects_tenancy(client, session, world, role):
    failures = []
    for case in CASES:
        before = _snapshot(session, world)
        response = _call(client, case, world, role)
        text = response.get_data(as_text=True)
        label = f"{case.method} {case.path(world)} as {role}: {response.status_code}"
        if role in case.allowed:
            if not 200 <= response.status_code < 300:
                failures.append(f"{label}, expected success; {text[:200]}")
        else:
            if response.status_code not in (401, 403, 404, 422):
                failures.append(f"{label}, expected a refusal")
            if _snapshot(session, world) != before:
                failures.append(f"{label} changed A's data")
        may_see = case.sees_private if case.sees_private is not None else case.allowed
        # A marker the caller put in the URL is an echo of their own input, not a leak.
        leaked = [m for m in world.private_markers() if m in text and m not in case.path(world)]
        if role not in may_see and leaked:
            failures.append(f"{label} leaked {leaked}")
        if case.sees_private and role in case.sees_private and not leaked and response.status_code == 200:
            failures.append(f"{label} should have shown A's private data (the test would be toothless)")
    assert not failures, "\n".join(failures)


def test_the_tenancy_walk_covers_every_api_endpoint(app):
    def shape(rule: str) -> str:
        return re.sub(r"<(?:[^>:]*:)?([a-z_]+)>", r"<\1>", rule)

    cases = {(c.method, shape(c.rule)) for c in CASES}
    endpoints = {
        (method, shape(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert endpoints - cases == set(), "add a tenancy case for each new endpoint"
