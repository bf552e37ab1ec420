"""The transparency log in the database: append leaves, publish signed checkpoints, serve proofs.

The tree is stored as the hashes of its perfect subtrees (``log_nodes``), so a proof reads
O(log n) rows in one query (see :mod:`labels.trust.merkle`). Appends lock the single ``log_state`` row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite transactions begin IMMEDIATE and so run one writer
at a time): two workers appending at once can neither fork the log nor skip an index.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from labels.errors import InvalidInput, NotFound
from labels.trust import merkle
from labels.trust.checkpoint import checkpoint_body, sign_note
from models import LogCheckpoint, LogNode, LogState, SignedRecord, SigningKey

Node = tuple[int, int]


def _state(session: Session, lock: bool) -> LogState:
    query = select(LogState).where(LogState.id == 1)
    state = session.scalar(query.with_for_update() if lock else query)
    if state is None:  # the migration creates the row; a test database built otherwise may lack it
        state = LogState(id=1, size=0)
        session.add(state)
        session.flush()
    return state


def lock(session: Session) -> None:
    """Take the log lock now (it is held until the commit): appends after this see no other writer."""
    _state(session, lock=True)


def size(session: Session) -> int:
    return _state(session, lock=False).size


def fetch_nodes(session: Session, wanted: Iterable[Node]) -> dict[Node, bytes]:
    by_level: dict[int, list[int]] = {}
    for level, index in set(wanted):
        by_level.setdefault(level, []).append(index)
    if not by_level:
        return {}
    # One "level = ? AND index IN (...)" per level: each uses the primary key. A row-value IN over
    # (level, index) would be simpler to write, but SQLite answers it by scanning the whole table.
    condition = or_(
        *(and_(LogNode.level == level, LogNode.index.in_(indexes)) for level, indexes in by_level.items())
    )
    rows = session.execute(select(LogNode.level, LogNode.index, LogNode.hash).where(condition))
    return {(level, index): digest for level, index, digest in rows}


def append(session: Session, data: bytes) -> tuple[int, bytes]:
    """Append one leaf; returns its index and leaf hash. Holds the log lock until the commit."""
    state = _state(session, lock=True)
    index = state.size
    digest = merkle.leaf_hash(data)
    known = fetch_nodes(session, merkle.append_needs(index))
    for (level, node_index), node in merkle.appended_nodes(index, digest, lambda lv, ix: known[(lv, ix)]):
        session.add(LogNode(level=level, index=node_index, hash=node))
    state.size = index + 1
    return index, digest


def append_many(session: Session, leaves: list[bytes]) -> list[tuple[int, bytes]]:
    """Append leaves in order, like :func:`append` each, but with one read and one multi-row insert.

    A leaf of the batch completes nodes whose left halves are either computed earlier in the batch
    or among the perfect subtrees of the log as it stood (its root nodes), so the database is read
    once, for those. Holds the log lock until the commit.
    """
    if not leaves:
        return []
    state = _state(session, lock=True)
    start = state.size
    known = fetch_nodes(session, merkle.root_nodes(start))
    rows, appended = [], []
    for offset, data in enumerate(leaves):
        index, digest = start + offset, merkle.leaf_hash(data)
        for (level, node_index), node in merkle.appended_nodes(index, digest, lambda lv, ix: known[(lv, ix)]):
            known[(level, node_index)] = node
            rows.append({"level": level, "index": node_index, "hash": node})
        appended.append((index, digest))
    # Core on the table: the ORM's bulk insert costs several microseconds more a row, for rows that need
    # nothing from it (the nodes of this batch are new; nothing pending refers to them).
    session.execute(insert(LogNode.__table__), rows)
    state.size = start + len(leaves)
    return appended


def root(session: Session, tree_size: int) -> bytes:
    return merkle.root_from(tree_size, fetch_nodes(session, merkle.root_nodes(tree_size)))


def publish_checkpoint(session: Session, origin: str, key: SigningKey, private_key) -> LogCheckpoint:
    """Sign a checkpoint of the log as it now is (idempotent for a size already published)."""
    current = size(session)
    existing = session.get(LogCheckpoint, current)
    if existing is not None:
        return existing
    digest = root(session, current)
    note = sign_note(checkpoint_body(origin, current, digest), origin, private_key)
    checkpoint = LogCheckpoint(tree_size=current, root_hash=digest, note=note, key_id=key.id)
    session.add(checkpoint)
    return checkpoint


def leaf_data(session: Session, index: int) -> bytes:
    data = session.scalar(select(SignedRecord.canonical).where(SignedRecord.leaf_index == index))
    if data is None:
        raise NotFound(f"no leaf {index}")
    return data


def latest_checkpoint(session: Session) -> LogCheckpoint:
    checkpoint = session.scalar(select(LogCheckpoint).order_by(LogCheckpoint.tree_size.desc()).limit(1))
    if checkpoint is None:
        raise NotFound("the log has no checkpoint yet")
    return checkpoint


def _checked_size(session: Session, tree_size: int | None, field: str) -> int:
    current = size(session)
    if tree_size is None:
        return latest_checkpoint(session).tree_size
    if not 1 <= tree_size <= current:
        raise InvalidInput.one(field, "range", f"{field} is between 1 and the log size {current}")
    return tree_size


def inclusion(session: Session, leaf_index: int, tree_size: int | None = None) -> dict:
    """``{leaf_index, tree_size, leaf_hash, hashes}``; the size defaults to the latest checkpoint."""
    tree_size = _checked_size(session, tree_size, "tree_size")
    if not 0 <= leaf_index < tree_size:
        raise InvalidInput.one("index", "range", f"the leaf index is below the tree size {tree_size}")
    nodes = fetch_nodes(session, merkle.inclusion_proof_nodes(leaf_index, tree_size) | {(0, leaf_index)})
    return {
        "leaf_index": leaf_index,
        "tree_size": tree_size,
        "leaf_hash": nodes[(0, leaf_index)],
        "hashes": merkle.inclusion_proof(leaf_index, tree_size, nodes),
    }


def consistency(session: Session, first: int, second: int) -> dict:
    second = _checked_size(session, second, "second")
    if not 1 <= first <= second:
        raise InvalidInput.one("first", "range", "first is between 1 and second")
    nodes = fetch_nodes(session, merkle.consistency_proof_nodes(first, second))
    return {"first": first, "second": second, "hashes": merkle.consistency_proof(first, second, nodes)}
