"""The scanner against the real registry: codes issued over the API, the bundle it serves, every verdict.

Serials are issued through ``/api/v1/lots``, their QR codes fetched as the PNGs the registry renders and
photographed (pasted small, rotated, in perspective, with noise) with Pillow; the trust bundle is the
one ``/api/v1/trust-bundle`` serves, accepted against the pinned ``/.well-known/jwks.json``. Offline
checks use nothing else. The last part puts the same codes to the registry's resolver through the
scanner's own urllib client (answered by the app, see ``tests/unit/scanner/scanner_app.py``).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from PIL import Image

from labels.codes.qr import render_png
from labels.codes.qrclaim import build_uri, short_kid
from labels.trust.keys import public_key_from_jwk
from scanner import BundleSignatureError, OnlineResolver, decode_image, fetch_bundle, read_code, verify_code
from tests.unit.scanner.scanner_app import (
    BASE,
    change_status,
    issue_serials,
    jwks,
    make_lot,
    make_world,
    opener_for,
    qr_png,
    trust_bundle,
)
from tests.unit.scanner.scanner_pictures import Placement, ean13, jpeg_bytes, photo
from tests.unit.scanner.scanner_registry import key_with_kid


@pytest.fixture
def world(client, session):
    return make_world(client, session)


def now() -> datetime:
    return datetime.now(UTC)


def test_a_rendered_serial_code_verifies_offline(client, world):
    bundle = trust_bundle(client)
    assert bundle.hosts == {"localhost"} and bundle.issuer == BASE
    assert bundle.age(now()) < timedelta(minutes=1)
    [decoded] = decode_image(qr_png(client, world, world.items[0]))
    assert decoded.text == world.uris[0] and decoded.format == "QRCode"
    verdict = verify_code(decoded, bundle, now())
    assert verdict.verdict == "valid", verdict
    assert verdict.genuine and verdict.checked == "offline"
    assert verdict.label_numbers == (world.label.label_number,)
    assert verdict.labels[0].status == "active" and verdict.labels[0].status_index == world.label.status_index
    assert verdict.expires == world.label.valid_until.astimezone(UTC).date()
    assert (verdict.gtin, verdict.lot, verdict.serial) == (
        world.product.gtin,
        "2611A",
        world.items[0]["serial"],
    )
    assert verdict.message_vi == "Sản phẩm đã đăng ký và nhãn sinh thái còn hiệu lực."


def test_a_photo_of_several_codes_and_a_barcode_in_perspective_and_noise(client, world):
    bundle = trust_bundle(client)
    pngs = [Image.open(io.BytesIO(qr_png(client, world, item))) for item in world.items]
    picture = photo(
        [
            (pngs[0], Placement((230, 190), 210, 19, 0.2)),
            (pngs[1], Placement((690, 230), 200, -27, 0.3)),
            (pngs[2], Placement((1060, 330), 220, 52, 0.15)),
            (ean13(world.product.gtin[1:]), Placement((420, 540), 320, -6, 0.1)),
        ],
        seed=11,
        noise=12,
    )
    assert picture.size == (1280, 720)
    found = decode_image(jpeg_bytes(picture))
    assert sorted(code.text for code in found) == sorted([*world.uris, world.product.gtin[1:]])
    verdicts = {code.text: verify_code(code, bundle, now()) for code in found}
    assert {verdicts[uri].verdict for uri in world.uris} == {"valid"}
    barcode = verdicts[world.product.gtin[1:]]
    assert (barcode.verdict, barcode.gtin, barcode.format) == (
        "needs-online-check",
        world.product.gtin,
        "EAN13",
    )


def test_expired_once_the_claims_date_is_reached(client, world):
    bundle = trust_bundle(client)
    code = world.uris[0]
    expires = read_code(code).fields.expires
    assert expires == world.label.valid_until.astimezone(UTC).date()
    midnight = datetime.combine(expires, time(0), UTC)
    expired = verify_code(code, bundle, midnight)
    assert expired.verdict == "expired" and expired.failed
    assert expired.message_en == "The eco-label of this product has expired."
    day_before = verify_code(code, bundle, midnight - timedelta(seconds=1), max_age=None)
    assert day_before.verdict == "valid"


def test_suspended_and_withdrawn_as_of_the_bundle(client, world):
    before = trust_bundle(client)
    change_status(client, world, "suspend")
    suspended = trust_bundle(client)
    assert verify_code(world.uris[0], suspended, now()).verdict == "suspended"
    # A bundle is the status as of its issue: the older one has not heard of the suspension.
    assert verify_code(world.uris[0], before, now()).verdict == "valid"
    change_status(client, world, "reinstate", "kết quả thử lại đạt")
    assert verify_code(world.uris[0], trust_bundle(client), now()).verdict == "valid"
    change_status(client, world, "withdraw", "thu hồi theo quyết định")
    withdrawn = verify_code(world.uris[1], trust_bundle(client), now())
    assert withdrawn.verdict == "withdrawn" and withdrawn.labels[0].status == "withdrawn"
    assert withdrawn.message_vi == "Nhãn sinh thái của sản phẩm này đã bị thu hồi."


def rotate_credential_key(runner, client, old_bundle) -> None:
    """Rotate until the new key's one-character claim id is not one the old bundle knows (1 in 32 is)."""
    while True:
        result = runner.invoke(args=["keys", "rotate", "--purpose", "credential"])
        assert result.exit_code == 0, result.output
        [active] = [
            k
            for k in jwks(client)["keys"]
            if k["ecoreg_purpose"] == "credential" and not k["ecoreg_valid_until"]
        ]
        if short_kid(public_key_from_jwk(active)) not in old_bundle.claim_keys:
            return


