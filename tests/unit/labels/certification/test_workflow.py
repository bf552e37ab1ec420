"""The certification workflow at service level: numbers, validity, expiry at the boundary instant,
status changes, renewal and criteria versions, with the clock given explicitly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from labels.certification import catalogue
from labels.certification.applications import criteria_results
from labels.certification.numbers import next_label_number
from labels.certification.schemes import add_criteria_version
from labels.certification.workflow import (
    add_months,
    effective_status,
    start_renewal,
    transition_application,
    transition_label,
)
from labels.common.counters import next_in_series
from labels.errors import Conflict, IllegalTransition, InvalidInput, PermissionDenied
from models import ApplicationEvent, AuditEntry, Label
from tests.helpers import (
    CRITERIA,
    make_application,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_user,
    principal,
)

MICROSECOND = timedelta(microseconds=1)


@pytest.fixture
def parties(session):
    certifier_org = make_org(session, "certifier")
    enterprise = make_org(session, "enterprise")
    return {
        "certifier_org": certifier_org,
        "enterprise": enterprise,
        "reviewer": make_user(session, certifier_org, "certifier"),
        "applicant": make_user(session, enterprise, "enterprise"),
        "product": make_product(session, enterprise, published=True),
        "scheme": make_scheme(session, certifier_org, "green", validity_months=36),
    }


def approved(session, parties, **kwargs):
    return make_application(
        session,
        parties["applicant"],
        kwargs.pop("scheme", parties["scheme"]),
        [parties["product"]],
        until="approved",
        reviewer=parties["reviewer"],
        **kwargs,
    )


def issue(session, parties, application, now):
    transition_application(session, principal(parties["reviewer"]), application.id, "issue", now=now)
    session.flush()
    return session.scalar(select(Label).where(Label.application_id == application.id))


def take_through(session, parties, application, now=None):
    """submit, start_review, approve, issue: the renewal's path."""
    applicant, reviewer = principal(parties["applicant"]), principal(parties["reviewer"])
    for action, actor in [("submit", applicant), ("start_review", reviewer), ("approve", reviewer)]:
        transition_application(session, actor, application.id, action)
    return issue(session, parties, application, now)


# --- numbers ---------------------------------------------------------------------------------------


def test_numbers_count_up_per_series_and_each_series_starts_at_one(session):
    assert [next_in_series(session, "TEST-A") for _ in range(3)] == [1, 2, 3]
    assert next_in_series(session, "TEST-B") == 1
    assert next_in_series(session, "TEST-A") == 4
    assert next_in_series(session, "TEST-B") == 2


def test_a_label_number_carries_province_prefix_year_and_a_six_digit_serial(session):
    assert next_label_number(session, "XYZ", 2031) == "DN-XYZ-2031-000001"
    assert next_label_number(session, "XYZ", 2031) == "DN-XYZ-2031-000002"
    assert next_label_number(session, "XYZ", 2032) == "DN-XYZ-2032-000001"


# --- validity --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2026, 3, 15, 10, 30, tzinfo=UTC), 36, datetime(2029, 3, 15, 10, 30, tzinfo=UTC)),
        (datetime(2026, 11, 30, tzinfo=UTC), 2, datetime(2027, 1, 30, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2027, 1, 31, tzinfo=UTC), 13, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2029, 2, 28, tzinfo=UTC)),
    ],
)
def test_validity_adds_calendar_months(start, months, end):
    assert add_months(start, months) == end


def test_issuing_creates_an_active_label_valid_for_the_schemes_months(session, parties):
    application = approved(session, parties)
    now = datetime(2026, 3, 15, 10, 30, tzinfo=UTC)
    label = issue(session, parties, application, now)
    assert label.label_number == "DN-GRN-2026-000001"
    assert (label.valid_from, label.valid_until) == (now, datetime(2029, 3, 15, 10, 30, tzinfo=UTC))
    assert (label.status, label.version, label.replaces_id) == ("active", 1, None)
    assert label.claims == application.claims
    assert [p.gtin for p in label.products] == [parties["product"].gtin]
    assert label.criteria_set_id == application.criteria_set_id
    assert (label.holder_id, label.issuer_id) == (parties["enterprise"].id, parties["certifier_org"].id)
    assert [(e.action, e.to_status, e.actor_user_id) for e in label.events] == [
        ("issue", "active", parties["reviewer"].id)
    ]
    assert application.state == "issued"
    second = issue(session, parties, approved(session, parties), now)
    assert second.label_number == "DN-GRN-2026-000002"


