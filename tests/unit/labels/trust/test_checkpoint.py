"""Checkpoints and signed notes: the C2SP formats, byte for byte, and every refusal."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labels.trust import checkpoint
from labels.trust.checkpoint import (
    Checkpoint,
    InvalidNoteSignature,
    InvalidVerifierKey,
    MalformedNote,
    NoteVerifier,
    UnverifiedNote,
    checkpoint_body,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
    sign_note,
    verifier_key,
)
from labels.trust.merkle import EMPTY_ROOT, leaf_hash

ORIGIN = "registry.ecoreg.example/log"
ROOT = leaf_hash(b"a label record")

# The example of golang.org/x/mod/sumdb/note (its package documentation): another implementation
# of signed-note, so matching it byte for byte shows outside tools read our notes.
GO_SIGNER_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
GO_SIGNATURE = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
GO_NOTE = GO_TEXT + "\n— PeterNeumann " + GO_SIGNATURE + "\n"


@pytest.fixture(scope="module")
def log_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def log_verifier(log_key):
    return parse_verifier_key(verifier_key(ORIGIN, log_key.public_key()))


@pytest.fixture(scope="module")
def signed(log_key):
    return sign_note(checkpoint_body(ORIGIN, 42, ROOT), ORIGIN, log_key)


def raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes_raw()


def go_private_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SIGNER_KEY.split("+", 4)[4])[1:]
    return Ed25519PrivateKey.from_private_bytes(seed)


@pytest.mark.parametrize(("size", "root"), [(0, EMPTY_ROOT), (1, ROOT), (20852163, ROOT), (2**63, ROOT)])
def test_a_checkpoint_body_round_trips(size, root):
    body = checkpoint_body(ORIGIN, size, root)

    assert body == f"{ORIGIN}\n{size}\n{base64.b64encode(root).decode()}\n"
    assert parse_checkpoint(body) == Checkpoint(ORIGIN, size, root)


def test_a_signed_checkpoint_opens_with_the_published_verifier_key(signed, log_verifier):
    body = open_note(signed, [log_verifier])

    assert signed.startswith(body + "\n— " + ORIGIN + " ")
    assert parse_checkpoint(body) == (ORIGIN, 42, ROOT)
    assert open_note(signed.encode(), [log_verifier]) == body


def test_the_key_id_is_the_c2sp_hash_of_name_signature_type_and_key(log_key, signed):
    expected = hashlib.sha256(ORIGIN.encode() + b"\x0a" + b"\x01" + raw_public_key(log_key)).digest()[:4]

    assert checkpoint.key_id(ORIGIN, raw_public_key(log_key)) == expected
    name, key_hex, key_text = verifier_key(ORIGIN, log_key.public_key()).split("+", 2)
    assert (name, key_hex) == (ORIGIN, expected.hex())
    assert base64.b64decode(key_text) == b"\x01" + raw_public_key(log_key)
    signature = base64.b64decode(signed.rstrip("\n").rsplit(" ", 1)[1])
    assert len(signature) == 4 + 64
    assert signature[:4] == expected


def test_notes_match_the_go_sumdb_note_example_byte_for_byte():
    key = go_private_key()

    assert verifier_key("PeterNeumann", key.public_key()) == GO_VERIFIER_KEY
    assert sign_note(GO_TEXT, "PeterNeumann", key) == GO_NOTE
    assert open_note(GO_NOTE, [parse_verifier_key(GO_VERIFIER_KEY)]) == GO_TEXT


def test_a_tampered_body_is_rejected(signed, log_verifier):
    forged = signed.replace("\n42\n", "\n43\n")

    with pytest.raises(InvalidNoteSignature):
        open_note(forged, [log_verifier])


def test_a_note_signed_by_another_key_is_unverified(log_verifier):
    other = sign_note(checkpoint_body(ORIGIN, 42, ROOT), ORIGIN, Ed25519PrivateKey.generate())

    with pytest.raises(UnverifiedNote):
        open_note(other, [log_verifier])
    with pytest.raises(UnverifiedNote):
        open_note(other, [])


def test_a_known_name_and_key_id_with_a_failing_signature_rejects_the_note(signed, log_verifier):
    impostor = NoteVerifier(ORIGIN, log_verifier.key_id, Ed25519PrivateKey.generate().public_key())

    with pytest.raises(InvalidNoteSignature):
        open_note(signed, [impostor])


def test_signatures_of_unknown_keys_are_ignored(signed, log_verifier):
    witness = sign_note(checkpoint_body(ORIGIN, 42, ROOT), "witness.example", Ed25519PrivateKey.generate())
    cosigned = signed + witness.rsplit("\n\n", 1)[1]

    assert open_note(cosigned, [log_verifier]) == checkpoint_body(ORIGIN, 42, ROOT)


def test_one_bad_signature_of_a_known_key_rejects_the_note_despite_a_good_one(signed, log_key):
    witness_key = Ed25519PrivateKey.generate()
    witness = parse_verifier_key(verifier_key("witness.example", witness_key.public_key()))
    forged_line = sign_note("another text\n", "witness.example", witness_key).rsplit("\n\n", 1)[1]
    log = parse_verifier_key(verifier_key(ORIGIN, log_key.public_key()))

    with pytest.raises(InvalidNoteSignature):
        open_note(signed + forged_line, [log, witness])


def signature_line(signed: str) -> str:
    return signed.rsplit("\n\n", 1)[1]


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda note: note.replace("\n\n", "\n"), id="no-blank-line"),
        pytest.param(lambda note: note.split("\n\n")[0] + "\n\n", id="no-signature-line"),
        pytest.param(lambda note: note.rstrip("\n"), id="no-final-newline"),
        pytest.param(lambda note: note.replace("— ", "-- "), id="hyphens-for-em-dash"),
        pytest.param(lambda note: note.replace("— ", "—"), id="no-space-after-dash"),
        pytest.param(lambda note: note.replace("— registry", "—  registry"), id="empty-key-name"),
        pytest.param(lambda note: note[:-3] + "!=\n", id="signature-not-base64"),
        pytest.param(lambda note: note.rsplit(" ", 1)[0] + " AAAA\n", id="signature-too-short"),
        pytest.param(lambda note: note.replace("log\n42", "log\t\n42"), id="control-character"),
        pytest.param(lambda note: note + signature_line(note) * 100, id="too-many-signatures"),
        pytest.param(lambda note: note + "trailing text\n", id="text-after-signatures"),
    ],
)
def test_malformed_notes_are_rejected(signed, log_verifier, mangle):
    with pytest.raises(MalformedNote):
        open_note(mangle(signed), [log_verifier])


def test_a_note_that_is_not_utf8_is_rejected(signed, log_verifier):
    with pytest.raises(MalformedNote):
        open_note(signed.encode().replace(b"42", b"4\xff"), [log_verifier])


def non_canonical(text: str) -> str:
    """The same bytes in base64 with the unused low bits of the last character set."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = text.rstrip("=")[-1]
    return text.replace(last + "=", alphabet[alphabet.index(last) | 1] + "=")


