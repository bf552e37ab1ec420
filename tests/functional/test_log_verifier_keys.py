"""The log's verifier keys, published as C2SP strings, open the published checkpoint."""

from labels.checkpoint import open_note, parse_checkpoint, parse_verifier_key
from labels.tlog import size
from tests.helpers import make_label, make_org, make_product, make_scheme, make_user


def test_the_published_verifier_key_opens_the_latest_checkpoint(client, session):
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    reviewer, applicant = make_user(session, certifier, "certifier"), make_user(session, enterprise, "enterprise")
    make_label(session, applicant, make_scheme(session, certifier), [make_product(session, enterprise)], reviewer)
    session.flush()
    keys = client.get("/api/v1/log/verifier-keys")
    assert keys.mimetype == "text/plain"
    verifiers = [parse_verifier_key(line) for line in keys.get_data(as_text=True).splitlines()]
    note = client.get("/api/v1/log/checkpoint").get_data(as_text=True)
    checkpoint = parse_checkpoint(open_note(note, verifiers))
    assert checkpoint.size == size(session)
    assert checkpoint.origin == verifiers[0].name
