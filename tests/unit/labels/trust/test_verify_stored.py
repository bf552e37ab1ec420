"""``verify_stored`` (what ``ecoreg audit`` runs on each logged record) gives ``verify_proof``'s verdict.

It verifies the signed document cut out of the stored bytes instead of serialising it again; every
stored form below must get the same answer, and the same error, as ``verify_proof(json.loads(...))``.
"""

from __future__ import annotations

import json
import pickle

import pytest

from labels.trust.canonical import canonical_json
from labels.trust.keys import generate_private_key, public_key_bytes
from labels.trust.signing import (
    failed_verifications,
    raw_key_resolver,
    secure,
    verify_proof,
    verify_stored,
)
from labels.trust.signing_errors import SignatureError

METHOD = "https://registry.example/.well-known/jwks.json#k1"
CONTEXT = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(scope="module")
def key():
    return generate_private_key()


@pytest.fixture(scope="module")
def resolve(key):
    return raw_key_resolver({METHOD: public_key_bytes(key)})


@pytest.fixture(scope="module")
def stored(key) -> bytes:
    document = {
        "@context": [CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": "https://registry.example",
        "validFrom": "2026-11-23T00:00:00Z",
        "credentialSubject": {"labelNumber": "DN-G-2026-0001", "name": "Giấy in A4", "proof": {"n": 1}},
    }
    return secure(document, key, METHOD, "2026-11-23T08:00:00Z")[1]


def outcome(call):
    try:
        call()
    except (SignatureError, KeyError, ValueError) as exc:
        return type(exc)
    return None


def same_verdict(data: bytes, resolve):
    expected = outcome(lambda: verify_proof(json.loads(data), resolve))
    assert outcome(lambda: verify_stored(data, resolve)) is expected
    return expected


def rewritten(stored: bytes, change) -> bytes:
    document = json.loads(stored)
    change(document)
    return canonical_json(document)


def test_the_stored_bytes_verify(stored, resolve):
    assert same_verdict(stored, resolve) is None


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda s: json.dumps(json.loads(s), indent=1).encode(), id="re-spaced"),
        pytest.param(lambda s: json.dumps(json.loads(s), ensure_ascii=True).encode(), id="escaped"),
        pytest.param(lambda s: json.dumps(dict(reversed(json.loads(s).items()))).encode(), id="reordered"),
        pytest.param(lambda s: s[:-1] + b',"issuer":"https://forger.example"}', id="a key twice"),
        pytest.param(
            lambda s: b"{" + s[1:-1] + b',"validUntil":"2030-01-01T00:00:00Z"}', id="a member added"
        ),
        pytest.param(lambda s: s.replace(b'"name":"Gi', b'"name":"gi'), id="a value changed"),
        pytest.param(
            lambda s: s.replace(b'"proof":{"n":1}', b'"proof":{"n":2}'), id="a nested proof changed"
        ),
        pytest.param(
            lambda s: s.replace(b"https://registry.example/.well", b"https://other.example/.well"),
            id="an unknown key",
        ),
        pytest.param(lambda s: s.replace(b"assertionMethod", b"authentication"), id="another purpose"),
        pytest.param(lambda s: s.replace(b'"proofValue":"z', b'"proofValue":"m'), id="another base"),
        pytest.param(lambda s: s + b" ", id="a trailing space"),
        pytest.param(lambda s: s[:-1], id="cut short"),
        pytest.param(lambda s: b"[" + s[1:], id="not JSON"),
        pytest.param(lambda s: s.replace(b"Gi\xe1\xba\xa5y", b"Gi\xff"), id="not UTF-8"),
        pytest.param(lambda s: s.decode().encode("utf-16"), id="UTF-16"),
    ],
)
def test_every_stored_form_gets_verify_proofs_verdict(stored, resolve, variant):
    same_verdict(variant(stored), resolve)


def test_contexts_appended_after_signing_verify_the_long_way(stored, resolve):
    appended = rewritten(stored, lambda d: d["@context"].append("https://registry.example/ns/v1"))
    assert same_verdict(appended, resolve) is None
    replaced = rewritten(stored, lambda d: d.update({"@context": ["https://registry.example/ns/v1"]}))
    assert same_verdict(replaced, resolve) is not None


def test_another_records_signature_does_not_verify(key, stored, resolve):
    other = secure({"@context": [CONTEXT], "id": "urn:x"}, key, METHOD, "2026-11-23T08:00:00Z")[0]
    swapped = rewritten(stored, lambda d: d["proof"].update(proofValue=other["proof"]["proofValue"]))
    assert same_verdict(swapped, resolve) is not None


def test_failed_verifications_names_each_failure_in_plain_picklable_data(key, stored):
    broken = stored.replace(b'"name":"Gi', b'"name":"gi')
    items = [(("a", 0), stored), (("b", 1), broken), (("c", 2), b"{}"), (("d", 3), stored)]
    failures = failed_verifications(items, {METHOD: public_key_bytes(key)})
    assert [(ident, type(exc).__name__) for ident, exc in failures] == [
        (("b", 1), "InvalidSignature"),
        (("c", 2), "MalformedProof"),
    ]
    assert [type(exc) for _, exc in pickle.loads(pickle.dumps(failures))] == [type(e) for _, e in failures]