def test_the_year_in_a_label_number_is_the_year_in_vietnam(session, parties):
    before = issue(
        session, parties, approved(session, parties), datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC)
    )
    after = issue(session, parties, approved(session, parties), datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    assert before.label_number == "DN-GRN-2026-000001"
    assert after.label_number == "DN-GRN-2027-000001"


# --- expiry at the boundary instant -------------------------------------------------------------


@pytest.fixture
def label(session, parties):
    return issue(session, parties, approved(session, parties), datetime(2026, 3, 15, 10, 30, tzinfo=UTC))


def test_a_label_reads_expired_from_its_valid_until_instant_on(label):
    end = label.valid_until
    assert effective_status(label, end - MICROSECOND) == "active"
    assert effective_status(label, end) == "expired"
    assert effective_status(label, end + timedelta(days=400)) == "expired"
    assert label.status == "active"  # nothing stored changes: it follows from the clock


def test_a_suspended_label_expires_too_but_a_withdrawn_one_stays_withdrawn(session, parties, label):
    reviewer = principal(parties["reviewer"])
    end = label.valid_until
    transition_label(session, reviewer, label.label_number, "suspend", "audit", now=end - timedelta(days=1))
    assert effective_status(label, end - MICROSECOND) == "suspended"
    assert effective_status(label, end) == "expired"
    transition_label(session, reviewer, label.label_number, "withdraw", "fraud", now=end - MICROSECOND)
    assert effective_status(label, end) == "withdrawn"


def test_a_status_change_at_the_boundary_instant_meets_an_expired_label(session, parties, label):
    reviewer = principal(parties["reviewer"])
    end = label.valid_until
    with pytest.raises(IllegalTransition) as caught:
        transition_label(session, reviewer, label.label_number, "suspend", "too late", now=end)
    assert caught.value.current == "expired"
    assert "'expired'" in caught.value.detail
    assert (caught.value.field, caught.value.rule) == ("state", "transition")
    assert label.status == "active" and label.events[-1].action == "issue"

    transition_label(session, reviewer, label.label_number, "suspend", "just in time", now=end - MICROSECOND)
    assert label.status == "suspended"
    event = label.events[-1]
    assert (event.action, event.from_status, event.to_status, event.reason, event.at) == (
        "suspend",
        "active",
        "suspended",
        "just in time",
        end - MICROSECOND,
    )
    with pytest.raises(IllegalTransition):
        transition_label(session, reviewer, label.label_number, "reinstate", "too late", now=end)


def test_the_catalogue_filters_by_status_as_of_the_given_instant(session, parties, label):
    end = label.valid_until

    def numbers(status, now):
        return [x.label_number for x in session.scalars(catalogue.search(session, status=status, now=now))]

    assert label.label_number in numbers("expired", end)
    assert label.label_number not in numbers("active", end)
    assert label.label_number in numbers("active", end - MICROSECOND)
    assert label.label_number not in numbers("expired", end - MICROSECOND)

    reviewer = principal(parties["reviewer"])
    transition_label(session, reviewer, label.label_number, "suspend", "audit", now=end - timedelta(days=1))
    session.flush()
    assert label.label_number in numbers("suspended", end - MICROSECOND)
    assert label.label_number not in numbers("suspended", end)
    assert label.label_number in numbers("expired", end)

    transition_label(session, reviewer, label.label_number, "withdraw", "fraud", now=end - MICROSECOND)
    session.flush()
    assert label.label_number in numbers("withdrawn", end + timedelta(days=1))
    assert label.label_number not in numbers("expired", end + timedelta(days=1))
    rows = catalogue.open_data_rows(session, now=end, holder=parties["enterprise"].id)
    assert [(r["label_number"], r["status"]) for r in rows] == [(label.label_number, "withdrawn")]


def test_the_catalogue_refuses_an_unknown_status(session):
    with pytest.raises(InvalidInput) as caught:
        catalogue.search(session, status="lost")
    assert [(i.field, i.rule) for i in caught.value.issues] == [("status", "one-of")]


# --- decisions record who, when and why ----------------------------------------------------------


def test_every_transition_records_actor_time_and_reason(session, parties):
    application = make_application(
        session, parties["applicant"], parties["scheme"], [parties["product"]], until="submitted"
    )
    reviewer = principal(parties["reviewer"])
    when = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    transition_application(session, reviewer, application.id, "reject", "  not our product group  ", now=when)
    session.flush()
    event = session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)
    ).all()[-1]
    assert (event.action, event.from_state, event.to_state) == ("reject", "submitted", "rejected")
    assert (event.actor_user_id, event.reason, event.at) == (
        parties["reviewer"].id,
        "not our product group",
        when,
    )
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.target_type == "application", AuditEntry.target_id == str(application.id)
        )
    ).all()
    assert [a.action for a in audit] == ["application.create", "application.submit", "application.reject"]
    assert audit[-1].detail["reason"] == "not our product group"


