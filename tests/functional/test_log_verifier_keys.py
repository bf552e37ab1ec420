"""The log's verifier keys, published as C2SP strings, open the published checkpoint."""

import json

from sqlalchemy import select

from labels.trust.checkpoint import open_note, parse_checkpoint, parse_verifier_key
from labels.trust.merkle import EMPTY_ROOT
from labels.trust.tlog import size
from models import SignedRecord
from tests.helpers import make_label, make_org, make_product, make_scheme, make_user


def test_the_published_verifier_key_opens_the_latest_checkpoint(client, session):
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    reviewer, applicant = (
        make_user(session, certifier, "certifier"),
        make_user(session, enterprise, "enterprise"),
    )
    make_label(
        session, applicant, make_scheme(session, certifier), [make_product(session, enterprise)], reviewer
    )
    session.flush()
    keys = client.get("/api/v1/log/verifier-keys")
    assert keys.mimetype == "text/plain"
    verifiers = [parse_verifier_key(line) for line in keys.get_data(as_text=True).splitlines()]
    note = client.get("/api/v1/log/checkpoint").get_data(as_text=True)
    checkpoint = parse_checkpoint(open_note(note, verifiers))
    assert checkpoint.size == size(session)
    assert checkpoint.origin == verifiers[0].name


def test_a_new_registry_publishes_a_signed_checkpoint_of_the_empty_log(client, runner):
    verifiers = [
        parse_verifier_key(k) for k in client.get("/api/v1/log/verifier-keys").get_data(as_text=True).split()
    ]
    checkpoint = parse_checkpoint(
        open_note(client.get("/api/v1/log/checkpoint").get_data(as_text=True), verifiers)
    )
    assert (checkpoint.size, checkpoint.root) == (0, EMPTY_ROOT)
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
    assert "everything verifies" in result.output


def test_after_retiring_the_active_key_rotation_resumes_signing(app, session):
    from labels.registry.permissions import SYSTEM
    from labels.trust.keyring import active_key, retire_key

    notary = app.extensions["notary"]
    retired = active_key(session, "credential")
    retire_key(session, SYSTEM, retired.kid)
    fresh = notary.rotate_key(session, SYSTEM, "credential")
    assert fresh.kid != retired.kid and active_key(session, "credential").kid == fresh.kid


def test_rotating_the_log_key_publishes_a_checkpoint_under_the_new_key_at_once(app, client, runner, session):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from labels.registry.permissions import SYSTEM
    from labels.trust.keyring import active_key
    from labels.trust.keys import encode_public_multikey

    before = client.get("/api/v1/log/checkpoint").get_data(as_text=True)
    old = active_key(session, "log")
    new = app.extensions["notary"].rotate_key(session, SYSTEM, "log")
    session.flush()
    newest, *older = [
        parse_verifier_key(k) for k in client.get("/api/v1/log/verifier-keys").get_data(as_text=True).split()
    ]
    note = client.get("/api/v1/log/checkpoint").get_data(as_text=True)
    checkpoint = parse_checkpoint(open_note(note, [newest]))  # the new key alone opens it
    assert parse_checkpoint(open_note(before, older)).size == 0  # the old one still verifies as it was
    # The rotation is in the log: a signed record announcing the new key, which the checkpoint covers.
    assert checkpoint.size == size(session) == 1
    [record] = session.scalars(select(SignedRecord)).all()
    announced = json.loads(record.canonical)["credentialSubject"]
    assert (record.record_type, record.subject, announced["purpose"]) == ("key-rotation", new.kid, "log")
    assert announced["publicKeyMultibase"] == encode_public_multikey(
        Ed25519PublicKey.from_public_bytes(new.public_key)
    )
    assert announced["replaces"].endswith("#" + old.kid)
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