def test_unknown_key_after_a_rotation_until_the_bundle_is_refreshed(client, runner, world):
    old_pin, old_bundle = jwks(client), trust_bundle(client)
    rotate_credential_key(runner, client, old_bundle)
    lot_id = make_lot(client, world, "2612B")
    [item] = issue_serials(client, world, lot_id, 1, "after-rotation")
    verdict = verify_code(item["uri"], old_bundle, now())
    assert verdict.verdict == "unknown-key" and verdict.failed
    assert "update it and scan again" in verdict.message_en
    assert verify_code(world.uris[0], old_bundle, now()).verdict == "valid"  # old codes still verify
    # The new bundle is signed by the new key: the old pin does not vouch for it, the new JWKS does.
    with pytest.raises(BundleSignatureError, match="not a pinned registry key"):
        trust_bundle(client, old_pin)
    refreshed = trust_bundle(client, jwks(client))
    assert verify_code(item["uri"], refreshed, now()).verdict == "valid"
    assert verify_code(world.uris[0], refreshed, now()).verdict == "valid"


def test_forged_signatures_and_tampered_codes(client, world):
    bundle = trust_bundle(client)
    code = world.uris[0]
    claim = read_code(code).claim
    flipped = code[:-10] + ("x" if code[-10] != "x" else "y") + code[-9:]
    serial = world.items[0]["serial"]
    other_serial = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    label_ref = claim[4 : claim.index("-")]
    tampered = {
        "a flipped signature character": flipped,
        "a later expiry in the query string": code.replace(f"?{claim[:4]}", f"?{claim[0]}ZZZ"),
        "another label code in the query string": code.replace(label_ref, label_ref[:-1] + "Z"),
        "another serial in the path": code.replace(f"/21/{serial}", f"/21/{other_serial}"),
        "another lot in the path": code.replace("/10/2611A", "/10/2611C"),
        "the signature cut short": code[:-2],
    }
    for what, text in tampered.items():
        assert text != code, what
        verdict = verify_code(text, bundle, now())
        assert verdict.verdict == "forged", what
        assert verdict.message_en == "This code was not signed by the registry: it is forged."
    # Well formed, under the registry key's one-character id, but signed by another key: forged.
    impostor = key_with_kid(wanted=bundle.signed_by.short_kid)
    scanned = read_code(code)
    forged = build_uri("localhost", scanned.path, scanned.fields, impostor)
    assert verify_code(forged, bundle, now()).verdict == "forged"


