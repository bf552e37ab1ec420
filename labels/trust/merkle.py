"""The transparency log's Merkle tree: RFC 9162 (Certificate Transparency v2), section 2.1.

Framework-free and shared with ``scanner/``. Hashing, the tree head (MTH), inclusion proofs
(PATH) and consistency proofs (PROOF, SUBPROOF) follow the RFC exactly; RFC 9162 does not change
RFC 6962's tree, so the official RFC 6962 vectors apply.

Storage model. The log stores the hash of every *perfect* subtree, the node ``(level, index)``
covering leaves ``[index * 2**level, (index + 1) * 2**level)``, written by the append that
completes it. Every subtree the RFC's recursion visits starts at a multiple of a power of two at
least its width, so it splits into at most log2(n) perfect subtrees, left to right with
shrinking sizes. A proof therefore names the stored nodes it needs (``*_nodes``) so the
database can fetch them in one query, then is computed from that mapping in O(log n).

Verification (``verify_inclusion``, ``verify_consistency``) returns None or raises a
:class:`ProofError`; it is the part an outside verifier runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
#: MTH({}) = SHA-256 of the empty string (RFC 9162, 2.1.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()

#: A stored perfect subtree: (level, index); level 0 holds the leaf hashes.
Node = tuple[int, int]
#: Leaves ``[start, end)`` of the tree, as the RFC's D[start:end].
Span = tuple[int, int]


class ProofError(Exception):
    """A proof does not prove what it claims."""


class MalformedProof(ProofError):
    """Sizes, index or proof length are impossible, or a hash is not 32 bytes; nothing was hashed."""


class InvalidProof(ProofError):
    """The proof is well formed but its hashes do not lead to the given root(s)."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d): the prefix keeps leaves and interior nodes apart."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(width: int) -> int:
    """k, the largest power of two smaller than ``width`` (> 1): where MTH splits D[n]."""
    return 1 << ((width - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, by the RFC's recursion (for tests and small trees)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = _split(len(leaf_hashes))
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


# -- storage: which perfect subtrees exist, and computing from them -------------------------------


def append_needs(leaf_index: int) -> list[Node]:
    """The stored left siblings that ``appended_nodes`` reads: one per trailing 1-bit of the index."""
    needs = []
    level = 0
    while (leaf_index >> level) & 1:
        needs.append((level, (leaf_index >> level) - 1))
        level += 1
    return needs


def appended_nodes(
    leaf_index: int, leaf_hash: bytes, get: Callable[[int, int], bytes]
) -> list[tuple[Node, bytes]]:
    """The nodes to store when leaf ``leaf_index`` is appended: the leaf, then each parent it completes.

    A node at an odd index is a right child, so appending it completes its parent; ``get(level,
    index)`` returns an already stored node (only the ones ``append_needs`` lists are asked for).
    """
    written = [((0, leaf_index), leaf_hash)]
    level, index, digest = 0, leaf_index, leaf_hash
    while index & 1:
        digest = node_hash(get(level, index - 1), digest)
        level, index = level + 1, index >> 1
        written.append(((level, index), digest))
    return written


def _perfect_subtrees(span: Span) -> list[Node]:
    """The stored nodes that make up D[start:end], left to right (largest first)."""
    start, end = span
    nodes = []
    for level in reversed(range((end - start).bit_length())):
        if (end - start) >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def _subtree_hash(span: Span, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[start:end]) from its perfect subtrees, folded right to left as MTH's recursion nests."""
    parts = _perfect_subtrees(span)
    digest = nodes[parts[-1]]
    for part in reversed(parts[:-1]):
        digest = node_hash(nodes[part], digest)
    return digest


def _needed(spans: Iterable[Span]) -> set[Node]:
    return {node for span in spans for node in _perfect_subtrees(span)}


def root_nodes(size: int) -> list[Node]:
    """The stored nodes the root of a tree of ``size`` leaves is made from."""
    return _perfect_subtrees((0, size))


def root_from(size: int, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[size]) from the nodes ``root_nodes(size)`` names."""
    return _subtree_hash((0, size), nodes) if size else EMPTY_ROOT


# -- proofs (RFC 9162, 2.1.3.1 and 2.1.4.1) -------------------------------------------------------


def _inclusion_spans(index: int, size: int) -> list[Span]:
    """PATH(index, D[size]) as the subtrees whose hashes it lists, leaf's sibling first.

    Only the sibling met where the path first turns left can be a partial (right-edge) subtree:
    every subtree below that turn is perfect. So the proof reads at most about 2 * log2(n) nodes.
    """
    spans = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            spans.append((middle, end))
            end = middle
        else:
            spans.append((start, middle))
            start = middle
    return spans[::-1]  # the recursion appends on the way back up


def _consistency_spans(size1: int, size2: int) -> list[Span]:
    """PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true) as the subtrees it lists."""
    spans = []
    start, end, old, whole_old_tree = 0, size2, size1, True
    while old != end - start:
        k = _split(end - start)
        if old <= k:
            spans.append((start + k, end))
            end = start + k
        else:
            spans.append((start, start + k))
            start, old, whole_old_tree = start + k, old - k, False
    if not whole_old_tree:
        # SUBPROOF(m, D[m], false) = {MTH(D[m])}: the verifier cannot rebuild this piece itself.
        spans.append((start, end))
    return spans[::-1]


def _check_inclusion_args(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise MalformedProof(f"leaf index {index} is outside a tree of {size} leaves")


def _check_consistency_args(size1: int, size2: int) -> None:
    # RFC 9162 defines PROOF(m, D[n]) for 0 < m: every tree is consistent with the empty one,
    # so a proof from size 0 would prove nothing.
    if size1 <= 0:
        raise MalformedProof(f"a consistency proof needs a non-empty first tree, not size {size1}")
    if size1 > size2:
        raise MalformedProof(f"the first tree ({size1} leaves) is larger than the second ({size2})")


def inclusion_proof_nodes(index: int, size: int) -> set[Node]:
    _check_inclusion_args(index, size)
    return _needed(_inclusion_spans(index, size))


def inclusion_proof(index: int, size: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162, 2.1.3.1)."""
    _check_inclusion_args(index, size)
    return [_subtree_hash(span, nodes) for span in _inclusion_spans(index, size)]


def consistency_proof_nodes(size1: int, size2: int) -> set[Node]:
    _check_consistency_args(size1, size2)
    return _needed(_consistency_spans(size1, size2))


def consistency_proof(size1: int, size2: int, nodes: Mapping[Node, bytes]) -> list[bytes]:
    """The proof that the tree of ``size2`` leaves extends the one of ``size1`` (RFC 9162, 2.1.4.1)."""
    _check_consistency_args(size1, size2)
    return [_subtree_hash(span, nodes) for span in _consistency_spans(size1, size2)]


# -- verification (RFC 9162, 2.1.3.2 and 2.1.4.2) -------------------------------------------------


def _check_hashes(what: str, hashes: Iterable[bytes]) -> None:
    for digest in hashes:
        if not isinstance(digest, bytes) or len(digest) != HASH_SIZE:
            raise MalformedProof(f"{what} must be {HASH_SIZE}-byte SHA-256 hashes")


def _shift_to_set_bit(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until LSB(fn) is set or fn is 0: skip levels where the path has no sibling."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with head ``root``."""
    _check_hashes("the leaf hash", [leaf_hash])
    _check_hashes("the proof", proof)
    # 1. leaf_index must be below tree_size.
    _check_inclusion_args(index, size)
    if len(proof) != len(_inclusion_spans(index, size)):
        raise MalformedProof(f"an inclusion proof for leaf {index} of {size} has a different length")
    # 2.-3.
    fn, sn, r = index, size - 1, leaf_hash
    # 4.
    for p in proof:
        if sn == 0:  # a.
            raise InvalidProof("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:  # b.
            r = node_hash(p, r)
            if not fn & 1:
                fn, sn = _shift_to_set_bit(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1  # c.
    # 5.
    if sn != 0 or r != root:
        raise InvalidProof(f"the proof does not lead from leaf {index} to the root of tree size {size}")


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """Check that the tree of ``size2`` leaves with head ``root2`` extends the one of ``size1``."""
    _check_consistency_args(size1, size2)
    if size1 == size2:
        # PROOF(m, D[m]) is empty: the trees are the same one exactly when their heads are.
        if proof:
            raise MalformedProof("trees of the same size need an empty consistency proof")
        if root1 != root2:
            raise InvalidProof(f"two different roots for tree size {size1}")
        return
    _check_hashes("the proof", proof)
    # 1. (an empty proof fails the length check too)
    if len(proof) != len(_consistency_spans(size1, size2)):
        raise MalformedProof(f"a consistency proof from {size1} to {size2} has a different length")
    # 2. A perfect first tree is a node of the second: its own head starts the path.
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    # 3.-4.
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    # 5.
    fr = sr = path[0]
    # 6.
    for c in path[1:]:
        if sn == 0:  # a.
            raise InvalidProof("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:  # b.
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                fn, sn = _shift_to_set_bit(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1  # c.
    # 7.
    if sn != 0 or fr != root1 or sr != root2:
        raise InvalidProof(f"the proof does not show tree size {size2} extends tree size {size1}")
