"""The log's verifier keys, published as C2SP strings, open the published checkpoint."""

from labels.checkpoint import open_note, parse_checkpoint, parse_verifier_key
from labels.merkle import EMPTY_ROOT
from labels.tlog import size
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
    from labels.keyring import active_key, retire_key
    from labels.permissions import SYSTEM

    notary = app.extensions["notary"]
    retired = active_key(session, "credential")
    retire_key(session, SYSTEM, retired.kid)
    fresh = notary.rotate_key(session, SYSTEM, "credential")
    assert fresh.kid != retired.kid and active_key(session, "credential").kid == fresh.kid
