"""Verdicts offline, rule by rule, against a registry-shaped bundle; and the published vectors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labels.codes import verdicts
from scanner import VERDICTS, BundleNotYetValid, load_bundle, verify_code
from scanner.codes import DecodedCode, read_code
from scanner.messages import MESSAGES, REASONS, SERVER_VERDICTS
from tests.unit.scanner.scanner_registry import HOST, T0, Registry, RegistryKey, key_with_kid

NOW = T0 + timedelta(hours=2)
VECTORS = json.loads((Path(__file__).parents[2] / "assets" / "qr-vectors.json").read_text(encoding="utf-8"))


@pytest.fixture
def registry() -> Registry:
    return Registry(statuses={3: "suspended", 4: "withdrawn"})


@pytest.fixture
def bundle(registry):
    return load_bundle(registry.bundle(), registry.jwks(), now=T0)


def test_the_scanner_speaks_the_resolvers_words_and_sentences():
    # The resolver's own table, not overridden by the scanner's additions.
    assert SERVER_VERDICTS == verdicts.VERDICTS
    assert {word: MESSAGES[word] for word in SERVER_VERDICTS} == verdicts.MESSAGES
    assert set(MESSAGES) == set(VERDICTS)
    for vi, en in [*MESSAGES.values(), *REASONS.values()]:
        assert vi.endswith(".") and en.endswith(".") and vi != en


def test_valid(registry, bundle):
    verdict = verify_code(registry.code(indexes=(2,)), bundle, NOW)
    assert verdict.verdict == "valid" and verdict.passed and not verdict.failed
    assert (verdict.message_vi, verdict.message_en) == verdicts.MESSAGES["valid"]
    assert verdict.genuine is True and verdict.checked == "offline"
    assert verdict.label_numbers == ("DN-GRN-2026-000123",)
    assert verdict.labels[0].status == "active" and verdict.labels[0].status_index == 2
    assert verdict.expires == date(2029, 11, 23)
    assert (verdict.gtin, verdict.lot, verdict.serial) == ("09506000134352", "2611A", "k7Qz3R9xWm2P")
    assert verdict.bundle_age == timedelta(hours=2) and verdict.bundle_issued_at == T0
    assert verdict.notes == ()
    assert verdict.to_dict()["bundle_age_seconds"] == 7200


def test_expired_from_midnight_utc_of_the_claims_date(registry, bundle):
    code = registry.code(expires=date(2029, 11, 23))
    just_before = datetime(2029, 11, 22, 23, 59, tzinfo=UTC)
    assert verify_code(code, bundle, just_before, max_age=None).verdict == "valid"
    expired = verify_code(code, bundle, datetime(2029, 11, 23, tzinfo=UTC))
    assert expired.verdict == "expired" and expired.failed and expired.expires == date(2029, 11, 23)
    # Đồng Nai is 7 hours ahead: at 06:59 on the 23rd there, it is still the 22nd in UTC.
    saigon = datetime(2029, 11, 23, 6, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert verify_code(code, bundle, saigon, max_age=None).verdict == "valid"


def test_suspended_and_withdrawn_from_the_bundles_bits(registry, bundle):
    assert verify_code(registry.code(indexes=(3,)), bundle, NOW).verdict == "suspended"
    withdrawn = verify_code(registry.code(indexes=(4,)), bundle, NOW)
    assert withdrawn.verdict == "withdrawn" and withdrawn.labels[0].status == "withdrawn"
    # A withdrawn label stays withdrawn past its expiry; an expired one is expired even if suspended.
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert verify_code(registry.code(indexes=(4,)), bundle, later).verdict == "withdrawn"
    assert verify_code(registry.code(indexes=(3,)), bundle, later).verdict == "expired"


def test_several_labels_any_withdrawn_or_suspended_decides(registry, bundle):
    labels = ("DN-GRN-2026-000123", "DN-RCY-2025-000045")
    assert verify_code(registry.code(labels, (2, 5)), bundle, NOW).verdict == "valid"
    assert verify_code(registry.code(labels, (2, 3)), bundle, NOW).verdict == "suspended"
    assert verify_code(registry.code(labels, (3, 4)), bundle, NOW).verdict == "withdrawn"


def test_unknown_key(registry, bundle):
    stranger = RegistryKey(key_with_kid(avoid=bundle.signed_by.short_kid))
    verdict = verify_code(registry.code(key=stranger), bundle, NOW)
    assert verdict.verdict == "unknown-key" and verdict.failed and verdict.genuine is None
    assert verdict.labels[0].status == "unverified"


def test_a_key_newer_than_the_bundle_is_unknown_until_the_bundle_is_refreshed(registry, bundle):
    registry.rotate()  # a fresh key whose one-character id is not the old key's
    code = registry.code()
    assert verify_code(code, bundle, NOW).verdict == "unknown-key"
    newer = load_bundle(registry.bundle(at=NOW), registry.jwks(), now=NOW)
    assert verify_code(code, newer, NOW).verdict == "valid"


def test_forged_signature_and_tampered_fields(registry, bundle):
    code = registry.code(indexes=(2,))
    flipped = code[:-5] + ("A" if code[-5] != "A" else "B") + code[-4:]
    assert verify_code(flipped, bundle, NOW).verdict == "forged"
    same_kid = RegistryKey(key_with_kid(wanted=bundle.signed_by.short_kid))
    forged = verify_code(registry.code(key=same_kid), bundle, NOW)
    assert forged.verdict == "forged" and forged.genuine is False
    assert (forged.message_vi, forged.message_en) == verdicts.MESSAGES["forged"]
    for tampered in (
        code.replace("/21/k7Qz3R9xWm2P", "/21/k7Qz3R9xWm2Q"),  # another serial
        code.replace("/10/2611A", "/10/2611B"),  # another lot
        code.replace("/10/2611A", ""),  # the lot cut off
        code.replace("GRN263F-2", "GRN263G-2"),  # another label
        code.replace("GRN263F-2", "GRN263F-1"),  # another status index
        code.replace(read_code(code).claim[1:4], "ZZZ"),  # a later expiry
    ):
        assert tampered != code
        assert verify_code(tampered, bundle, NOW).verdict == "forged", tampered


def test_a_broken_code_on_the_registrys_host_is_forged(bundle):
    assert verify_code(
        f"https://{HOST}/01/09506000134353/21/X?e358ENR267-0" + "A" * 86, bundle, NOW
    ).verdict == ("forged")
    assert verify_code(f"https://{HOST}/01/09506000134353", bundle, NOW).verdict == "forged"


def test_not_an_ecoreg_code(registry, bundle):
    other = verify_code(registry.code(host="id.ec0reg.example"), bundle, NOW)
    assert other.verdict == "not-an-ecoreg-code" and other.notes == ("other-host",)
    assert "another website" in other.message_en
    assert verify_code("https://example.com/products/42", bundle, NOW).verdict == "not-an-ecoreg-code"
    assert verify_code("WIFI:S:home;T:WPA;P:x;;", bundle, NOW).verdict == "not-an-ecoreg-code"
    mirrored = verify_code(
        registry.code(host="qr.mirror.example"), bundle, NOW, extra_hosts=["QR.mirror.example"]
    )
    assert mirrored.verdict == "valid"


def test_http_is_accepted_and_noted(registry, bundle):
    verdict = verify_code(registry.code().replace("https://", "http://"), bundle, NOW)
    assert verdict.verdict == "valid" and verdict.notes == ("http",)


def test_barcodes_and_codes_without_a_claim_need_the_registry(registry, bundle):
    barcode = DecodedCode("8936001900013", "EAN13", ((0, 0), (1, 0), (1, 1), (0, 1)), 0, "08936001900013")
    verdict = verify_code(barcode, bundle, NOW)
    assert verdict.verdict == "needs-online-check" and verdict.undecided and not verdict.failed
    assert verdict.gtin == "08936001900013" and verdict.format == "EAN13" and "barcode" in verdict.message_en
    link = verify_code(f"https://{HOST}/01/09506000134352/10/2611A/21/k7Qz3R9xWm2P", bundle, NOW)
    assert link.verdict == "needs-online-check" and "no registry signature" in link.message_en
    assert verify_code("8936001900013", bundle, NOW).verdict == "needs-online-check"


def test_a_retired_key_needs_the_registry_to_confirm(registry):
    registry.credential.retired = T0 - timedelta(days=1)
    registry.rotate()
    retired = registry.older[-1]
    bundle = load_bundle(registry.bundle(), registry.jwks(), now=T0)
    verdict = verify_code(registry.code(key=retired, indexes=(2,)), bundle, NOW)
    assert verdict.verdict == "needs-online-check" and verdict.notes == ("retired-key",) and verdict.genuine
    assert verify_code(registry.code(key=retired, indexes=(4,)), bundle, NOW).verdict == "withdrawn"


def test_a_label_newer_than_the_bundle_and_an_old_bundle(registry, bundle):
    newer = verify_code(registry.code(indexes=(131_072 + 5,)), bundle, NOW)
    assert newer.verdict == "needs-online-check" and newer.notes == ("status-unknown",)
    assert newer.labels[0].status == "unknown"
    week_later = T0 + timedelta(days=7, seconds=1)
    old = verify_code(registry.code(indexes=(2,)), bundle, week_later)
    assert old.verdict == "needs-online-check" and old.notes == ("bundle-too-old",)
    assert "too old" in old.message_en
    assert verify_code(registry.code(indexes=(2,)), bundle, week_later, max_age=timedelta(days=30)).passed
    assert verify_code(registry.code(indexes=(3,)), bundle, week_later).verdict == "suspended"


def test_the_clock_must_be_aware_and_not_before_the_bundle(registry, bundle):
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_code(registry.code(), bundle, datetime(2027, 1, 1))
    with pytest.raises(BundleNotYetValid):
        verify_code(registry.code(), bundle, T0 - timedelta(hours=1))


# --- the published vectors -----------------------------------------------------------------------

VECTOR_VERDICTS = {"ForgedClaim": "forged", "MalformedClaim": "forged", "UnknownClaimKey": "unknown-key"}
VECTOR_HOSTS = sorted({vector["host"] for vector in VECTORS["valid"]})
NOT_CLAIMS = {
    "no-query": "needs-online-check",
    "query-without-claim": "needs-online-check",
    "not-a-digital-link": "not-an-ecoreg-code",
    "not-a-uri": "not-an-ecoreg-code",
}


@pytest.fixture(scope="module")
def vector_bundle():
    first, second = (
        RegistryKey(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key["seed_hex"])))
        for key in VECTORS["keys"]
    )
    registry = Registry(credential=first, older=[second], groups=16)
    return load_bundle(registry.bundle(), registry.jwks(), now=T0)


@pytest.mark.parametrize("vector", VECTORS["valid"] + VECTORS["equivalent"], ids=lambda v: v["name"])
def test_every_valid_vector_is_genuine(vector_bundle, vector):
    verdict = verify_code(vector["uri"], vector_bundle, NOW, extra_hosts=VECTOR_HOSTS)
    assert verdict.verdict == "valid" and verdict.genuine, verdict


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["name"])
def test_every_invalid_vector_gets_its_verdict(vector_bundle, vector):
    expected = NOT_CLAIMS.get(vector["name"]) or VECTOR_VERDICTS[vector["error"]]
    assert verify_code(vector["uri"], vector_bundle, NOW, extra_hosts=VECTOR_HOSTS).verdict == expected