def test_a_label_status_change_needs_a_reason(session, parties, label):
    with pytest.raises(InvalidInput) as caught:
        transition_label(session, principal(parties["reviewer"]), label.label_number, "suspend", "   ")
    assert [(i.field, i.rule) for i in caught.value.issues] == [("reason", "required")]
    assert label.status == "active"


def test_an_override_reason_is_stored_with_the_approval(session, parties):
    claims = {"criteria": [{"code": "G-01", "value": 50}, {"code": "G-02", "passed": True}]}
    application = make_application(
        session,
        parties["applicant"],
        parties["scheme"],
        [parties["product"]],
        claims,
        until="under_review",
        reviewer=parties["reviewer"],
    )
    reviewer = principal(parties["reviewer"])
    with pytest.raises(InvalidInput) as caught:
        transition_application(session, reviewer, application.id, "approve", override_reason="  ")
    assert [(i.field, i.rule) for i in caught.value.issues] == [
        ("override_reason", "required-for-failing-criteria")
    ]
    assert "G-01" in caught.value.detail
    assert application.state == "under_review"
    transition_application(session, reviewer, application.id, "approve", override_reason="retest pending")
    assert (application.state, application.override_reason) == ("approved", "retest pending")


def test_an_override_reason_is_not_recorded_when_nothing_fails(session, parties):
    application = make_application(
        session,
        parties["applicant"],
        parties["scheme"],
        [parties["product"]],
        until="under_review",
        reviewer=parties["reviewer"],
    )
    assert not [r for r in criteria_results(application) if r.blocks_approval]
    transition_application(
        session, principal(parties["reviewer"]), application.id, "approve", override_reason="just in case"
    )
    assert (application.state, application.override_reason) == ("approved", None)


def test_a_numeric_criterion_must_name_a_claim_the_kind_has(session, parties):
    criterion = {
        "code": "E-9",
        "kind": "numeric",
        "text_vi": "x",
        "text_en": "x",
        "claim": "stars_count",
        "comparator": ">=",
        "threshold": 3,
        "unit": "stars",
    }
    with pytest.raises(InvalidInput) as caught:
        make_scheme(session, parties["certifier_org"], "energy", criteria=[criterion])
    assert [(i.field, i.rule) for i in caught.value.issues] == [("criteria.0.claim", "one-of")]


# --- renewal -----------------------------------------------------------------------------------


def test_a_renewal_of_a_valid_label_is_valid_from_its_issue(session, parties, label):
    applicant = principal(parties["applicant"])
    renewal = start_renewal(
        session, applicant, label.label_number, now=label.valid_until - timedelta(days=30)
    )
    assert (renewal.state, renewal.renews_label_id) == ("draft", label.id)
    assert renewal.claims == label.claims
    assert [p.gtin for p in renewal.products] == [p.gtin for p in label.products]
    issued_at = label.valid_until - timedelta(days=10)
    new = take_through(session, parties, renewal, now=issued_at)
    assert (new.version, new.replaces_id) == (2, label.id)
    assert new.valid_from == issued_at
    assert new.valid_until == add_months(issued_at, label.scheme.validity_months)
    assert effective_status(new, issued_at) == "active"
    assert effective_status(label, label.valid_until - MICROSECOND) == "active"


