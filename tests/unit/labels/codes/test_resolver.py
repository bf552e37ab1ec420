"""The resolver's verdict on a scanned code, one test per verdict word, with the clock given explicitly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from labels.certification.workflow import transition_label
from labels.codes.lots import create_lot, issue_serials
from labels.codes.resolver import resolve
from labels.codes.verdicts import MESSAGES, NO_LABEL, VERDICTS
from labels.gs1.digital_link import DigitalLink
from models import Serial, utcnow
from tests.helpers import make_label, make_org, make_product, make_scheme, make_user, principal


@pytest.fixture
def world(session):
    certifier = make_org(session, "certifier")
    enterprise = make_org(session, "enterprise")
    applicant = make_user(session, enterprise, "enterprise")
    reviewer = make_user(session, certifier, "certifier")
    product = make_product(session, enterprise, published=True)
    label = make_label(session, applicant, make_scheme(session, certifier, "energy"), [product], reviewer)
    lot = create_lot(session, principal(applicant), product.gtin, "2611A")
    job = issue_serials(session, principal(applicant), lot.id, 2, "unit")
    serials = list(session.scalars(select(Serial).where(Serial.job_id == job.id).order_by(Serial.id)))
    session.flush()
    return {
        "enterprise": enterprise,
        "reviewer": reviewer,
        "product": product,
        "label": label,
        "lot": lot,
        "serials": serials,
    }


def link(gtin, lot=None, serial=None):
    qualifiers = tuple((ai, v) for ai, v in (("10", lot), ("21", serial)) if v is not None)
    return DigitalLink("01", gtin, qualifiers)


def tamper(claim: str) -> str:
    position = len(claim) - 20  # inside the signature
    return claim[:position] + ("B" if claim[position] != "B" else "C") + claim[position + 1 :]


def test_every_verdict_has_a_sentence_in_both_languages():
    assert set(MESSAGES) == set(VERDICTS)
    assert all(vi and en and vi != en for vi, en in MESSAGES.values())


def test_a_labelled_product_is_valid(session, world):
    result = resolve(session, link(world["product"].gtin), None, utcnow())
    assert result.verdict == "valid" and result.genuine is None
    assert result.product == world["product"] and result.holder == world["enterprise"]
    assert [(i.label, i.status) for i in result.labels] == [(world["label"], "active")]
    assert result.message_vi == MESSAGES["valid"][0] and result.message_en == MESSAGES["valid"][1]


def test_a_genuine_serial_with_its_claim_is_valid_and_genuine(session, world):
    serial = world["serials"][0]
    result = resolve(session, link(world["product"].gtin, "2611A", serial.serial), serial.claim, utcnow())
    assert result.verdict == "valid" and result.genuine is True
    assert result.serial_found is True and result.lot == world["lot"]
    assert result.claim_labels == (world["label"].label_number,)


def test_a_tampered_claim_is_forged(session, world):
    serial = world["serials"][0]
    scanned = link(world["product"].gtin, "2611A", serial.serial)
    result = resolve(session, scanned, tamper(serial.claim), utcnow())
    assert result.verdict == "forged" and result.genuine is False
    assert result.message_en == MESSAGES["forged"][1]


def test_a_claim_copied_onto_another_serial_is_forged(session, world):
    first, second = world["serials"]
    result = resolve(session, link(world["product"].gtin, "2611A", second.serial), first.claim, utcnow())
    assert result.verdict == "forged"


def test_a_claim_that_does_not_parse_is_forged(session, world):
    result = resolve(session, link(world["product"].gtin), "not-a-claim", utcnow())
    assert result.verdict == "forged"


def test_a_serial_never_issued_still_shows_the_products_labels(session, world):
    result = resolve(session, link(world["product"].gtin, "2611A", "NEVERISSUED1"), None, utcnow())
    assert result.verdict == "serial-not-issued" and result.serial_found is False
    assert [i.label for i in result.labels] == [world["label"]]
    assert "never issued" in result.message_en


def test_an_issued_serial_in_another_lot_was_never_issued(session, world):
    serial = world["serials"][0]
    result = resolve(session, link(world["product"].gtin, "OTHER", serial.serial), None, utcnow())
    assert result.verdict == "serial-not-issued"


def test_a_suspended_label_makes_the_code_suspended(session, world):
    transition_label(session, principal(world["reviewer"]), world["label"].label_number, "suspend", "audit")
    serial = world["serials"][0]
    result = resolve(session, link(world["product"].gtin, "2611A", serial.serial), serial.claim, utcnow())
    assert result.verdict == "suspended" and result.genuine is True
    assert result.labels[0].status == "suspended"


def test_a_withdrawn_label_makes_the_code_withdrawn(session, world):
    transition_label(session, principal(world["reviewer"]), world["label"].label_number, "withdraw", "fraud")
    assert resolve(session, link(world["product"].gtin), None, utcnow()).verdict == "withdrawn"


def test_a_label_past_its_validity_is_expired(session, world):
    later = world["label"].valid_until + timedelta(seconds=1)
    result = resolve(session, link(world["product"].gtin), None, later)
    assert result.verdict == "expired" and result.labels[0].status == "expired"
    just_before = world["label"].valid_until - timedelta(microseconds=1)
    assert resolve(session, link(world["product"].gtin), None, just_before).verdict == "valid"


def test_an_unknown_gtin_is_not_registered(session, world):
    result = resolve(session, link("09506000134352"), None, utcnow())
    assert result.verdict == "not-registered" and result.product is None and result.labels == ()


def test_a_draft_product_without_a_label_is_not_registered(session, world):
    draft = make_product(session, world["enterprise"], published=False)
    result = resolve(session, link(draft.gtin), None, utcnow())
    assert result.verdict == "not-registered" and result.product is None


def test_a_published_product_without_a_label_is_registered_but_unlabelled(session, world):
    bare = make_product(session, world["enterprise"], published=True)
    result = resolve(session, link(bare.gtin), None, utcnow())
    assert result.verdict == "not-registered" and result.product == bare
    assert (result.message_vi, result.message_en) == NO_LABEL


# --- the facts, and the labels cached per state of the log ------------------------------------------


@pytest.fixture
def statements(session):
    """The SQL statements the test's connection runs, from now on."""
    from sqlalchemy import event

    from labels.codes.resolver import labels_cache

    labels_cache.clear()
    seen: list[str] = []
    connection = session.connection()

    def count(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(connection, "before_cursor_execute", count)
    yield seen
    event.remove(connection, "before_cursor_execute", count)
    labels_cache.clear()


def label_queries(seen: list[str]) -> int:
    """How many times a product's labels were read (not the rows :func:`resolve` then puts in place)."""
    return sum(1 for statement in seen if "JOIN label_products" in statement)


def test_the_facts_say_what_the_rows_say(session, world):
    from labels.codes.resolver import resolve_facts

    serial = world["serials"][0]
    for scanned, claim in (
        (link(world["product"].gtin), None),
        (link(world["product"].gtin, "2611A", serial.serial), serial.claim),
        (link(world["product"].gtin, None, serial.serial), None),
        (link(world["product"].gtin, "2611A", "NEVERISSUED1"), None),
        (link(world["product"].gtin, "OTHER", serial.serial), None),
        (link(world["product"].gtin, "2611A", serial.serial), tamper(serial.claim)),
    ):
        facts, rows = (
            resolve_facts(session, scanned, claim, utcnow()),
            resolve(session, scanned, claim, utcnow()),
        )
        assert (facts.verdict, facts.genuine, facts.serial_found) == (
            rows.verdict,
            rows.genuine,
            rows.serial_found,
        )
        assert (facts.product.id, facts.product.gtin, facts.product.name_vi) == (
            rows.product.id,
            rows.product.gtin,
            rows.product.name_vi,
        )
        assert (facts.holder.legal_name, facts.holder.tax_code) == (
            rows.holder.legal_name,
            rows.holder.tax_code,
        )
        assert [
            (i.label.label_number, i.label.scheme.code, i.label.valid_until, i.status) for i in facts.labels
        ] == [(i.label.label_number, i.label.scheme.code, i.label.valid_until, i.status) for i in rows.labels]
        assert (facts.lot and facts.lot.id) == (rows.lot and rows.lot.id)


def test_the_facts_can_be_read_on_a_core_connection(session, world):
    from labels.codes.resolver import resolve_facts

    serial = world["serials"][0]
    scanned = link(world["product"].gtin, "2611A", serial.serial)
    session.flush()
    on_connection = resolve_facts(session.connection(), scanned, serial.claim, utcnow())
    assert on_connection == resolve_facts(session, scanned, serial.claim, utcnow())
    assert on_connection.verdict == "valid" and on_connection.genuine is True


def test_the_labels_are_read_once_per_state_of_the_log(session, world, statements):
    scanned = link(world["product"].gtin, "2611A", world["serials"][0].serial)
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"
    assert label_queries(statements) == 1
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"
    assert label_queries(statements) == 1
    # A suspension appends to the log in its own transaction: the very next scan reads the labels again.
    transition_label(session, principal(world["reviewer"]), world["label"].label_number, "suspend", "audit")
    assert resolve(session, scanned, None, utcnow()).verdict == "suspended"
    assert label_queries(statements) == 2
    transition_label(session, principal(world["reviewer"]), world["label"].label_number, "reinstate", "ok")
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"


def test_expiry_is_read_against_each_requests_clock_not_cached(session, world, statements):
    scanned = link(world["product"].gtin)
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"
    later = world["label"].valid_until + timedelta(seconds=1)
    assert resolve(session, scanned, None, later).verdict == "expired"
    assert label_queries(statements) == 1


def test_a_log_that_reached_the_same_size_by_other_records_is_another_key(session, world, statements):
    """A restored backup, or a rolled-back transaction: same size, another root, so no stale entry."""
    scanned, number, reviewer = link(world["product"].gtin), world["label"].label_number, world["reviewer"]
    savepoint = session.begin_nested()
    transition_label(session, principal(reviewer), number, "suspend", "audit")
    assert resolve(session, scanned, None, utcnow()).verdict == "suspended"
    savepoint.rollback()
    session.expire_all()
    savepoint = session.begin_nested()
    transition_label(session, principal(reviewer), number, "withdraw", "fraud")
    assert resolve(session, scanned, None, utcnow()).verdict == "withdrawn"
    savepoint.rollback()
    session.expire_all()
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"


def test_a_size_of_the_log_without_its_checkpoint_is_not_cached(session, world, statements):
    from labels.trust import tlog

    tlog.append(session, b"a leaf appended without a checkpoint")
    scanned = link(world["product"].gtin)
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"
    assert resolve(session, scanned, None, utcnow()).verdict == "valid"
    assert label_queries(statements) == 2