ROOT_TEXT = base64.b64encode(ROOT).decode()


def test_a_non_canonical_spelling_still_decodes_to_the_same_root():
    # so the checkpoint test below refuses the spelling, not different bytes
    assert non_canonical(ROOT_TEXT) != ROOT_TEXT
    assert base64.b64decode(non_canonical(ROOT_TEXT)) == ROOT


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(f"{ORIGIN}\n42\n", id="two-lines"),
        pytest.param(f"\n42\n{ROOT_TEXT}\n", id="empty-origin"),
        pytest.param(f"{ORIGIN}\n042\n{ROOT_TEXT}\n", id="leading-zero"),
        pytest.param(f"{ORIGIN}\n+42\n{ROOT_TEXT}\n", id="signed-size"),
        pytest.param(f"{ORIGIN}\n-1\n{ROOT_TEXT}\n", id="negative-size"),
        pytest.param(f"{ORIGIN}\n4_2\n{ROOT_TEXT}\n", id="underscore-in-size"),
        pytest.param(f"{ORIGIN}\n٤٢\n{ROOT_TEXT}\n", id="non-ascii-digits"),
        pytest.param(f"{ORIGIN}\n\n{ROOT_TEXT}\n", id="empty-size"),
        pytest.param(f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\n", id="short-root"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT.hex()}\n", id="hex-root"),
        pytest.param(f"{ORIGIN}\n42\n{non_canonical(ROOT_TEXT)}\n", id="non-canonical-base64"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_TEXT}", id="no-final-newline"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_TEXT}\n\nextension\n", id="empty-extension-line"),
    ],
)
def test_malformed_checkpoints_are_rejected(body):
    with pytest.raises(MalformedNote):
        parse_checkpoint(body)


def test_extension_lines_are_allowed_and_ignored():
    body = checkpoint_body(ORIGIN, 7, ROOT) + "extension one\nextension two\n"

    assert parse_checkpoint(body) == Checkpoint(ORIGIN, 7, ROOT)


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [
        ("", 1, ROOT),
        ("two\nlines", 1, ROOT),
        ("tab\there", 1, ROOT),
        (ORIGIN, -1, ROOT),
        (ORIGIN, 1, ROOT[:16]),
    ],
)
def test_a_checkpoint_body_refuses_what_it_cannot_write(origin, size, root):
    with pytest.raises(MalformedNote):
        checkpoint_body(origin, size, root)


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("no final newline", ORIGIN),
        ("", ORIGIN),
        ("text\n", "has space"),
        ("text\n", "has+plus"),
        ("text\n", ""),
        ("bell\x07\n", ORIGIN),
    ],
)
def test_sign_note_refuses_what_no_verifier_could_open(log_key, body, name):
    with pytest.raises(MalformedNote):
        sign_note(body, name, log_key)


def test_parse_verifier_key_accepts_base64_with_plus_signs():
    # The transparency-dev/formats test key whose base64 holds a '+'.
    verifier = parse_verifier_key("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")

    assert (verifier.name, verifier.key_id.hex()) == ("TEST", "7997405c")


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda key: key.split("+", 1)[1], id="no-name"),
        pytest.param(lambda key: key.rsplit("+", 1)[0], id="no-key"),
        pytest.param(lambda key: " " + key, id="space-in-name"),
        pytest.param(lambda key: key.replace("+", "+0", 1), id="nine-hex-digits"),
        pytest.param(lambda key: key.replace("c74f20a3", "c74f20ag"), id="not-hex"),
        pytest.param(lambda key: key[:-4] + "AAAA", id="key-does-not-match-id"),
        pytest.param(lambda key: "other" + key, id="name-does-not-match-id"),
        pytest.param(lambda key: key[:-1], id="truncated-base64"),
    ],
)
def test_malformed_verifier_keys_are_rejected(mangle):
    with pytest.raises(InvalidVerifierKey):
        parse_verifier_key(mangle(GO_VERIFIER_KEY))


def test_verifier_keys_of_other_signature_types_are_rejected():
    name, identifier = "ecdsa.example", "00000000"
    key = base64.b64encode(b"\x02" + bytes(32)).decode()

    with pytest.raises(InvalidVerifierKey):
        parse_verifier_key(f"{name}+{identifier}+{key}")
