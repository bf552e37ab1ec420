"""The Merkle tree: proofs computed from the stored perfect subtrees verify, and tampering fails."""

from __future__ import annotations

import hashlib
import math

import pytest

from labels.trust import merkle

MAX_SIZE = 70
MAX_CONSISTENCY_SIZE = 40


def build(count: int) -> tuple[list[bytes], dict[merkle.Node, bytes]]:
    """``count`` leaf hashes and the node store the log would hold after appending them one by one."""
    leaf_hashes, nodes = [], {}
    for index in range(count):
        digest = merkle.leaf_hash(f"record {index}".encode())
        leaf_hashes.append(digest)
        nodes.update(merkle.appended_nodes(index, digest, lambda level, i: nodes[(level, i)]))
    return leaf_hashes, nodes


@pytest.fixture(scope="module")
def tree():
    return build(MAX_SIZE)


def only(nodes: dict, needed: set) -> dict:
    """The nodes a computation declared it needs, and nothing else, as the database would return."""
    return {node: nodes[node] for node in needed}


def flip_bit(digest: bytes) -> bytes:
    return bytes([digest[0] ^ 1]) + digest[1:]


def test_hashes_separate_leaves_from_interior_nodes():
    assert hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.node_hash(b"L", b"R") == hashlib.sha256(b"\x01LR").digest()
    assert merkle.root_of([]) == merkle.EMPTY_ROOT
    assert merkle.root_from(0, {}) == merkle.EMPTY_ROOT


def test_appending_stores_exactly_the_perfect_subtrees(tree):
    leaf_hashes, nodes = tree
    expected = {
        (level, index) for level in range(MAX_SIZE.bit_length()) for index in range(MAX_SIZE >> level)
    }
    assert set(nodes) == expected
    for (level, index), digest in nodes.items():
        width = 1 << level
        assert digest == merkle.root_of(leaf_hashes[index * width : (index + 1) * width])


class RecordingStore:
    """A node store that remembers which nodes were read from it."""

    def __init__(self, nodes: dict):
        self.nodes, self.reads = nodes, []

    def get(self, level: int, index: int) -> bytes:
        self.reads.append((level, index))
        return self.nodes[(level, index)]


def test_appending_reads_only_the_left_siblings_it_names(tree):
    _, nodes = tree
    for index in range(MAX_SIZE):
        store = RecordingStore(nodes)
        merkle.appended_nodes(index, nodes[(0, index)], store.get)

        assert store.reads == merkle.append_needs(index)
        assert set(store.reads) <= set(merkle.root_nodes(index))


def test_root_from_stored_nodes_is_the_tree_head_for_every_size(tree):
    leaf_hashes, nodes = tree
    for size in range(MAX_SIZE + 1):
        needed = set(merkle.root_nodes(size))
        assert merkle.root_from(size, only(nodes, needed)) == merkle.root_of(leaf_hashes[:size])


def test_inclusion_proofs_from_stored_nodes_verify_for_every_size_and_index(tree):
    leaf_hashes, nodes = tree
    for size in range(1, MAX_SIZE + 1):
        root = merkle.root_of(leaf_hashes[:size])
        for index in range(size):
            needed = merkle.inclusion_proof_nodes(index, size)
            proof = merkle.inclusion_proof(index, size, only(nodes, needed))
            merkle.verify_inclusion(leaf_hashes[index], index, size, proof, root)


def test_consistency_proofs_from_stored_nodes_verify_for_every_pair_of_sizes(tree):
    leaf_hashes, nodes = tree
    for size2 in range(1, MAX_CONSISTENCY_SIZE + 1):
        root2 = merkle.root_of(leaf_hashes[:size2])
        for size1 in range(1, size2 + 1):
            needed = merkle.consistency_proof_nodes(size1, size2)
            proof = merkle.consistency_proof(size1, size2, only(nodes, needed))
            merkle.verify_consistency(size1, size2, proof, merkle.root_of(leaf_hashes[:size1]), root2)


# Not size + 1: neighbouring sizes can share a path's shape, and a proof only means something
# for the (size, root) pair a signed checkpoint binds together.


def tampered_inclusions(leaf, index, size, proof, root):
    """Ways of lying about one inclusion: other positions, tree heights, leaves, roots and paths."""
    yield leaf, index + 1, size, proof, root
    yield leaf, index ^ 1, size, proof, root
    yield leaf, index, size * 2, proof, root
    yield flip_bit(leaf), index, size, proof, root
    yield leaf, index, size, proof, flip_bit(root)
    yield leaf, index, size, [*proof, root], root
    yield leaf, index, size, [root, *proof], root
    if proof:
        yield leaf, index, size, proof[:-1], root
    if len(proof) > 1:
        yield leaf, index, size, proof[::-1], root
    for position in range(len(proof)):
        yield leaf, index, size, [*proof[:position], flip_bit(proof[position]), *proof[position + 1 :]], root


