"""Signed label records over HTTP, checked the way an outside verifier would: with nothing but the
registry's responses (the credential, the JWKS, the status lists, checkpoints and proofs)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

import config
from labels.registry.permissions import SYSTEM
from labels.trust import tlog
from labels.trust.canonical import canonical_json
from labels.trust.checkpoint import (
    Checkpoint,
    UnverifiedNote,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
    verifier_key,
)
from labels.trust.keyring import SigningUnavailable, active_key, retire_key
from labels.trust.keys import generate_private_key, public_key_from_jwk
from labels.trust.merkle import InvalidProof, verify_consistency, verify_inclusion
from labels.trust.notary import Notary
from labels.trust.signing import is_datetime_stamp, verify_proof
from labels.trust.signing_errors import InvalidSignature, UnknownKey
from labels.trust.statuslist import decode_list, get_bit
from models import Label, Organisation, Product, Scheme, SignedRecord, User, utcnow
from tests.helpers import (
    bearer,
    make_application,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
)


@dataclass
class World:
    certifier: Organisation
    enterprise: Organisation
    scheme: Scheme
    products: list[Product]
    holder: User
    reviewer: User
    token: str

    def issue(self, session, products=None) -> Label:
        label = make_label(session, self.holder, self.scheme, products or self.products[:1], self.reviewer)
        session.flush()
        return label


@pytest.fixture
def w(session) -> World:
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    reviewer = make_user(session, certifier, "certifier")
    return World(
        certifier=certifier,
        enterprise=enterprise,
        scheme=make_scheme(session, certifier, "energy"),
        products=[make_product(session, enterprise, published=True) for _ in range(2)],
        holder=make_user(session, enterprise, "enterprise"),
        reviewer=reviewer,
        token=make_token(session, reviewer),
    )


# --- what an outside verifier does with the HTTP responses ---------------------------------------


def jwks(client) -> list[dict]:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response.get_json()["keys"]


def key_resolver(client):
    """Resolve a verification method through the published JWKS: the JWK whose kid is its fragment."""
    published = {key["kid"]: key for key in jwks(client)}

    def resolve(method: str):
        parts = urlsplit(method)
        if parts.path != "/.well-known/jwks.json" or parts.fragment not in published:
            raise UnknownKey(method)
        return public_key_from_jwk(published[parts.fragment])

    return resolve


def kid_of(document: dict) -> str:
    return urlsplit(document["proof"]["verificationMethod"]).fragment


def credential(client, number: str) -> tuple[bytes, dict]:
    response = client.get(f"/api/v1/labels/{number}/credential")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(), json.loads(response.get_data())


def bundle(client) -> dict:
    response = client.get("/api/v1/trust-bundle")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def checkpoint(client) -> Checkpoint:
    """The latest checkpoint, opened with the log's verifier keys from the trust bundle."""
    response = client.get("/api/v1/log/checkpoint")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    verifiers = [parse_verifier_key(k) for k in bundle(client)["credentialSubject"]["log"]["verifierKeys"]]
    return parse_checkpoint(open_note(response.get_data(as_text=True), verifiers))


def status_bits(client, list_path: str) -> bytes:
    response = client.get(list_path)
    assert response.status_code == 200, list_path
    document = json.loads(response.get_data())
    verify_proof(document, key_resolver(client))
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    return decode_list(document["credentialSubject"]["encodedList"])


