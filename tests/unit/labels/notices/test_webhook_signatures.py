"""Webhook signatures (Standard Webhooks), their verification as receivers do it, the backoff, and
which endpoint URLs are accepted."""

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest

from labels.errors import InvalidInput
from labels.notices.webhooks import (
    Claim,
    backoff,
    check_url,
    forbidden_address,
    new_secret,
    sign,
    signed_headers,
    verify_signature,
)

# The test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks,
# libraries/python/tests/test_webhooks.py, test_sign_function): a receiver using any of them accepts
# what we sign.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def vector_headers(**changes) -> dict:
    headers = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    return headers | changes


def test_signatures_match_the_standard_webhooks_test_vector():
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_scheme_is_hmac_sha256_of_id_timestamp_and_body_under_the_decoded_secret():
    secret = new_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    assert secret.startswith("whsec_") and len(key) == 32
    body = '{"type":"label.suspended","data":{"reason":"Kiểm tra"}}'.encode()
    mac = hmac.new(key, b"dlv_7.1700000000." + body, hashlib.sha256).digest()
    assert sign(secret, "dlv_7", 1700000000, body) == "v1," + base64.b64encode(mac).decode()
    assert new_secret() != secret


def test_a_receiver_accepts_the_vector_within_five_minutes_of_its_timestamp():
    assert verify_signature(VECTOR_SECRET, vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP + 299)
    assert verify_signature(VECTOR_SECRET, vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP - 299)
    # Header names are case-insensitive, as HTTP's are.
    upper = {key.title(): value for key, value in vector_headers().items()}
    assert verify_signature(VECTOR_SECRET, upper, VECTOR_BODY, now=VECTOR_TIMESTAMP)


@pytest.mark.parametrize(
    "headers, body, secret, now",
    [
        (vector_headers(), VECTOR_BODY, VECTOR_SECRET, VECTOR_TIMESTAMP + 301),  # a replay, later
        (vector_headers(), VECTOR_BODY, VECTOR_SECRET, VECTOR_TIMESTAMP - 301),  # from the future
        (vector_headers(), b'{"test": 2432232315}', VECTOR_SECRET, VECTOR_TIMESTAMP),  # body changed
        (vector_headers(), VECTOR_BODY, new_secret(), VECTOR_TIMESTAMP),  # another secret
        (vector_headers(**{"webhook-id": "msg_other"}), VECTOR_BODY, VECTOR_SECRET, VECTOR_TIMESTAMP),
        (vector_headers(**{"webhook-timestamp": "1614265331"}), VECTOR_BODY, VECTOR_SECRET, VECTOR_TIMESTAMP),
        (vector_headers(**{"webhook-timestamp": "soon"}), VECTOR_BODY, VECTOR_SECRET, VECTOR_TIMESTAMP),
        (
            vector_headers(**{"webhook-signature": "v2," + VECTOR_SIGNATURE[3:]}),
            VECTOR_BODY,
            VECTOR_SECRET,
            0,
        ),
        (vector_headers(**{"webhook-signature": "v1,not base64!"}), VECTOR_BODY, VECTOR_SECRET, 0),
        ({"webhook-timestamp": str(VECTOR_TIMESTAMP)}, VECTOR_BODY, VECTOR_SECRET, VECTOR_TIMESTAMP),
    ],
    ids=[
        "too-old",
        "too-new",
        "tampered-body",
        "wrong-secret",
        "other-id",
        "other-timestamp",
        "bad-timestamp",
        "unknown-version",
        "garbled",
        "no-id",
    ],
)
def test_a_receiver_rejects_anything_else(headers, body, secret, now):
    assert not verify_signature(secret, headers, body, now=now or VECTOR_TIMESTAMP)


def test_one_good_signature_among_several_is_enough():
    """Standard Webhooks sends several space-separated signatures while a secret is being rotated."""
    headers = vector_headers(**{"webhook-signature": f"v1,AAAA {VECTOR_SIGNATURE} v2,BBBB"})
    assert verify_signature(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)


def test_the_request_headers_name_the_delivery_the_event_and_the_attempt():
    secret = new_secret()
    claim = Claim(7, 3, "https://x.example/h", secret, b'{"a":1}', "label.suspended", "evt_5")
    headers = signed_headers(claim, 1700000000)
    assert headers["webhook-id"] == "dlv_7"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["ecoreg-event-id"] == "evt_5"
    assert headers["ecoreg-event-type"] == "label.suspended"
    assert headers["ecoreg-delivery-attempt"] == "3"
    assert headers["Content-Type"].startswith("application/json")
    assert verify_signature(secret, headers, b'{"a":1}', now=1700000000)
    ping = signed_headers(Claim(8, 1, "https://x.example/h", secret, b"{}", "ping", None), 1700000000)
    assert "ecoreg-event-id" not in ping


def test_the_backoff_doubles_up_to_its_cap_with_jitter_taking_off_at_most_half():
    def waits(rand):
        return [backoff(n, 1000, 30_000, rand=lambda: rand) for n in range(1, 8)]

    assert waits(1.0) == [timedelta(seconds=s) for s in (1, 2, 4, 8, 16, 30, 30)]
    assert waits(0.0) == [timedelta(seconds=s) for s in (0.5, 1, 2, 4, 8, 15, 15)]
    assert backoff(200, 1000, 30_000, rand=lambda: 1.0) == timedelta(seconds=30)  # no overflow


@pytest.mark.parametrize(
    "address, forbidden",
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.1.10", True),
        ("172.16.0.1", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("224.0.0.1", True),
        ("203.162.4.190", False),
        ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
    ],
)
def test_only_public_unicast_addresses_may_receive(address, forbidden):
    assert forbidden_address(address) is forbidden


@pytest.mark.parametrize(
    "url, rule",
    [
        ("ftp://hooks.example.vn/x", "http-url"),
        ("https:///no-host", "http-url"),
        ("hooks.example.vn/x", "http-url"),
        ("https://user:pw@hooks.example.vn/x", "no-credentials"),
        ("https://hooks.example.vn:99999/x", "port"),
        ("http://127.0.0.1:8080/x", "public-address"),
        ("http://localhost/x", "public-address"),
        ("http://[::1]/x", "public-address"),
        ("http://169.254.169.254/latest/meta-data", "public-address"),
    ],
)
def test_endpoint_urls_are_checked(url, rule):
    with pytest.raises(InvalidInput) as refused:
        check_url(url, allow_private=False)
    assert [(i.field, i.rule) for i in refused.value.issues] == [("url", rule)]


def test_public_urls_pass_and_private_ones_only_when_allowed():
    assert check_url("  https://hooks.example.vn/ecoreg?k=1 ", allow_private=False) == (
        "https://hooks.example.vn/ecoreg?k=1"
    )
    assert check_url("http://203.162.4.190/h", allow_private=False) == "http://203.162.4.190/h"
    assert check_url("http://127.0.0.1:8080/x", allow_private=True) == "http://127.0.0.1:8080/x"