def test_a_renewal_of_an_expired_label_starts_when_it_is_issued(session, parties, label):
    later = label.valid_until + timedelta(days=20)
    renewal = start_renewal(session, principal(parties["applicant"]), label.label_number, now=later)
    new = take_through(session, parties, renewal, now=later)
    assert (new.valid_from, new.version, new.replaces_id) == (later, 2, label.id)


def test_a_label_is_renewed_once_even_while_the_first_renewal_is_under_way(session, parties, label):
    applicant = principal(parties["applicant"])
    first = start_renewal(session, applicant, label.label_number)
    session.flush()
    with pytest.raises(Conflict) as pending:
        start_renewal(session, applicant, label.label_number)
    assert (pending.value.field, pending.value.rule) == ("label_number", "renewed-once")

    reviewer = principal(parties["reviewer"])
    transition_application(session, applicant, first.id, "submit")
    transition_application(session, reviewer, first.id, "reject", "incomplete")
    session.flush()
    second = start_renewal(session, applicant, label.label_number)  # a rejected renewal does not count
    take_through(session, parties, second)
    with pytest.raises(Conflict) as done:
        start_renewal(session, applicant, label.label_number)
    assert done.value.rule == "renewed-once"


@pytest.mark.parametrize("action", ["suspend", "withdraw"])
def test_a_suspended_or_withdrawn_label_is_not_renewed(session, parties, label, action):
    transition_label(session, principal(parties["reviewer"]), label.label_number, action, "audit")
    with pytest.raises(IllegalTransition) as caught:
        start_renewal(session, principal(parties["applicant"]), label.label_number)
    assert caught.value.current == {"suspend": "suspended", "withdraw": "withdrawn"}[action]


def test_only_the_holder_renews(session, parties, label):
    other = make_user(session, make_org(session, "enterprise"), "enterprise")
    for who in (other, parties["reviewer"]):
        with pytest.raises(PermissionDenied):
            start_renewal(session, principal(who), label.label_number)


# --- criteria versions ---------------------------------------------------------------------------


def test_applications_keep_the_criteria_version_they_started_on(session, parties):
    scheme = parties["scheme"]
    before = make_application(session, parties["applicant"], scheme, [parties["product"]])
    stricter = [dict(c) for c in CRITERIA["green"]]
    stricter[0] = stricter[0] | {"threshold": 95}
    version = add_criteria_version(session, principal(parties["reviewer"]), scheme.code, stricter)
    assert version.version == 2
    after = make_application(session, parties["applicant"], scheme, [parties["product"]])
    assert (before.criteria_set.version, after.criteria_set.version) == (1, 2)
    # The same declared 94.5 % passes version 1 (>= 90) and fails version 2 (>= 95).
    assert criteria_results(before)[0].passed is True
    assert criteria_results(after)[0].passed is False


def test_only_the_schemes_certifiers_and_administrators_publish_criteria(session, parties):
    other_body = make_org(session, "certifier")
    outsider = make_user(session, other_body, "certifier")
    with pytest.raises(PermissionDenied):
        add_criteria_version(session, principal(outsider), parties["scheme"].code, CRITERIA["green"])
    with pytest.raises(PermissionDenied):
        add_criteria_version(
            session, principal(parties["applicant"]), parties["scheme"].code, CRITERIA["green"]
        )
    assert len(parties["scheme"].criteria_sets) == 1


def test_issued_labels_from_demo_helpers_are_numbered_by_kind(session, parties):
    energy = make_scheme(session, parties["certifier_org"], "energy")
    product = make_product(session, parties["enterprise"], published=True)
    first = make_label(session, parties["applicant"], energy, [product], parties["reviewer"])
    green = make_label(session, parties["applicant"], parties["scheme"], [product], parties["reviewer"])
    assert first.label_number.startswith("DN-ENR-") and first.label_number.endswith("-000001")
    assert green.label_number.startswith("DN-GRN-") and green.label_number.endswith("-000001")
