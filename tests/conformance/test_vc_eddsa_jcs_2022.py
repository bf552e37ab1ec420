"""W3C Data Integrity ``eddsa-jcs-2022`` conformance against the spec's own test vectors
(w3c/vc-di-eddsa ``TestVectors/``, read in place from ``shared/testdata/vc-eddsa-jcs-2022``).

Every intermediate value is reproduced from ``unsigned.json``, ``proofConfigJCS.json`` and
``keyPair.json``, then the signed credential is verified and tampered with.
"""

import copy
import hashlib
import json

import pytest

from labels.trust.keys import (
    decode_multibase,
    decode_public_multikey,
    decode_secret_multikey,
    encode_multibase,
    encode_public_multikey,
)
from labels.trust.signing import add_proof, hash_data, proof_configuration, transform, verify_proof
from labels.trust.signing_errors import ContextMismatch, InvalidSignature, MalformedProof, UnknownKey


@pytest.fixture(scope="module")
def vectors(shared_testdata):
    folder = shared_testdata / "vc-eddsa-jcs-2022"

    def read(name: str) -> str:
        return (folder / name).read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="module")
def key_pair(vectors):
    return json.loads(vectors("keyPair.json"))


@pytest.fixture(scope="module")
def private_key(key_pair):
    return decode_secret_multikey(key_pair["privateKeyMultibase"])


@pytest.fixture(scope="module")
def proof_config(vectors):
    return json.loads(vectors("proofConfigJCS.json"))


@pytest.fixture
def unsigned(vectors):
    return json.loads(vectors("unsigned.json"))


@pytest.fixture
def signed(vectors):
    return json.loads(vectors("signedJCS.json"))


@pytest.fixture(scope="module")
def resolve_key(key_pair, proof_config):
    # Only the vector's own verification method is trusted, the way a trust bundle would list it.
    return {
        proof_config["verificationMethod"]: decode_public_multikey(key_pair["publicKeyMultibase"])
    }.__getitem__


def test_secret_key_multikey_yields_the_published_public_key(key_pair, private_key, proof_config):
    assert encode_public_multikey(private_key) == key_pair["publicKeyMultibase"]
    did, _, fragment = proof_config["verificationMethod"].partition("#")
    assert did == f"did:key:{key_pair['publicKeyMultibase']}" and fragment == key_pair["publicKeyMultibase"]


def test_canonical_document_matches(vectors, unsigned):
    assert transform(unsigned) == vectors("canonDocJCS.txt").encode()


def test_canonical_proof_configuration_matches(vectors, proof_config):
    assert proof_configuration(proof_config) == vectors("proofCanonJCS.txt").encode()


def test_add_proof_builds_the_vectors_proof_configuration_with_the_documents_context(
    unsigned, private_key, proof_config
):
    secured = add_proof(
        unsigned, private_key, proof_config["verificationMethod"], proof_config["created"], "assertionMethod"
    )
    proof_options = {name: value for name, value in secured["proof"].items() if name != "proofValue"}
    assert proof_options == proof_config
    assert proof_options["@context"] == unsigned["@context"]


def test_document_hash_matches(vectors, unsigned):
    assert hashlib.sha256(transform(unsigned)).hexdigest() == vectors("docHashJCS.txt")


def test_proof_configuration_hash_matches(vectors, proof_config):
    assert hashlib.sha256(proof_configuration(proof_config)).hexdigest() == vectors("proofHashJCS.txt")


def test_combined_hash_is_proof_hash_then_document_hash(vectors, unsigned, proof_config):
    combined = hash_data(transform(unsigned), proof_configuration(proof_config))
    assert combined.hex() == vectors("combinedHashJCS.txt")
    assert vectors("combinedHashJCS.txt") == vectors("proofHashJCS.txt") + vectors("docHashJCS.txt")


def test_signature_matches_in_hex_and_base58btc(vectors, unsigned, proof_config, private_key):
    signature = private_key.sign(hash_data(transform(unsigned), proof_configuration(proof_config)))
    assert signature.hex() == vectors("sigHexJCS.txt")
    assert encode_multibase(signature) == vectors("sigBTC58JCS.txt")
    assert decode_multibase(vectors("sigBTC58JCS.txt")) == signature


def test_signed_credential_is_reproduced(vectors, unsigned, private_key, proof_config, signed):
    secured = add_proof(
        unsigned,
        private_key,
        verification_method=proof_config["verificationMethod"],
        created=proof_config["created"],
        proof_purpose=proof_config["proofPurpose"],
    )
    assert secured == signed
    # Keys come out in the order the spec prints them, so even the pretty-printed file is reproduced.
    assert json.dumps(secured, indent=2) == vectors("signedJCS.json")


def test_signed_credential_verifies(signed, resolve_key):
    assert verify_proof(signed, resolve_key) is None


def test_changed_credential_subject_fails_verification(signed, resolve_key):
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    with pytest.raises(InvalidSignature):
        verify_proof(signed, resolve_key)


def test_changed_created_time_fails_verification(signed, resolve_key):
    signed["proof"]["created"] = "2023-02-24T23:36:39Z"
    with pytest.raises(InvalidSignature):
        verify_proof(signed, resolve_key)


def test_changed_proof_value_fails_verification(signed, resolve_key):
    signature = bytearray(decode_multibase(signed["proof"]["proofValue"]))
    signature[10] ^= 0x01
    signed["proof"]["proofValue"] = encode_multibase(bytes(signature))
    with pytest.raises(InvalidSignature):
        verify_proof(signed, resolve_key)


def test_truncated_proof_value_is_malformed(signed, resolve_key):
    signed["proof"]["proofValue"] = signed["proof"]["proofValue"][:-4]
    with pytest.raises(MalformedProof):
        verify_proof(signed, resolve_key)


def test_added_proof_option_fails_verification(signed, resolve_key):
    signed["proof"]["domain"] = "vc.example"  # every proof option is signed, not only the known ones
    with pytest.raises(InvalidSignature):
        verify_proof(signed, resolve_key)


def test_proof_context_that_does_not_begin_the_documents_is_refused(signed, resolve_key):
    signed["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2", "https://vc.example/other/v1"]
    with pytest.raises(ContextMismatch):
        verify_proof(signed, resolve_key)


def test_changed_document_context_is_refused(signed, resolve_key):
    signed["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    with pytest.raises(ContextMismatch):
        verify_proof(signed, resolve_key)


def test_removed_proof_context_fails_verification(signed, resolve_key):
    del signed["proof"]["@context"]  # the @context was signed as a proof option
    with pytest.raises(InvalidSignature):
        verify_proof(signed, resolve_key)


def test_context_appended_after_signing_still_verifies_as_the_spec_says(signed, resolve_key):
    # Spec 3.3.2 step 4: the document is hashed under the proof's @context once the document's is
    # seen to start with it, so a context added later (for a proof set, say) is allowed, and unsigned.
    extended = copy.deepcopy(signed)
    extended["@context"].append("https://vc.example/appended/v1")
    assert verify_proof(extended, resolve_key) is None


def test_key_the_verifier_does_not_trust_is_unknown(signed):
    with pytest.raises(UnknownKey):
        verify_proof(signed, {}.__getitem__)
