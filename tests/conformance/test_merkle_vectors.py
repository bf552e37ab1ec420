"""The transparency log's Merkle tree against the official RFC 6962 / RFC 9162 proof vectors.

The vectors (transparency-dev/merkle ``testdata/``) are read in place from ``../shared/testdata``;
``SOURCES.md`` there describes them. Every file is one case: a ``wantErr`` case must be refused,
any other must verify. The happy paths also come from the well-known 8-leaf RFC 6962 test tree,
so the proofs our node store generates must equal them byte for byte.
"""

from __future__ import annotations

import base64
import json

import pytest

from labels.trust import merkle
from tests.conftest import SHARED_TESTDATA

MERKLE = "merkle"


def vector_names(kind: str) -> list[str]:
    """Paths of every vector of one kind, relative to the shared test data (for test ids)."""
    folder = SHARED_TESTDATA / MERKLE / kind
    return sorted(str(path.relative_to(SHARED_TESTDATA)) for path in folder.rglob("*.json"))


def load(shared_testdata, name: str) -> dict:
    return json.loads((shared_testdata / name).read_text())


def decode(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def hashes(texts: list[str] | None) -> list[bytes]:
    return [decode(text) for text in texts or []]


# The leaf inputs of the RFC 6962 test tree the vectors' happy paths are built on.
REFERENCE_LEAVES = [
    bytes.fromhex(text)
    for text in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


@pytest.fixture(scope="module")
def reference_tree():
    """The leaf hashes and node store of the 8-leaf reference tree, built by appending."""
    leaf_hashes = [merkle.leaf_hash(data) for data in REFERENCE_LEAVES]
    nodes: dict = {}
    for index, digest in enumerate(leaf_hashes):
        nodes.update(merkle.appended_nodes(index, digest, lambda level, i: nodes[(level, i)]))
    return leaf_hashes, nodes


def test_the_official_vectors_are_all_there(shared_testdata):
    assert len(vector_names("inclusion")) >= 90
    assert len(vector_names("consistency")) >= 90


@pytest.mark.parametrize("name", vector_names("inclusion"))
def test_inclusion_vector(shared_testdata, name):
    case = load(shared_testdata, name)
    arguments = (
        decode(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        hashes(case["proof"]),
        decode(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*arguments)
    else:
        assert merkle.verify_inclusion(*arguments) is None


@pytest.mark.parametrize("name", vector_names("consistency"))
def test_consistency_vector(shared_testdata, name):
    case = load(shared_testdata, name)
    arguments = (
        case["size1"],
        case["size2"],
        hashes(case["proof"]),
        decode(case["root1"]),
        decode(case["root2"]),
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*arguments)
    else:
        assert merkle.verify_consistency(*arguments) is None


@pytest.mark.parametrize("name", [n for n in vector_names("inclusion") if n.endswith("/happy-path.json")])
def test_stored_nodes_give_the_official_inclusion_proof(shared_testdata, reference_tree, name):
    case = load(shared_testdata, name)
    leaf_hashes, nodes = reference_tree
    index, size = case["leafIdx"], case["treeSize"]

    assert leaf_hashes[index] == decode(case["leafHash"])
    assert merkle.root_from(size, nodes) == decode(case["root"])
    assert merkle.inclusion_proof(index, size, nodes) == hashes(case["proof"])


@pytest.mark.parametrize("name", [n for n in vector_names("consistency") if n.endswith("/happy-path.json")])
def test_stored_nodes_give_the_official_consistency_proof(shared_testdata, reference_tree, name):
    case = load(shared_testdata, name)
    _, nodes = reference_tree
    size1, size2 = case["size1"], case["size2"]

    assert merkle.root_from(size1, nodes) == decode(case["root1"])
    assert merkle.root_from(size2, nodes) == decode(case["root2"])
    assert merkle.consistency_proof(size1, size2, nodes) == hashes(case["proof"])
