"""``ecoreg audit``: a clean history verifies; each row altered behind the registry's back is named.

Rows are altered with raw SQL on the test's connection, which the command's own session shares, so
the audit reads exactly what a tamperer left behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import bindparam, select, text

from labels.certification.workflow import transition_label
from labels.trust.merkle import leaf_hash
from labels.trust.statuslist import empty_bits
from models import Label, Product, Scheme, SignedRecord, User
from models.base import UTCDateTime
from tests.helpers import make_label, make_org, make_product, make_scheme, make_user, principal


@dataclass
class World:
    scheme: Scheme
    products: list[Product]
    holder: User
    reviewer: User

    def issue(self, session, products=None) -> Label:
        label = make_label(session, self.holder, self.scheme, products or self.products[:1], self.reviewer)
        session.flush()
        return label

    def change(self, session, label: Label, action: str, reason: str = "kiểm tra đột xuất") -> None:
        transition_label(session, principal(self.reviewer), label.label_number, action, reason)
        session.flush()


@pytest.fixture
def w(session) -> World:
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    return World(
        scheme=make_scheme(session, certifier, "green"),
        products=[make_product(session, enterprise) for _ in range(2)],
        holder=make_user(session, enterprise, "enterprise"),
        reviewer=make_user(session, certifier, "certifier"),
    )


def audit(runner):
    return runner.invoke(args=["audit"])


def tampered(runner, *rows: str) -> str:
    """Run the audit, expect it to fail, and expect each ``rows`` text on a TAMPERED line."""
    result = audit(runner)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("TAMPERED ")]
    for row in rows:
        assert any(row in line for line in lines), f"{row!r} not named in:\n{result.output}"
    return result.output


def where(label: Label) -> str:
    return f"{label.id} ({label.label_number})"


def record_of(session, label: Label) -> SignedRecord:
    return session.scalar(
        select(SignedRecord).where(
            SignedRecord.record_type == "label-credential", SignedRecord.subject == label.label_number
        )
    )


def test_a_clean_history_verifies(runner, session, w):
    # Products named out of GTIN order, a suspension and a withdrawal: all of it must still verify.
    suspended = w.issue(session, sorted(w.products, key=lambda p: p.gtin, reverse=True))
    withdrawn = w.issue(session)
    w.change(session, suspended, "suspend")
    w.change(session, withdrawn, "withdraw", "thu hồi")
    result = audit(runner)
    assert result.exit_code == 0, result.output
    assert "4 records, 5 checkpoints, 2 labels, 0 events checked" in result.output
    assert "everything verifies" in result.output
    assert "TAMPERED" not in result.output


def test_a_labels_changed_validity_is_named(runner, session, w):
    label = w.issue(session)
    session.execute(
        text("UPDATE labels SET valid_until = :until WHERE id = :id").bindparams(
            bindparam("until", type_=UTCDateTime())
        ),
        {"until": label.valid_until + timedelta(days=365), "id": label.id},
    )
    output = tampered(runner, f"labels {where(label)}: valid_until differs from the signed credential")
    assert output.count("TAMPERED") == 1


def test_one_changed_character_of_a_signed_record_is_named(runner, session, w):
    label = w.issue(session)
    record = record_of(session, label)
    changed = record.canonical.replace(b'"type":"EcoLabel"', b'"type":"EcoLabeL"', 1)
    assert len(changed) == len(record.canonical) and changed != record.canonical
    session.execute(
        text("UPDATE signed_records SET canonical = :data WHERE leaf_index = :index"),
        {"data": changed, "index": record.leaf_index},
    )
    row = f"signed_records leaf {record.leaf_index} (label-credential {label.label_number})"
    output = tampered(
        runner, f"{row}: signature does not verify", f"{row}: stored leaf hash is not the data's"
    )
    assert "log_nodes level 0 index 0" in output


def test_a_signed_record_that_is_no_longer_json_is_named_not_a_crash(runner, session, w):
    label = w.issue(session)
    record = record_of(session, label)
    session.execute(
        text("UPDATE signed_records SET canonical = :data WHERE leaf_index = :index"),
        {"data": b"[" + record.canonical[1:], "index": record.leaf_index},
    )
    tampered(
        runner,
        f"signed_records leaf {record.leaf_index} (label-credential {label.label_number})",
        f"labels {where(label)}",
    )


def test_a_deleted_signed_record_is_named_as_a_gap(runner, session, w):
    first, second = w.issue(session), w.issue(session)
    w.issue(session)
    session.execute(text("DELETE FROM signed_records WHERE leaf_index = 0"))
    tampered(
        runner,
        f"signed_records leaf 1 (label-credential {second.label_number}): expected leaf 0",
        f"labels {where(first)}: no signed credential",
    )


def test_a_changed_log_node_is_named(runner, session, w):
    w.issue(session)
    w.issue(session)
    session.execute(
        text('UPDATE log_nodes SET hash = :hash WHERE level = 1 AND "index" = 0'), {"hash": bytes(32)}
    )
    output = tampered(runner, "log_nodes level 1 index 0: stored hash differs")
    assert output.count("TAMPERED") == 1


def test_a_changed_checkpoint_root_is_named(runner, session, w):
    w.issue(session)
    w.issue(session)
    session.execute(
        text("UPDATE log_checkpoints SET root_hash = :root WHERE tree_size = 1"), {"root": bytes(32)}
    )
    output = tampered(runner, "log_checkpoints tree size 1: row differs from its signed note")
    assert output.count("TAMPERED") == 1


def test_cleared_status_list_bits_are_named(runner, session, w):
    label = w.issue(session)
    w.change(session, label, "suspend")
    session.execute(
        text('UPDATE status_lists SET bits = :bits WHERE purpose = :purpose AND "group" = 1'),
        {"bits": empty_bits(), "purpose": "suspension"},
    )
    tampered(
        runner,
        "status_lists suspension-1: stored bits differ from the signed list",
        f"labels {where(label)}: status 'suspended' disagrees with the suspension list",
    )


@pytest.mark.parametrize(("status", "purpose"), [("suspended", "suspension"), ("withdrawn", "revocation")])
def test_a_label_status_changed_without_its_lists_is_named(runner, session, w, status, purpose):
    label = w.issue(session)
    session.execute(
        text("UPDATE labels SET status = :status WHERE id = :id"), {"status": status, "id": label.id}
    )
    output = tampered(runner, f"labels {where(label)}: status '{status}' disagrees with the {purpose} list")
    assert output.count("TAMPERED") == 1


def test_a_history_across_key_rotations_verifies(runner, session, w):
    before = w.issue(session)
    for purpose in ("credential", "log"):
        result = runner.invoke(args=["keys", "rotate", "--purpose", purpose])
        assert result.exit_code == 0, result.output
    w.issue(session)
    w.change(session, before, "suspend")
    listed = runner.invoke(args=["keys", "list"]).output.splitlines()
    assert sorted(line.split()[2] for line in listed) == ["active", "active", "rotated", "rotated"]
    result = audit(runner)
    assert result.exit_code == 0, result.output
    # Two labels and a status change, and each rotation announced in the log with its own checkpoint.
    assert "5 records, 6 checkpoints, 2 labels, 0 events checked" in result.output


# --- traceability events ---------------------------------------------------------------------------


@pytest.fixture
def captured(session):
    from labels.traceability.capture import capture
    from tests.epcis_samples import document, gtin, item, object_event, transformation

    org = make_org(session, "enterprise")
    user = make_user(session, org, "enterprise")
    other = make_org(session, "enterprise")
    session.flush()
    shirt = gtin(org.gs1_company_prefix, 3)
    events = [
        object_event([item(shirt, "A1"), item(shirt, "A2")]),
        transformation([item(shirt, "A1")], [item(shirt, "B1")]),
    ]
    capture(session, principal(user), org, document(*events))
    session.flush()
    return {"other": other, "shirt": shirt}


def test_captured_events_pass_the_audit(runner, captured):
    result = audit(runner)
    assert result.exit_code == 0, result.output
    assert ", 2 events checked" in result.output


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("UPDATE epcis_events SET document = replace(document, 'A2', 'A9')", "differs from the bytes"),
        ("UPDATE epcis_events SET organisation_id = :other", "organisation differs"),
        ("DELETE FROM epcis_event_identifiers WHERE canonical LIKE '%/21/A2'", "identifier index differs"),
        ("UPDATE epcis_events SET leaf_index = leaf_index + 100000", "no signed receipt"),
    ],
)
def test_each_tampered_event_row_is_named(runner, session, captured, change, problem):
    session.execute(text(change), {"other": captured["other"].id} if ":other" in change else {})
    output = tampered(runner, "epcis_events")
    assert problem in output


# --- signatures verified in other processes (--jobs) -------------------------------------------------


@pytest.fixture
def one_record_a_chunk(monkeypatch):
    """Each record its own chunk, so that with --jobs 2 both worker processes get some of a small log."""
    from labels.integrity.audit import _Verifier

    monkeypatch.setattr(_Verifier, "CHUNK", 1)


def tampered_lines(runner, jobs: int) -> list[str]:
    result = runner.invoke(args=["audit", "--jobs", str(jobs)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line.startswith("TAMPERED ")]


def test_a_clean_history_verifies_in_two_processes(runner, session, w, one_record_a_chunk):
    for _ in range(3):
        w.issue(session)
    result = runner.invoke(args=["audit", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "3 records, 4 checkpoints, 3 labels, 0 events checked" in result.output


def test_tampered_signatures_are_named_alike_in_one_and_two_processes(runner, session, w, one_record_a_chunk):
    labels = [w.issue(session) for _ in range(6)]
    records = [record_of(session, label) for label in labels]
    # Record 1 carries record 4's signature; record 3's text changed and its leaf hash with it, so
    # that only the signature can tell; record 5 is no longer JSON.
    other = json.loads(records[4].canonical)["proof"]["proofValue"]
    mine = json.loads(records[1].canonical)["proof"]["proofValue"]
    changed = {
        1: records[1].canonical.replace(mine.encode(), other.encode()),
        3: records[3].canonical.replace(b'"type":"EcoLabel"', b'"type":"EcoLabeL"', 1),
        5: b"[" + records[5].canonical[1:],
    }
    for position, data in changed.items():
        session.execute(
            text("UPDATE signed_records SET canonical = :data, leaf_hash = :hash WHERE leaf_index = :index"),
            {"data": data, "hash": leaf_hash(data), "index": records[position].leaf_index},
        )
    in_one, in_two = tampered_lines(runner, 1), tampered_lines(runner, 2)
    assert in_two == in_one
    signatures = [line for line in in_one if "signature does not verify" in line]
    assert signatures == [
        f"TAMPERED signed_records leaf {records[1].leaf_index} (label-credential {labels[1].label_number}): "
        "signature does not verify (InvalidSignature)",
        f"TAMPERED signed_records leaf {records[3].leaf_index} (label-credential {labels[3].label_number}): "
        "signature does not verify (InvalidSignature)",
        f"TAMPERED signed_records leaf {records[5].leaf_index} (label-credential {labels[5].label_number}): "
        "signature does not verify (JSONDecodeError)",
    ]
    assert not any("stored leaf hash" in line for line in in_one)
    assert any(line.startswith("TAMPERED log_nodes") for line in in_one)  # the leaf hashes changed