def test_tampered_inclusion_proofs_fail(tree):
    leaf_hashes, nodes = tree
    for size in range(1, 34):
        root = merkle.root_of(leaf_hashes[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(index, size, nodes)
            for case in tampered_inclusions(leaf_hashes[index], index, size, proof, root):
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(*case)


def tampered_consistencies(size1, size2, proof, root1, root2):
    yield size1 - 1, size2, proof, root1, root2
    yield size1 + 1, size2, proof, root1, root2
    yield size1, size2 * 2, proof, root1, root2
    yield size1, size2, proof, flip_bit(root1), root2
    yield size1, size2, proof, root1, flip_bit(root2)
    yield size1, size2, proof, root2, root1
    yield size1, size2, [], root1, root2
    yield size1, size2, [*proof, root1], root1, root2
    yield size1, size2, [root2, *proof], root1, root2
    yield size1, size2, proof[:-1], root1, root2
    for position in range(len(proof)):
        yield (
            size1,
            size2,
            [*proof[:position], flip_bit(proof[position]), *proof[position + 1 :]],
            root1,
            root2,
        )


def test_tampered_consistency_proofs_fail(tree):
    leaf_hashes, nodes = tree
    for size2 in range(2, 26):
        root2 = merkle.root_of(leaf_hashes[:size2])
        for size1 in range(1, size2):
            root1 = merkle.root_of(leaf_hashes[:size1])
            proof = merkle.consistency_proof(size1, size2, nodes)
            for case in tampered_consistencies(size1, size2, proof, root1, root2):
                with pytest.raises(merkle.ProofError):
                    merkle.verify_consistency(*case)


@pytest.mark.parametrize(
    ("index", "size"),
    [(0, 0), (1, 1), (5, 3), (-1, 4)],
)
def test_an_inclusion_outside_the_tree_is_refused(index, size):
    digest = merkle.leaf_hash(b"x")
    with pytest.raises(merkle.MalformedProof):
        merkle.verify_inclusion(digest, index, size, [], digest)
    with pytest.raises(merkle.MalformedProof):
        merkle.inclusion_proof_nodes(index, size)


@pytest.mark.parametrize(("size1", "size2"), [(0, 0), (0, 5), (3, 2), (-1, 4)])
def test_a_consistency_between_impossible_sizes_is_refused(size1, size2):
    with pytest.raises(merkle.MalformedProof):
        merkle.verify_consistency(size1, size2, [], merkle.EMPTY_ROOT, merkle.EMPTY_ROOT)
    with pytest.raises(merkle.MalformedProof):
        merkle.consistency_proof_nodes(size1, size2)


def test_hashes_of_the_wrong_length_are_malformed(tree):
    leaf_hashes, nodes = tree
    root = merkle.root_of(leaf_hashes[:8])
    proof = merkle.inclusion_proof(3, 8, nodes)
    with pytest.raises(merkle.MalformedProof):
        merkle.verify_inclusion(leaf_hashes[3][:31], 3, 8, proof, root)
    with pytest.raises(merkle.MalformedProof):
        merkle.verify_inclusion(leaf_hashes[3], 3, 8, [*proof[:-1], proof[-1] + b"\x00"], root)


def test_equal_sizes_need_an_empty_proof_and_equal_roots(tree):
    leaf_hashes, _ = tree
    root = merkle.root_of(leaf_hashes[:5])
    assert merkle.verify_consistency(5, 5, [], root, root) is None
    with pytest.raises(merkle.InvalidProof):
        merkle.verify_consistency(5, 5, [], root, flip_bit(root))
    with pytest.raises(merkle.MalformedProof):
        merkle.verify_consistency(5, 5, [root], root, root)


@pytest.mark.parametrize("size", [1_000_000, 2**20 - 1, 2**20 + 1])
def test_proofs_for_a_million_leaves_read_a_logarithmic_number_of_nodes(size):
    bound = 2 * math.log2(size) + 2
    positions = {*range(0, size, 997), *range(size - 40, size), *(2**k for k in range(20) if 2**k < size)}
    for position in positions:
        assert len(merkle.inclusion_proof_nodes(position, size)) <= bound
        assert len(merkle.consistency_proof_nodes(position + 1, size)) <= bound
    assert len(merkle.root_nodes(size)) <= math.log2(size) + 1
    assert len(merkle.append_needs(size)) <= math.log2(size) + 1
