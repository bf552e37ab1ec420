"""Check an ecoreg label without ecoreg, from docs/signing.md alone (needs cryptography, rfc8785, base58).

usage: verify_label.py CREDENTIAL JWKS CHECKPOINT VERIFIER_KEY INCLUSION [STATUS_LIST ...]
Checks the credential's eddsa-jcs-2022 proof under its published key, its leaf in the log under a
signed checkpoint, its validity dates and, given the status lists, its status. Exit 1: not genuine.
"""

import base64
import gzip
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FOREVER = datetime.max.replace(tzinfo=UTC)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def fail(why: str):
    sys.exit(f"NOT VERIFIED: {why}")


def verify_proof(document: dict, jwks: dict) -> None:
    """eddsa-jcs-2022 with a credential key from the registry's JWKS; raises InvalidSignature."""
    document = dict(document)
    proof = dict(document.pop("proof", None) or fail("the document has no proof"))
    signature = base58.b58decode(proof.pop("proofValue").removeprefix("z"))
    kind = (proof["type"], proof["cryptosuite"], proof["proofPurpose"])
    if kind != ("DataIntegrityProof", "eddsa-jcs-2022", "assertionMethod"):
        fail("not an eddsa-jcs-2022 assertion proof")
    if document["@context"][: len(proof["@context"])] != proof["@context"]:
        fail("the document's @context does not begin with the proof's")
    document["@context"] = proof["@context"]
    jwks_url, _, kid = proof["verificationMethod"].partition("#")
    if jwks_url != document["issuer"]["id"] + "/.well-known/jwks.json":
        fail("the key is not published by the issuer")
    jwk = next((k for k in jwks["keys"] if k["kid"] == kid), None) or fail(f"no key {kid}")
    until = when(jwk["ecoreg_valid_until"]) if jwk["ecoreg_valid_until"] else FOREVER
    valid = when(jwk["ecoreg_valid_from"]) <= when(proof["created"]) <= until
    if jwk["ecoreg_purpose"] != "credential" or not valid:
        fail(f"key {kid} was not the registry's credential key at {proof['created']}")
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "="))
    key.verify(signature, sha(rfc8785.dumps(proof)) + sha(rfc8785.dumps(document)))


def open_checkpoint(note: str, verifier_key: str) -> tuple[int, bytes]:
    """The (tree size, root hash) of a C2SP checkpoint note signed by the pinned log key."""
    name, key_id, key = verifier_key.split("+", 2)
    key = base64.b64decode(key)
    if key[0] != 1 or sha(name.encode() + b"\n" + key)[:4].hex() != key_id:
        fail("malformed verifier key")
    split = note.rindex("\n\n")
    text, signatures = note[: split + 1], note[split + 2 :]
    for line in signatures.splitlines():
        signer, signature = line.removeprefix("\u2014 ").split(" ")
        signature = base64.b64decode(signature)
        if signer == name and signature[:4].hex() == key_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(signature[4:], text.encode())
            origin, size, root = text.splitlines()[:3]
            return (int(size), base64.b64decode(root)) if origin == name else fail("another log")
    fail("the checkpoint is not signed by the log key")


def root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162, 2.1.3.2: the root an inclusion proof leads to."""
    if not 0 <= index < size:
        fail("leaf index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            fail("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = sha(b"\x01" + p + r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha(b"\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else fail("inclusion proof too short")


def status_bit(status_list: dict, entry: dict) -> bool:
    subject = status_list["credentialSubject"]
    if subject["statusPurpose"] != entry["statusPurpose"]:
        fail("status list of another purpose")
    bits = gzip.decompress(base64.urlsafe_b64decode(subject["encodedList"][1:] + "=="))
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> index % 8))


def main(credential, jwks, checkpoint, verifier_key, inclusion, *status_lists) -> None:
    def load(path):
        return json.loads(Path(path).read_text(encoding="utf-8"))

    credential, jwks, proof = load(credential), load(jwks), load(inclusion)
    verify_proof(credential, jwks)
    print("signature: valid,", credential["proof"]["verificationMethod"])
    size, root = open_checkpoint(Path(checkpoint).read_text(encoding="utf-8"), verifier_key)
    leaf = sha(b"\x00" + rfc8785.dumps(credential))
    if base64.b64decode(proof["leaf_hash"]) != leaf or proof["tree_size"] != size:
        fail("the proof is not for this credential and checkpoint")
    path = [base64.b64decode(h) for h in proof["hashes"]]
    if root_from_path(leaf, proof["leaf_index"], size, path) != root:
        fail("not in the log")
    print(f"log: leaf {proof['leaf_index']} of the signed tree of {size}")
    if not when(credential["validFrom"]) <= datetime.now(UTC) <= when(credential["validUntil"]):
        fail("expired or not yet valid")
    lists = {status_list["id"]: status_list for status_list in map(load, status_lists)}
    for entry in credential["credentialStatus"] if lists else []:
        status_list = lists.get(entry["statusListCredential"]) or fail("a status list is missing")
        verify_proof(status_list, jwks)
        if status_bit(status_list, entry):
            fail(f"the label is under {entry['statusPurpose']}")
    checked = "not revoked, not suspended" if lists else "status not checked"
    print(f"status: valid until {credential['validUntil']}, {checked}")


if __name__ == "__main__":
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    try:
        main(*sys.argv[1:])
    except InvalidSignature:
        fail("a signature does not verify")