def change(client, w: World, number: str, action: str, reason: str):
    response = client.post(
        f"/api/v1/labels/{number}/transitions",
        json={"action": action, "reason": reason},
        headers=bearer(w.token),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


# --- the credential --------------------------------------------------------------------------------


def test_a_labels_credential_verifies_with_nothing_but_the_published_keys(client, session, w):
    # Products named out of GTIN order: the credential lists them as the label does, by GTIN.
    number = w.issue(session, sorted(w.products, key=lambda p: p.gtin, reverse=True)).label_number
    raw, document = credential(client, number)
    assert raw == canonical_json(document)  # served as the RFC 8785 bytes, exactly the log leaf

    method = document["proof"]["verificationMethod"]
    assert urlsplit(method).path == "/.well-known/jwks.json"
    (jwk,) = [key for key in jwks(client) if key["kid"] == kid_of(document)]
    assert jwk["ecoreg_purpose"] == "credential"

    def resolve(wanted: str):
        if wanted != method:
            raise UnknownKey(wanted)
        return public_key_from_jwk(jwk)

    verify_proof(document, resolve)
    forged = json.loads(raw)
    forged["validUntil"] = "2099-12-31T00:00:00Z"
    with pytest.raises(InvalidSignature):
        verify_proof(forged, resolve)

    label = client.get(f"/api/v1/labels/{number}").get_json()
    subject = document["credentialSubject"]
    assert subject["labelNumber"] == number
    assert [p["gtin"] for p in subject["products"]] == [p["gtin"] for p in label["products"]]
    assert sorted(p["gtin"] for p in subject["products"]) == sorted(p.gtin for p in w.products)
    assert subject["holder"]["taxCode"] == label["holder"]["tax_code"] == w.enterprise.tax_code
    for ours, theirs in (("validFrom", "valid_from"), ("validUntil", "valid_until")):
        assert is_datetime_stamp(document[ours])
        assert instant(document[ours]) == instant(label[theirs]).replace(microsecond=0)


def test_a_credential_names_its_revocation_and_suspension_bits_in_served_lists(client, session, w):
    _, document = credential(client, w.issue(session).label_number)
    entries = document["credentialStatus"]
    assert [e["type"] for e in entries] == ["BitstringStatusListEntry"] * 2
    assert {e["statusPurpose"] for e in entries} == {"revocation", "suspension"}
    assert len({e["statusListIndex"] for e in entries}) == 1
    for entry in entries:
        path = urlsplit(entry["statusListCredential"]).path
        assert path == f"/status/{entry['statusPurpose']}-1"
        served = client.get(path)
        assert served.status_code == 200
        listed = json.loads(served.get_data())
        assert listed["id"] == entry["statusListCredential"]
        assert listed["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
        assert not get_bit(
            decode_list(listed["credentialSubject"]["encodedList"]), int(entry["statusListIndex"])
        )
    assert client.get("/status/suspension-2").status_code == 404
    assert client.get("/status/expiry-1").status_code == 404


def test_a_missing_labels_credential_is_not_found(client):
    response = client.get("/api/v1/labels/DN-ENR-2000-999999/credential")
    assert response.status_code == 404
    assert response.get_json()["type"] == "/problems/not-found"


# --- status lists and status-change records ---------------------------------------------------------


def test_status_changes_flip_the_signed_list_bits_and_log_a_signed_reason(client, session, w):
    number = w.issue(session).label_number
    _, document = credential(client, number)
    index = int(document["credentialStatus"][0]["statusListIndex"])
    resolve = key_resolver(client)
    before = checkpoint(client)
    steps = [
        ("suspend", "Kiểm tra đột xuất không đạt", (False, True)),
        ("reinstate", "Kết quả thử lại đạt", (False, False)),
        ("withdraw", "Thu hồi theo quyết định số 12", (True, False)),
    ]
    for action, reason, (revoked, suspended) in steps:
        change(client, w, number, action, reason)
        assert get_bit(status_bits(client, "/status/revocation-1"), index) is revoked, action
        assert get_bit(status_bits(client, "/status/suspension-1"), index) is suspended, action

        after = checkpoint(client)
        assert after.size == before.size + 1 == tlog.size(session)
        assert after.root != before.root
        entry = client.get(f"/api/v1/log/entries/{after.size - 1}")
        assert entry.status_code == 200
        record = json.loads(entry.get_data())
        verify_proof(record, resolve)
        assert "EcoLabelStatusChange" in record["type"]
        assert record["credentialSubject"]["labelNumber"] == number
        assert record["credentialSubject"]["action"] == action
        assert record["credentialSubject"]["reason"] == reason
        stored = session.scalar(select(SignedRecord).where(SignedRecord.leaf_index == after.size - 1))
        assert (stored.record_type, stored.subject, stored.canonical) == (
            "status-change",
            number,
            entry.get_data(),
        )
        before = after


# --- checkpoints and proofs ----------------------------------------------------------------------------


def test_the_checkpoint_is_a_signed_note_of_the_whole_log(client, session, w):
    w.issue(session)
    w.issue(session)
    response = client.get("/api/v1/log/checkpoint")
    assert response.mimetype == "text/plain"
    log = bundle(client)["credentialSubject"]["log"]
    verifiers = [parse_verifier_key(k) for k in log["verifierKeys"]]
    opened = parse_checkpoint(open_note(response.get_data(as_text=True), verifiers))
    assert opened.origin == log["origin"]
    assert opened.size == tlog.size(session) == 2
    assert opened.root == tlog.root(session, 2)
    # The same log name with another key does not open it: the note is bound to the published key.
    stranger = parse_verifier_key(verifier_key(log["origin"], generate_private_key().public_key()))
    with pytest.raises(UnverifiedNote):
        open_note(response.get_data(as_text=True), [stranger])


def test_inclusion_proofs_lead_from_a_credential_to_the_checkpoint_root(client, session, w):
    first = w.issue(session).label_number
    second = w.issue(session).label_number
    at_two = checkpoint(client)
    w.issue(session)
    head = checkpoint(client)
    assert (at_two.size, head.size) == (2, 3)

    raw, _ = credential(client, second)
    proof = client.get(f"/api/v1/log/proof/inclusion?label={second}").get_json()
    assert (proof["leaf_index"], proof["tree_size"]) == (1, head.size)
    assert b64(proof["leaf_hash"]) == leaf_hash(raw)
    verify_inclusion(
        leaf_hash(raw), proof["leaf_index"], proof["tree_size"], [b64(h) for h in proof["hashes"]], head.root
    )
    with pytest.raises(InvalidProof):
        verify_inclusion(
            leaf_hash(credential(client, first)[0]),
            1,
            head.size,
            [b64(h) for h in proof["hashes"]],
            head.root,
        )

    by_index = client.get("/api/v1/log/proof/inclusion?index=0").get_json()
    assert b64(by_index["leaf_hash"]) == leaf_hash(credential(client, first)[0])
    verify_inclusion(
        b64(by_index["leaf_hash"]), 0, head.size, [b64(h) for h in by_index["hashes"]], head.root
    )

    older = client.get("/api/v1/log/proof/inclusion?index=0&tree_size=2").get_json()
    assert older["tree_size"] == 2
    verify_inclusion(b64(older["leaf_hash"]), 0, 2, [b64(h) for h in older["hashes"]], at_two.root)
    labelled = client.get(f"/api/v1/log/proof/inclusion?label={second}&tree_size=2").get_json()
    verify_inclusion(leaf_hash(raw), 1, 2, [b64(h) for h in labelled["hashes"]], at_two.root)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("label=X&index=0", "label"),
        ("", "label"),
        ("index=2", "index"),
        ("index=7", "index"),
        ("index=0&tree_size=0", "tree_size"),
        ("index=0&tree_size=3", "tree_size"),
        ("index=-1", "index"),
    ],
)
def test_bad_inclusion_arguments_are_problems_naming_the_field(client, session, w, query, field):
    w.issue(session)
    w.issue(session)
    response = client.get(f"/api/v1/log/proof/inclusion?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["type"] == "/problems/invalid-input"
    assert field in [e["field"] for e in body["errors"]]


def test_a_consistency_proof_links_checkpoints_before_and_after_an_issue(client, session, w):
    w.issue(session)
    w.issue(session)
    w.issue(session)
    old = checkpoint(client)
    w.issue(session)
    new = checkpoint(client)
    assert (old.size, new.size) == (3, 4)
    response = client.get(f"/api/v1/log/proof/consistency?first={old.size}&second={new.size}")
    assert response.status_code == 200, response.get_data(as_text=True)
    proof = response.get_json()
    assert (proof["first"], proof["second"]) == (3, 4)
    hashes = [b64(h) for h in proof["hashes"]]
    verify_consistency(old.size, new.size, hashes, old.root, new.root)
    with pytest.raises(InvalidProof):
        verify_consistency(old.size, new.size, hashes, leaf_hash(b"forged"), new.root)

    for query, field in (
        ("first=4&second=3", "first"),
        ("first=0&second=3", "first"),
        ("first=1&second=9", "second"),
    ):
        refused = client.get(f"/api/v1/log/proof/consistency?{query}")
        assert refused.status_code == 422, query
        assert field in [e["field"] for e in refused.get_json()["errors"]], query


# --- the trust bundle and the JWKS --------------------------------------------------------------------


def test_the_trust_bundle_is_signed_and_carries_keys_lists_and_the_checkpoint(client, session, w):
    w.issue(session)
    document = bundle(client)
    verify_proof(document, key_resolver(client))
    subject = document["credentialSubject"]
    assert subject["keys"] == jwks(client)
    assert {k["ecoreg_purpose"] for k in subject["keys"]} == {"credential", "log"}
    assert subject["log"]["checkpoint"] == client.get("/api/v1/log/checkpoint").get_data(as_text=True)
    lists = {urlsplit(sl["id"]).path: sl for sl in subject["statusLists"]}
    assert set(lists) == {"/status/revocation-1", "/status/suspension-1"}
    for path, listed in lists.items():
        assert listed == json.loads(client.get(path).get_data())
    assert is_datetime_stamp(subject["issuedAt"])
    assert abs(instant(subject["issuedAt"]) - utcnow()) < timedelta(minutes=1)

    forged = json.loads(json.dumps(document))
    forged["credentialSubject"]["keys"] = forged["credentialSubject"]["keys"][:1]
    with pytest.raises(InvalidSignature):
        verify_proof(forged, key_resolver(client))


def test_every_published_key_is_an_ed25519_signing_jwk(client):
    keys = jwks(client)
    assert {k["ecoreg_purpose"] for k in keys} == {"credential", "log"}
    for key in keys:
        assert (key["kty"], key["crv"], key["use"], key["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
        assert key["kid"] and "d" not in key
        assert is_datetime_stamp(key["ecoreg_valid_from"])
        assert key["ecoreg_valid_until"] is None
        public_key_from_jwk(key)
    assert client.get("/.well-known/jwks.json").headers["Access-Control-Allow-Origin"] == "*"


def test_after_rotation_old_signatures_verify_and_new_labels_use_the_new_key(app, client, session, w):
    old_number = w.issue(session).label_number
    _, old_credential = credential(client, old_number)
    old_kid = kid_of(old_credential)

    new_key = app.extensions["notary"].rotate_key(session, SYSTEM, "credential")
    session.flush()
    assert new_key.kid != old_kid
    published = {k["kid"]: k for k in jwks(client)}
    assert published[old_kid]["ecoreg_valid_until"] is not None
    assert is_datetime_stamp(published[old_kid]["ecoreg_valid_until"])
    assert published[new_key.kid]["ecoreg_valid_until"] is None
    assert instant(published[old_kid]["ecoreg_valid_until"]) <= instant(
        published[new_key.kid]["ecoreg_valid_from"]
    )

    verify_proof(credential(client, old_number)[1], key_resolver(client))
    _, new_credential = credential(client, w.issue(session).label_number)
    assert kid_of(new_credential) == new_key.kid
    verify_proof(new_credential, key_resolver(client))
    # The trust bundle is signed with the new key, and still lists the old one.
    signed_bundle = bundle(client)
    assert kid_of(signed_bundle) == new_key.kid
    assert old_kid in {k["kid"] for k in signed_bundle["credentialSubject"]["keys"]}


def test_a_retired_credential_key_signs_nothing_and_issuing_is_refused_whole(client, session, w):
    application = make_application(
        session, w.holder, w.scheme, w.products[:1], until="approved", reviewer=w.reviewer
    )
    size, head = tlog.size(session), client.get("/api/v1/log/checkpoint").get_data()
    labels_before = session.scalar(select(func.count()).select_from(Label))
    retire_key(session, SYSTEM, active_key(session, "credential").kid)
    session.flush()

    response = client.post(
        f"/api/v1/applications/{application.id}/transitions",
        json={"action": "issue"},
        headers=bearer(w.token),
    )
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["type"] == "/problems/signing-unavailable"
    assert "credential" in body["detail"]

    state = client.get(f"/api/v1/applications/{application.id}", headers=bearer(w.token)).get_json()["state"]
    assert state == "approved"
    assert tlog.size(session) == size
    assert client.get("/api/v1/log/checkpoint").get_data() == head
    assert session.scalar(select(func.count()).select_from(Label)) == labels_before
    retired = {k["kid"]: k for k in jwks(client)}
    assert all(k["ecoreg_retired"] is None for k in retired.values() if k["ecoreg_purpose"] == "log")
    assert [k for k in retired.values() if k["ecoreg_retired"]], "the retired key stays published"


# --- the passphrase ---------------------------------------------------------------------------------


def test_without_a_passphrase_nothing_is_signed_and_the_error_says_what_to_set(session):
    notary = Notary("https://ecoreg.example", None)
    with pytest.raises(SigningUnavailable, match="ECOREG_KEY_PASSPHRASE"):
        notary.sign(session, {"@context": ["https://www.w3.org/ns/credentials/v2"]}, utcnow())
    wrong = Notary("https://ecoreg.example", "not-the-passphrase")
    with pytest.raises(SigningUnavailable, match="passphrase does not open"):
        wrong.checkpoint(session)


def test_production_has_no_passphrase_until_the_operator_sets_one(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("ECOREG_KEY_PASSPHRASE", raising=False)
    monkeypatch.delenv("ECOREG_KEY_PASSPHRASE_FILE", raising=False)
    assert config.key_passphrase(config.load("production")) is None
    monkeypatch.setenv("ECOREG_KEY_PASSPHRASE", "from-the-environment")
    assert config.key_passphrase(config.load("production")) == "from-the-environment"


def test_the_passphrase_file_gives_its_first_line(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text("  s3cret passphrase \nsecond line\n", encoding="utf-8")
    settings = {"ECOREG_KEY_PASSPHRASE": "from-the-setting", "ECOREG_KEY_PASSPHRASE_FILE": str(path)}
    assert config.key_passphrase(settings) == "s3cret passphrase"
    assert config.key_passphrase(settings | {"ECOREG_KEY_PASSPHRASE_FILE": ""}) == "from-the-setting"


@pytest.mark.parametrize("content", [None, "directory", b"", b"\n", b"\xff\xfe not utf-8\n"])
def test_an_unreadable_passphrase_file_is_a_configuration_error(tmp_path, content):
    path = tmp_path / "passphrase"
    if content == "directory":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(config.ConfigurationError, match="ECOREG_KEY_PASSPHRASE_FILE"):
        config.key_passphrase({"ECOREG_KEY_PASSPHRASE": "fallback", "ECOREG_KEY_PASSPHRASE_FILE": str(path)})
