"""The bulk signing path (captures, imports) writes exactly what one-at-a-time signing would."""

from sqlalchemy import select

from labels.integrity.audit import audit
from labels.trust import merkle, tlog
from labels.trust.notary import notary_of
from models import LogNode, SignedRecord, utcnow


def doc(n):
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "n": n}


def test_record_many_appends_consecutive_leaves_with_the_tree_one_by_one_would_build(session):
    notary = notary_of(session)
    start = tlog.size(session)
    notary.record(session, "test", "one", doc(-1), utcnow())  # leave the log at an odd size first
    indexes = []
    # Batches that start and end at every kind of boundary, so completed nodes reach back before them.
    for count in (13, 3, 8, 1, 21, 16, 2):
        logged = notary.record_many(session, "test", [(f"s{i}", doc(i)) for i in range(count)], utcnow())
        indexes += [index for _, index in logged]
    session.flush()
    assert indexes == list(range(start + 1, start + 65))
    assert tlog.size(session) == start + 65

    records = session.scalars(select(SignedRecord).order_by(SignedRecord.leaf_index)).all()
    leaves = [merkle.leaf_hash(r.canonical) for r in records]
    assert [r.leaf_hash for r in records] == leaves
    # Every stored node equals the one the leaves determine, and the root matches a fresh computation.
    stored = {(n.level, n.index): n.hash for n in session.scalars(select(LogNode))}
    for (level, index), value in stored.items():
        span = leaves[index << level : (index + 1) << level]
        assert merkle.root_of(span) == value, (level, index)
    assert tlog.root(session, len(leaves)) == merkle.root_of(leaves)


def test_records_signed_in_bulk_pass_the_audit(session):
    notary = notary_of(session)
    notary.record_many(session, "test", [(f"a{i}", doc(i)) for i in range(5)], utcnow())
    notary.checkpoint(session)
    session.flush()
    report = audit(session)
    assert report.ok, [str(f) for f in report.findings]
    assert report.records >= 5


def test_an_empty_batch_changes_nothing(session):
    before = tlog.size(session)
    assert notary_of(session).record_many(session, "test", [], utcnow()) == []
    assert tlog.size(session) == before
