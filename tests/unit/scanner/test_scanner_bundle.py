"""Accepting a trust bundle: its own signature, the pin, its lists, its checkpoint, its age."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labels.trust.statuslist import encode_list, set_bit
from scanner import (
    BundleFormatError,
    BundleNotYetValid,
    BundleSignatureError,
    PinError,
    TrustBundle,
    load_bundle,
    open_bundle,
    pin,
)
from tests.unit.scanner.scanner_registry import ISSUER, T0, Registry, RegistryKey, stamp


@pytest.fixture
def registry() -> Registry:
    return Registry(statuses={3: "suspended", 4: "withdrawn"})


def test_a_bundle_signed_by_the_pinned_key_is_accepted(registry):
    bundle = load_bundle(json.dumps(registry.bundle()), registry.jwks(), now=T0)
    assert isinstance(bundle, TrustBundle)
    assert bundle.issuer == ISSUER and bundle.issued_at == T0 and bundle.hosts == {"id.ecoreg.example"}
    assert bundle.signed_by.kid == registry.credential.kid
    assert bundle.age(T0 + timedelta(hours=5)) == timedelta(hours=5)
    assert bundle.checkpoint.origin == bundle.log_origin == "id.ecoreg.example/log"
    assert bundle.checkpoint.size == 0
    assert [bundle.label_status(i) for i in (2, 3, 4, 131_072)] == [
        "active",
        "suspended",
        "withdrawn",
        "unknown",
    ]
    assert bundle.status_bit("suspension", 3) is True and bundle.status_bit("revocation", 3) is False
    assert bundle.status_bit("revocation", 131_072) is None
    assert bundle.key(registry.log.kid) is not None
    assert set(bundle.claim_keys) == {bundle.signed_by.short_kid}


def test_a_bundle_cannot_vouch_for_itself():
    """An attacker's bundle is perfectly self-consistent: only the pin tells it from the registry's."""
    genuine, attacker = Registry(), Registry()
    forged_bundle = attacker.bundle()
    with pytest.raises(BundleSignatureError, match="not a pinned registry key"):
        load_bundle(forged_bundle, genuine.jwks(), now=T0)
    assert load_bundle(forged_bundle, attacker.jwks(), now=T0)  # what "trusting the bundle's keys" would do


@pytest.mark.parametrize(
    "pinned",
    [
        "jwks",
        "jwk",
        "public key",
        "x",
        "file",
        "bytes",
    ],
)
def test_the_pin_takes_the_forms_a_registry_key_comes_in(registry, pinned, tmp_path):
    jwks = registry.jwks()
    jwk = registry.credential.jwk()
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    source = {
        "jwks": jwks,
        "jwk": jwk,
        "public key": registry.credential.private.public_key(),
        "x": jwk["x"],
        "file": tmp_path / "jwks.json",
        "bytes": json.dumps(jwks).encode(),
    }[pinned]
    assert load_bundle(registry.bundle(), source, now=T0).signed_by.kid == registry.credential.kid


def test_pins_leave_out_log_and_retired_keys_and_refuse_what_vouches_for_nothing(registry):
    with pytest.raises(PinError):
        pin({"keys": [registry.log.jwk()]})
    retired = RegistryKey(Ed25519PrivateKey.generate(), retired=T0)
    with pytest.raises(PinError):
        pin(retired.jwk())
    with pytest.raises(PinError, match="vouches for nothing"):
        pin(registry.bundle())
    with pytest.raises(PinError):
        pin("not a key")
    with pytest.raises(PinError):
        pin([])


def test_an_accepted_bundle_pins_the_next_one(registry):
    first = load_bundle(registry.bundle(), registry.jwks(), now=T0)
    later = T0 + timedelta(days=1)
    second = load_bundle(registry.bundle(at=later), first, now=later)
    assert second.issued_at == later


def test_after_a_rotation_the_old_pin_does_not_accept_the_new_signer(registry):
    """The registry does not cross-sign: a verifier re-pins from the JWKS after a rotation."""
    old_jwks = registry.jwks()
    registry.rotate()
    later = T0 + timedelta(days=2)
    with pytest.raises(BundleSignatureError, match="update the pin"):
        load_bundle(registry.bundle(at=later), old_jwks, now=later)
    assert load_bundle(registry.bundle(at=later), registry.jwks(), now=later)


def test_a_changed_bundle_does_not_verify(registry):
    document = registry.bundle()
    # Clear the withdrawn label's bit: the list is re-encoded, but nobody can re-sign it.
    changed = copy.deepcopy(document)
    subject = changed["credentialSubject"]["statusLists"][0]["credentialSubject"]
    subject["encodedList"] = encode_list(set_bit(bytes(16384), 4, False))
    with pytest.raises(BundleSignatureError, match="signature does not verify"):
        load_bundle(changed, registry.jwks(), now=T0)
    dated = copy.deepcopy(document)
    dated["credentialSubject"]["issuedAt"] = stamp(T0 + timedelta(days=30))
    with pytest.raises(BundleSignatureError):
        load_bundle(dated, registry.jwks(), now=T0 + timedelta(days=30))


def test_a_status_list_must_verify_on_its_own(registry):
    """A list signed by a key outside the bundle is refused even inside a genuinely signed bundle."""
    outsider = Registry()
    lists = outsider.status_lists(outsider.credential, T0)
    for status_list in lists:  # the outsider claims to be the registry
        status_list["proof"]["verificationMethod"] = (
            f"{ISSUER}/.well-known/jwks.json#{registry.credential.kid}"
        )
    document = registry.bundle(statusLists=lists)
    with pytest.raises(BundleSignatureError, match="status list"):
        load_bundle(document, registry.jwks(), now=T0)


def test_a_list_of_another_registry_or_purpose_is_refused(registry):
    document = registry.bundle()
    for status_list in document["credentialSubject"]["statusLists"]:
        status_list["id"] = status_list["id"].replace(ISSUER, "https://elsewhere.example")
    resigned = registry.sign({k: v for k, v in document.items() if k != "proof"}, registry.credential, T0)
    with pytest.raises(BundleFormatError, match="not one of the registry's status lists"):
        load_bundle(resigned, registry.jwks(), now=T0)


def test_a_bundle_signed_by_a_retired_key_or_outside_its_window_is_refused(registry):
    registry.credential.retired = T0 - timedelta(days=1)
    with pytest.raises(BundleSignatureError):
        load_bundle(registry.bundle(), [registry.credential.private.public_key()], now=T0)
    registry.credential.retired = None
    registry.credential.valid_from = T0 + timedelta(days=1)
    with pytest.raises(BundleSignatureError, match="was not the registry's signing key"):
        load_bundle(registry.bundle(), registry.jwks(), now=T0)


def test_a_bundle_from_the_future_is_refused(registry):
    later = T0 + timedelta(hours=1)
    with pytest.raises(BundleNotYetValid):
        load_bundle(registry.bundle(at=later), registry.jwks(), now=T0)
    assert load_bundle(registry.bundle(at=T0 + timedelta(minutes=4)), registry.jwks(), now=T0)


def test_the_checkpoint_must_open_with_the_bundles_log_key(registry):
    other = Registry()
    with pytest.raises(BundleSignatureError, match="checkpoint"):
        load_bundle(
            registry.bundle(
                log={**registry.bundle()["credentialSubject"]["log"], "checkpoint": other.checkpoint()}
            ),
            registry.jwks(),
            now=T0,
        )
    stray = registry.bundle()["credentialSubject"]["log"] | {"verifierKeys": ["x+00000000+AAAA"]}
    with pytest.raises(BundleFormatError):
        load_bundle(registry.bundle(log=stray), registry.jwks(), now=T0)


@pytest.mark.parametrize(
    "data",
    [b"not json", b"[]", json.dumps({"type": ["VerifiableCredential"]}).encode(), "{}"],
)
def test_what_is_not_a_bundle(registry, data):
    with pytest.raises(BundleFormatError):
        load_bundle(data, registry.jwks(), now=T0)


def test_a_saved_bundle_opens_again(registry, tmp_path):
    bundle = load_bundle(json.dumps(registry.bundle()).encode(), registry.jwks(), now=T0)
    bundle.save(tmp_path / "bundle.json")
    again = open_bundle(tmp_path / "bundle.json", registry.jwks(), now=T0)
    assert again.document == bundle.document
    with pytest.raises(BundleFormatError, match="cannot read"):
        open_bundle(tmp_path / "missing.json", registry.jwks())
