"""Organisations, users, memberships and API tokens over HTTP."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from labels.errors import AuthenticationRequired
from labels.registry.tokens import resolve_token
from models import ApiToken, AuditEntry, utcnow
from tests.helpers import PASSWORD, bearer, make_org, make_token, make_user


@pytest.fixture
def authority(session):
    return make_org(session, "authority")


@pytest.fixture
def admin_token(session, authority):
    return make_token(session, make_user(session, authority, "admin"))


def test_an_admin_registers_an_organisation_and_the_audit_trail_says_so(client, session, admin_token):
    payload = {
        "kind": "enterprise",
        "legal_name": "Công ty CP Giấy Đồng Nai",
        "tax_code": "0300588569-001",
        "gs1_company_prefix": "89360099",
        "district": "trang-bom",
        "sector": "paper",
    }
    response = client.post("/api/v1/organisations", json=payload, headers=bearer(admin_token))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["tax_code"] == "0300588569-001"
    listed = client.get("/api/v1/organisations?q=Giấy Đồng Nai").get_json()
    assert [o["id"] for o in listed["items"]] == [created["id"]]
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "organisation.create", AuditEntry.target_id == str(created["id"])
        )
    )
    assert entry.organisation_id == created["id"]
    assert entry.channel == "api"


def test_members_edit_their_address_but_not_their_tax_code(client, session):
    enterprise = make_org(session)
    token = make_token(session, make_user(session, enterprise, "enterprise"))
    ok = client.patch(
        f"/api/v1/organisations/{enterprise.id}", json={"address": "KCN Hố Nai"}, headers=bearer(token)
    )
    assert ok.status_code == 200
    assert ok.get_json()["address"] == "KCN Hố Nai"
    refused = client.patch(
        f"/api/v1/organisations/{enterprise.id}", json={"tax_code": "0300588569"}, headers=bearer(token)
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["rule"] == "admin-only"


def test_an_admin_creates_a_user_and_gives_a_role_that_fits_the_organisation(client, session, admin_token):
    retailer = make_org(session, "retailer")
    response = client.post(
        "/api/v1/users",
        json={"email": "Quan.Ly@CoopMart.vn", "password": PASSWORD},
        headers=bearer(admin_token),
    )
    assert response.status_code == 201
    user = response.get_json()
    assert user["email"] == "quan.ly@coopmart.vn"
    assert "password" not in user and "password_hash" not in user
    wrong = client.post(
        f"/api/v1/users/{user['id']}/memberships",
        json={"organisation_id": retailer.id, "role": "enterprise"},
        headers=bearer(admin_token),
    )
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"][0]["rule"] == "fits-organisation-kind"
    right = client.post(
        f"/api/v1/users/{user['id']}/memberships",
        json={"organisation_id": retailer.id, "role": "retailer"},
        headers=bearer(admin_token),
    )
    assert right.status_code == 201
    assert right.get_json()["organisation_name"] == retailer.legal_name


def test_a_password_is_stored_as_an_argon2_hash(session):
    user = make_user(session)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_a_token_secret_is_shown_once_and_stored_only_as_a_hash(client, session):
    user = make_user(session, make_org(session), "enterprise")
    bootstrap = make_token(session, user, scopes=["tokens:write", "products:read"])
    response = client.post(
        "/api/v1/tokens",
        json={"name": "ERP", "scopes": ["products:read"], "days": 7},
        headers=bearer(bootstrap),
    )
    assert response.status_code == 201
    created = response.get_json()
    secret = created["token"]
    assert secret.startswith("ecoreg_") and created["prefix"] == secret[: len(created["prefix"])]
    stored = session.get(ApiToken, created["id"])
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    listed = client.get("/api/v1/tokens", headers=bearer(bootstrap)).get_json()
    assert all("token" not in t for t in listed)
    assert {t["name"] for t in listed} == {"test", "ERP"}


def test_a_token_cannot_grant_more_than_its_own_scopes(client, session):
    user = make_user(session, make_org(session), "enterprise")
    narrow = make_token(session, user, scopes=["tokens:write"])
    response = client.post(
        "/api/v1/tokens", json={"name": "wide", "scopes": ["products:write"]}, headers=bearer(narrow)
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["rule"] == "subset"


def test_a_token_without_the_scope_is_forbidden(client, session):
    enterprise = make_org(session)
    token = make_token(session, make_user(session, enterprise, "enterprise"), scopes=["products:read"])
    response = client.patch(
        f"/api/v1/organisations/{enterprise.id}", json={"address": "x"}, headers=bearer(token)
    )
    assert response.status_code == 403
    assert "organisations:write" in response.get_json()["detail"]


def test_expired_and_revoked_tokens_stop_working(client, session):
    user = make_user(session, make_org(session), "enterprise")
    secret = make_token(session, user)
    token_id = client.get("/api/v1/tokens", headers=bearer(secret)).get_json()[0]["id"]
    with pytest.raises(AuthenticationRequired, match="expired"):
        resolve_token(session, secret, now=utcnow() + timedelta(days=31))
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/users/me", headers=bearer(secret)).status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, session):
    user = make_user(session, make_org(session), "enterprise")
    secret = make_token(session, user)
    assert client.get("/api/v1/users/me", headers=bearer(secret)).get_json()["email"] == user.email
    session.expire_all()
    assert session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == user.id)) is not None


def test_the_audit_trail_refuses_updates_and_deletes_in_the_database(session):
    make_org(session)
    entry_id = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    for statement in (
        "UPDATE audit_entries SET action = 'forged' WHERE id = :id",
        "DELETE FROM audit_entries WHERE id = :id",
    ):
        nested = session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement), {"id": entry_id})
        nested.rollback()
    assert session.get(AuditEntry, entry_id).action == "organisation.create"


def test_members_read_their_own_audit_trail_only(client, session):
    mine, theirs = make_org(session), make_org(session)
    token = make_token(session, make_user(session, mine, "enterprise"))
    entries = client.get("/api/v1/audit?per_page=200", headers=bearer(token)).get_json()["items"]
    assert entries and {e["organisation_id"] for e in entries} == {mine.id}
    assert theirs.id not in {e["organisation_id"] for e in entries}