def test_not_an_ecoreg_code(client, world):
    bundle = trust_bundle(client)
    assert world.uris[0].startswith("https://localhost/01/")
    copied = world.uris[0].replace("https://localhost/", "https://nhanxanh-dongnai.example/", 1)
    verdict = verify_code(copied, bundle, now())
    assert verdict.verdict == "not-an-ecoreg-code" and verdict.notes == ("other-host",)
    [plain] = decode_image(render_png("https://shop.example/khuyen-mai", 4))
    assert verify_code(plain, bundle, now()).verdict == "not-an-ecoreg-code"
    assert verify_code("WIFI:S:sieu-thi;T:WPA;P:x;;", bundle, now()).message_en == (
        "This is not a code of the Đồng Nai eco-label registry."
    )


def test_a_barcode_alone_is_a_product_level_check(client, world):
    bundle = trust_bundle(client)
    [barcode] = decode_image(ean13(world.product.gtin[1:]))
    offline = verify_code(barcode, bundle, now())
    assert (offline.verdict, offline.gtin, offline.undecided) == (
        "needs-online-check",
        world.product.gtin,
        True,
    )
    assert "barcode" in offline.message_en and "mã vạch" in offline.message_vi.lower()


# --- online, through the scanner's urllib client -------------------------------------------------


@pytest.fixture
def online(client):
    opener, handler = opener_for(client)
    resolver = OnlineResolver(BASE, opener=opener)
    resolver.handler = handler
    return resolver


def test_the_bundle_is_fetched_with_the_scanners_own_client(client, online):
    bundle = fetch_bundle(BASE, jwks(client), opener=online.opener)
    assert online.handler.requests == ["/api/v1/trust-bundle"] and bundle.issuer == BASE


def test_online_the_live_status_wins_over_an_older_bundle(client, world, online):
    old_bundle = trust_bundle(client)
    change_status(client, world, "suspend")
    verdict = verify_code(world.uris[0], old_bundle, now(), online)
    assert (verdict.verdict, verdict.offline_verdict, verdict.checked) == ("suspended", "valid", "online")
    assert verdict.labels[0].status == "suspended" and verdict.genuine is True
    assert online.handler.requests[-1].startswith(f"/01/{world.product.gtin}/10/2611A/21/")


def test_online_a_barcode_is_registered_or_not(client, world, online):
    bundle = trust_bundle(client)
    [barcode] = decode_image(ean13(world.product.gtin[1:]))
    verdict = verify_code(barcode, bundle, now(), online)
    assert (verdict.verdict, verdict.offline_verdict) == ("valid", "needs-online-check")
    assert verdict.label_numbers == (world.label.label_number,)
    unknown = verify_code("4006381333931", bundle, now(), online)
    assert unknown.verdict == "not-registered" and unknown.failed


def test_online_a_serial_never_issued(client, world, online):
    bundle = trust_bundle(client)
    never = f"{BASE}/01/{world.product.gtin}/10/2611A/21/NEVERISSUED1"
    assert verify_code(never, bundle, now()).verdict == "needs-online-check"
    verdict = verify_code(never, bundle, now(), online)
    assert verdict.verdict == "serial-not-issued" and "never issued" in verdict.message_en


def test_online_a_key_newer_than_the_bundle_is_confirmed(client, runner, world, online):
    old_bundle = trust_bundle(client)
    rotate_credential_key(runner, client, old_bundle)
    [item] = issue_serials(client, world, make_lot(client, world, "2612C"), 1, "rotated")
    verdict = verify_code(item["uri"], old_bundle, now(), online)
    assert (verdict.verdict, verdict.offline_verdict) == ("valid", "unknown-key")


def test_online_forged_codes_are_not_put_to_the_registry(client, world, online):
    bundle = trust_bundle(client)
    forged = world.uris[0][:-4] + "AAAA"
    assert verify_code(forged, bundle, now(), online).verdict == "forged"
    assert online.handler.requests == []
