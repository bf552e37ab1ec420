"""Tenancy: every API endpoint x every role x own / other tenant.

The world: two enterprises, A and B, each with a member, a draft (private) and a published product;
a retailer, a certifier, a certifier of another certification body and an administrator. A has a
draft application with evidence (private to A's members), a submitted one with evidence (visible
to A's members and the scheme's certifiers) and an issued carbon label (public). The retailer watches
A's published product and a label of B's (suspended, so it has a notice), with a webhook endpoint
(private to the retailer). Each case below targets enterprise A's data (or the retailer's) and says
which callers may succeed. Everyone else must be refused (401, 403, 404 or 422), must not find A's
private markers anywhere in the response, and must leave A's data unchanged.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from sqlalchemy import select
from sqlalchemy.orm import object_session

from app import create_app  # noqa: F401 - imported so a broken app fails here, not obscurely
from labels.certification.applications import add_evidence
from labels.certification.evidence import FileSystemEvidenceStore
from labels.certification.workflow import transition_label
from labels.codes.lots import create_lot, issue_serials
from labels.gs1.identifiers import make_gln, make_gtin
from labels.notices import watchlists, webhooks
from labels.plan import declarations, model_projects
from labels.plan.indicators import current_year
from labels.plan.reports import start_report, submit_report, update_report
from labels.plan.seed import get_plan, load_plan
from labels.registry.permissions import SYSTEM
from labels.traceability import named_queries
from labels.traceability.capture import capture
from models import (
    ApiToken,
    Application,
    CriteriaSet,
    EpcisEvent,
    Evidence,
    Label,
    LabelKind,
    Lot,
    NamedQuery,
    Notification,
    Organisation,
    Product,
    Scheme,
    Serial,
    SerialJob,
    Watch,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.epcis_samples import document as epcis_document
from tests.epcis_samples import lot as epcis_lot
from tests.epcis_samples import object_event, transformation
from tests.helpers import (
    CRITERIA,
    PASSWORD,
    bearer,
    evidence_dir,
    good_claims,
    make_application,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
    principal,
)

ROLES = ("anonymous", "member_a", "member_b", "retailer", "certifier", "other_certifier", "admin", "reporter")
PDF = b"%PDF-1.7\n"


@dataclass
class World:
    a: Organisation
    b: Organisation
    draft_a: Product
    published_a: Product
    tokens: dict[str, str | None]
    user_ids: dict[str, int]
    token_ids: dict[str, int] = field(default_factory=dict)
    certifier: Organisation | None = None
    scheme: Scheme | None = None
    draft_application: Application | None = None
    submitted_application: Application | None = None
    draft_evidence: Evidence | None = None
    submitted_evidence: Evidence | None = None
    label: Label | None = None
    lot: Lot | None = None
    serial: str = ""
    capture_job_id: int = 0
    # The retailer's watchlist: a watch, a webhook endpoint, a notice (of B's label, suspended).
    retailer: Organisation | None = None
    watch_id: int = 0
    endpoint_id: int = 0
    notification_id: int = 0
    # An agency's reporter: a draft report of this year (private), a submitted one of last year.
    agency: Organisation | None = None
    draft_report_id: int = 0
    submitted_report_id: int = 0
    declaration_id: int = 0
    model_id: int = 0

    def private_markers(self) -> list[str]:
        """Strings that only those allowed into A's private data may ever see."""
        return [
            self.draft_a.gtin,
            self.draft_a.name_vi,
            f"user-a-{self.a.id}@",
            draft_secret(self.a),
            evidence_secret(self.a),
            lot_secret(self.a),
            epcis_secret(self.a),
            # The retailer's too, for the watchlist cases (allowed to the retailer alone): where its
            # systems listen.
            retailer_hook_secret(self.retailer),
            # The agency's draft report (allowed to its reporter alone).
            plan_secret(self.agency),
            # A's consumption declaration.
            declaration_secret(self.a),
        ]


def draft_secret(a: Organisation) -> str:
    """Written in A's draft application's claims."""
    return f"Kiểm định nội bộ bí mật A-{a.id}"


def evidence_secret(a: Organisation) -> str:
    """Written in the evidence file of A's draft application."""
    return f"evidence-secret-A-{a.id}"


def retailer_hook_secret(retailer: Organisation) -> str:
    """In the path of the retailer's webhook endpoint."""
    return f"retailer-hook-{retailer.id}"


def declaration_secret(a: Organisation) -> str:
    """A material in A's consumption declaration."""
    return f"vat-lieu-bi-mat-A-{a.id}"


def plan_secret(agency: Organisation) -> str:
    """Written in the agency's draft report."""
    return f"Báo cáo nháp nội bộ {agency.id}"


def draft_claims(w: World) -> dict:
    return good_claims("carbon") | {"assurance_provider": draft_secret(w.a)}


@pytest.fixture(autouse=True)
def evidence_store(app, tmp_path):
    with evidence_dir(app, tmp_path / "evidence") as path:
        yield FileSystemEvidenceStore(path)


@pytest.fixture
def world(app, session, evidence_store) -> World:
    a = make_org(session, "enterprise", sector="food")
    b = make_org(session, "enterprise", sector="food")
    retailer, certifier, other_body, authority = (
        make_org(session, "retailer"),
        make_org(session, "certifier"),
        make_org(session, "certifier"),
        make_org(session, "authority"),
    )
    users = {
        "member_a": make_user(session, a, "enterprise", email=f"user-a-{a.id}@example.vn"),
        "member_b": make_user(session, b, "enterprise"),
        "retailer": make_user(session, retailer, "retailer"),
        "certifier": make_user(session, certifier, "certifier"),
        "other_certifier": make_user(session, other_body, "certifier"),
        "admin": make_user(session, authority, "admin"),
    }
    load_plan(session, SYSTEM)
    agency = session.scalar(select(Organisation).where(Organisation.code == "so-tai-nguyen-moi-truong"))
    users["reporter"] = make_user(session, agency, "reporter")
    tokens = {role: make_token(session, user) for role, user in users.items()} | {"anonymous": None}
    draft = make_product(session, a, number=1, name_vi="Bánh pía nháp bí mật")
    published = make_product(session, a, number=2, published=True, name_vi="Bánh pía Long Khánh")
    make_product(session, b, number=1, name_vi="Sản phẩm của B")
    token_ids = {
        role: session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
        for role, user in users.items()
    }
    world = World(a, b, draft, published, tokens, {r: u.id for r, u in users.items()}, token_ids)
    world.certifier = certifier
    world.scheme = make_scheme(session, certifier, "carbon")
    member_a = users["member_a"]
    world.draft_application = make_application(session, member_a, world.scheme, [draft], draft_claims(world))
    world.submitted_application = make_application(
        session, member_a, world.scheme, [published], until="submitted"
    )

    def evidence(application, content):
        limit = app.config["EVIDENCE_MAX_BYTES"]
        found = add_evidence(
            session, principal(member_a), application.id, "r.pdf", content, evidence_store, limit
        )
        session.flush()
        return found

    world.draft_evidence = evidence(world.draft_application, PDF + evidence_secret(a).encode())
    world.submitted_evidence = evidence(world.submitted_application, PDF + b"submitted evidence")
    world.label = make_label(session, member_a, world.scheme, [published], users["certifier"])
    world.lot = create_lot(session, principal(member_a), published.gtin, lot_secret(a))
    job = issue_serials(session, principal(member_a), world.lot.id, 1, "tenancy")
    world.serial = session.scalar(select(Serial.serial).where(Serial.job_id == job.id))
    made = transformation([epcis_lot(published.gtin, epcis_secret(a))], [traced_item(world)])
    world.capture_job_id = capture(session, principal(member_a), a, epcis_document(made)).id
    saved_query = {"MATCH_epcClass": [epcis_lot(published.gtin, epcis_secret(a))]}
    named_queries.create(session, principal(member_a), f"walk-{a.id}", saved_query)
    world.retailer = retailer
    _watchlist(session, world, users)
    _plan_reports(session, world, agency, users)
    session.flush()
    return world


def _declaration(a: Organisation, year: int) -> dict:
    return {
        "organisation_id": a.id,
        "sector": "textiles",
        "year": year,
        "output_quantity": 100,
        "output_unit": "t",
        "inputs": [{"kind": "material", "name": declaration_secret(a), "quantity": 90, "unit": "t"}],
    }


def _plan_reports(session, world: World, agency: Organisation, users) -> None:
    """A complete draft for this year (private), and last year's report submitted for review."""
    world.agency = agency
    plan = get_plan(session)
    model = {"organisation_id": world.a.id, "name_vi": "Mô hình A", "model_type": "other", "start_year": 2023}
    world.model_id = model_projects.register_model(session, principal(users["member_a"]), plan, model).id
    world.declaration_id = declarations.declare(
        session, principal(users["member_a"]), plan, _declaration(world.a, current_year() - 1)
    ).id
    this_year = current_year()
    reporter = users["reporter"]
    for year, summary in ((this_year - 1, "Đã gửi"), (this_year, plan_secret(agency))):
        report = start_report(session, principal(reporter), plan, agency.id, year)
        session.flush()
        tasks = [{"task_id": row.task_id, "progress": "done", "done_vi": "Đã làm"} for row in report.tasks]
        update_report(session, principal(reporter), report.id, summary, tasks, {"supermarkets-inspected": 12})
        if year < this_year:
            submit_report(session, principal(reporter), report.id)
            world.submitted_report_id = report.id
        else:
            world.draft_report_id = report.id


def _watchlist(session, world: World, users) -> None:
    """The retailer watches A's published product and a label of B's that was then suspended: a notice
    and a delivery to its webhook endpoint."""
    buyer = principal(users["retailer"])
    world.watch_id = watchlists.watch(session, buyer, gtin=world.published_a.gtin).id
    url = f"https://hooks.example.vn/{retailer_hook_secret(world.retailer)}"
    world.endpoint_id = webhooks.create_endpoint(session, buyer, url).id
    b_product = make_product(session, world.b, number=2, published=True, name_vi="Bánh của B")
    b_label = make_label(session, users["member_b"], world.scheme, [b_product], users["certifier"])
    watchlists.watch(session, buyer, label_number=b_label.label_number)
    transition_label(session, principal(users["certifier"]), b_label.label_number, "suspend", "kiểm tra")
    session.flush()
    world.notification_id = session.scalar(
        select(Notification.id).where(Notification.organisation_id == world.retailer.id)
    )


def lot_secret(organisation) -> str:
    return f"LOTA{organisation.id}X"


def epcis_secret(organisation) -> str:
    """The lot number of an input in A's private traceability event."""
    return f"EPCISA{organisation.id}S"


def traced_item(w: World) -> str:
    """An item of A's published product, made (in A's private event) from A's secret input lot."""
    return f"https://id.gs1.org/01/{w.published_a.gtin}/21/TRACED1"


def _new_event(w: World) -> dict:
    return epcis_document(object_event([f"https://id.gs1.org/01/{w.published_a.gtin}/21/NEW1"]))


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    path: object  # callable(world) -> str
    allowed: frozenset[str]
    body: object = None  # callable(world) -> dict | None
    files: object = None  # callable(world) -> multipart form data
    headers: object = None  # callable(world) -> extra request headers
    #: for lists open to all: the roles that may see A's private markers in the answer
    sees_private: frozenset[str] | None = None


def _all(*roles):
    return frozenset(roles)


AUTHENTICATED = _all(*ROLES[1:])
LOT_READERS = _all("member_a", "certifier", "other_certifier", "admin")
EVERYONE = frozenset(ROLES)
A_SIDE = _all("member_a", "admin")
RETAILER = _all("retailer")

CASES = [
    Case(
        "GET",
        "/api/v1/organisations",
        lambda w: f"/api/v1/organisations?q={w.a.legal_name}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "POST",
        "/api/v1/organisations",
        lambda w: "/api/v1/organisations",
        _all("admin"),
        body=lambda w: {"kind": "enterprise", "legal_name": "Mới", "tax_code": "0300588569-123"},
    ),
    Case(
        "GET",
        "/api/v1/organisations/<int:organisation_id>",
        lambda w: f"/api/v1/organisations/{w.a.id}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "PATCH",
        "/api/v1/organisations/<int:organisation_id>",
        lambda w: f"/api/v1/organisations/{w.a.id}",
        A_SIDE,
        body=lambda w: {"address": "Địa chỉ mới"},
    ),
    Case(
        "GET",
        "/api/v1/products",
        lambda w: f"/api/v1/products?holder_id={w.a.id}&per_page=200",
        EVERYONE,
        sees_private=_all("member_a", "certifier", "other_certifier", "admin"),
    ),
    Case(
        "POST",
        "/api/v1/products",
        lambda w: "/api/v1/products",
        A_SIDE,
        body=lambda w: {
            "gtin": make_gtin(w.a.gs1_company_prefix, 77),
            "name_vi": "Mới",
            "sector": "food",
            "holder_id": w.a.id,
        },
    ),
    Case(
        "POST",
        "/api/v1/products/import",
        lambda w: "/api/v1/products/import",
        A_SIDE,
        files=lambda w: _import_file(w),
    ),
    Case(
        "GET",
        "/api/v1/products/<string:gtin>",
        lambda w: f"/api/v1/products/{w.draft_a.gtin}",
        _all("member_a", "certifier", "other_certifier", "admin"),
    ),
    Case(
        "PATCH",
        "/api/v1/products/<string:gtin>",
        lambda w: f"/api/v1/products/{w.draft_a.gtin}",
        A_SIDE,
        body=lambda w: {"name_en": "Renamed"},
    ),
    Case(
        "PATCH",
        "/api/v1/products/<string:gtin>",
        lambda w: f"/api/v1/products/{w.published_a.gtin}",
        A_SIDE,
        body=lambda w: {"published": False},
    ),
    Case("GET", "/api/v1/users", lambda w: "/api/v1/users", AUTHENTICATED, sees_private=A_SIDE),
    Case(
        "POST",
        "/api/v1/users",
        lambda w: "/api/v1/users",
        _all("admin"),
        body=lambda w: {"email": "moi@example.vn", "password": PASSWORD},
    ),
    Case(
        "GET", "/api/v1/users/me", lambda w: "/api/v1/users/me", AUTHENTICATED, sees_private=_all("member_a")
    ),
    Case("GET", "/api/v1/users/<int:user_id>", lambda w: f"/api/v1/users/{w.user_ids['member_a']}", A_SIDE),
    Case(
        "POST",
        "/api/v1/users/<int:user_id>/memberships",
        lambda w: f"/api/v1/users/{w.user_ids['member_a']}/memberships",
        _all("admin"),
        body=lambda w: {"organisation_id": w.b.id, "role": "enterprise"},
    ),
    Case("GET", "/api/v1/tokens", lambda w: "/api/v1/tokens", AUTHENTICATED, sees_private=frozenset()),
    Case(
        "POST",
        "/api/v1/tokens",
        lambda w: "/api/v1/tokens",
        AUTHENTICATED,
        body=lambda w: {"name": "mine", "scopes": ["products:read"]},
    ),
    Case("GET", "/api/v1/audit", lambda w: "/api/v1/audit?per_page=200", AUTHENTICATED, sees_private=A_SIDE),
    # Label kinds and schemes: public to read; administrators define them, a scheme's certifiers
    # publish its new criteria versions.
    Case("GET", "/api/v1/label-kinds", lambda w: "/api/v1/label-kinds", EVERYONE, sees_private=frozenset()),
    Case(
        "POST",
        "/api/v1/label-kinds",
        lambda w: "/api/v1/label-kinds",
        _all("admin"),
        body=lambda w: {
            "code": "green-building",
            "number_prefix": "BLD",
            "name_vi": "Xanh",
            "name_en": "Green",
        },
    ),
    Case("GET", "/api/v1/schemes", lambda w: "/api/v1/schemes", EVERYONE, sees_private=frozenset()),
    Case(
        "POST",
        "/api/v1/schemes",
        lambda w: "/api/v1/schemes",
        _all("admin"),
        body=lambda w: {
            "code": "T-NEW",
            "kind_code": "green",
            "iso_type": "I",
            "name_vi": "Mới",
            "name_en": "New",
            "certifier_id": w.certifier.id,
            "criteria": CRITERIA["green"],
        },
    ),
    Case(
        "GET",
        "/api/v1/schemes/<string:code>",
        lambda w: f"/api/v1/schemes/{w.scheme.code}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "POST",
        "/api/v1/schemes/<string:code>/criteria",
        lambda w: f"/api/v1/schemes/{w.scheme.code}/criteria",
        _all("certifier", "admin"),
        body=lambda w: {"criteria": CRITERIA["carbon"]},
    ),
    # Applications: a draft and its evidence are A's alone; once submitted, the scheme's
    # certifiers (and administrators) see them too. Only A's members act for A.
    Case(
        "GET",
        "/api/v1/applications",
        lambda w: "/api/v1/applications?per_page=200",
        AUTHENTICATED,
        sees_private=_all("member_a"),
    ),
    Case(
        "POST",
        "/api/v1/applications",
        lambda w: "/api/v1/applications",
        _all("member_a"),
        body=lambda w: {"applicant_id": w.a.id, "scheme": w.scheme.code, "gtins": [w.published_a.gtin]},
    ),
    Case(
        "GET",
        "/api/v1/applications/<int:application_id>",
        lambda w: f"/api/v1/applications/{w.draft_application.id}",
        _all("member_a"),
    ),
    Case(
        "GET",
        "/api/v1/applications/<int:application_id>",
        lambda w: f"/api/v1/applications/{w.submitted_application.id}",
        _all("member_a", "certifier", "admin"),
    ),
    Case(
        "PATCH",
        "/api/v1/applications/<int:application_id>",
        lambda w: f"/api/v1/applications/{w.draft_application.id}",
        _all("member_a"),
        body=lambda w: {"claims": draft_claims(w) | {"primary_data_share": 70}},
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/evidence",
        lambda w: f"/api/v1/applications/{w.draft_application.id}/evidence",
        _all("member_a"),
        files=lambda w: {"file": (io.BytesIO(PDF + b"more"), "more.pdf")},
    ),
    Case(
        "GET",
        "/api/v1/applications/<int:application_id>/evidence/<int:evidence_id>",
        lambda w: f"/api/v1/applications/{w.draft_application.id}/evidence/{w.draft_evidence.id}",
        _all("member_a"),
    ),
    Case(
        "GET",
        "/api/v1/applications/<int:application_id>/evidence/<int:evidence_id>",
        lambda w: f"/api/v1/applications/{w.submitted_application.id}/evidence/{w.submitted_evidence.id}",
        _all("member_a", "certifier", "admin"),
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/transitions",
        lambda w: f"/api/v1/applications/{w.draft_application.id}/transitions",
        _all("member_a"),
        body=lambda w: {"action": "submit"},
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/transitions",
        lambda w: f"/api/v1/applications/{w.submitted_application.id}/transitions",
        _all("certifier", "admin"),
        body=lambda w: {"action": "start_review"},
    ),
    # Issued labels are public; the issuing body's certifiers change their status, A renews them.
    Case(
        "GET",
        "/api/v1/labels",
        lambda w: f"/api/v1/labels?holder={w.a.id}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/labels/<string:label_number>",
        lambda w: f"/api/v1/labels/{w.label.label_number}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/labels/<string:label_number>/pact",
        lambda w: f"/api/v1/labels/{w.label.label_number}/pact",
        EVERYONE,
        sees_private=frozenset(),
    ),
    # Artwork is public like the label, and needs it active: before the label is suspended below.
    Case(
        "GET",
        "/api/v1/labels/<string:label_number>/artwork.png",
        lambda w: f"/api/v1/labels/{w.label.label_number}/artwork.png?gtin={w.published_a.gtin}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "POST",
        "/api/v1/labels/<string:label_number>/renewal",
        lambda w: f"/api/v1/labels/{w.label.label_number}/renewal",
        _all("member_a"),
    ),
    # Lots and serials are the holder's, seen by certifiers too; before the label is suspended below.
    Case(
        "POST",
        "/api/v1/lots",
        lambda w: "/api/v1/lots",
        A_SIDE,
        body=lambda w: {"gtin": w.published_a.gtin, "lot_number": "L2"},
    ),
    Case("GET", "/api/v1/lots/<int:lot_id>", lambda w: f"/api/v1/lots/{w.lot.id}", LOT_READERS),
    Case(
        "GET", "/api/v1/lots/<int:lot_id>/serials", lambda w: f"/api/v1/lots/{w.lot.id}/serials", LOT_READERS
    ),
    Case(
        "POST",
        "/api/v1/lots/<int:lot_id>/serials",
        lambda w: f"/api/v1/lots/{w.lot.id}/serials",
        A_SIDE,
        body=lambda w: {"count": 2},
        headers=lambda w: {"Idempotency-Key": "walk"},
    ),
    Case(
        "GET",
        "/api/v1/lots/<int:lot_id>/serial-jobs",
        lambda w: f"/api/v1/lots/{w.lot.id}/serial-jobs",
        LOT_READERS,
    ),
    Case(
        "GET",
        "/api/v1/lots/<int:lot_id>/serial-jobs/<int:job_id>",
        lambda w: f"/api/v1/lots/{w.lot.id}/serial-jobs/{_first_job_id(w)}",
        LOT_READERS,
    ),
    Case(
        "GET",
        "/api/v1/lots/<int:lot_id>/serials/<string:serial>/qr",
        lambda w: f"/api/v1/lots/{w.lot.id}/serials/{w.serial}/qr",
        LOT_READERS,
        sees_private=frozenset(),
    ),
    # The sheet prints the lot number, which the lot's readers may see (as with GET /lots/<id>).
    Case(
        "GET",
        "/api/v1/lots/<int:lot_id>/sheet.pdf",
        lambda w: f"/api/v1/lots/{w.lot.id}/sheet.pdf",
        LOT_READERS,
    ),
    Case(
        "POST",
        "/api/v1/labels/<string:label_number>/transitions",
        lambda w: f"/api/v1/labels/{w.label.label_number}/transitions",
        _all("certifier", "admin"),
        body=lambda w: {"action": "suspend", "reason": "market surveillance"},
    ),
    # The trust endpoints are public: anyone verifies, no one learns anything private.
    Case(
        "GET",
        "/api/v1/labels/<string:label_number>/credential",
        lambda w: f"/api/v1/labels/{w.label.label_number}/credential",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/log/checkpoint",
        lambda w: "/api/v1/log/checkpoint",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/log/entries/<int:index>",
        lambda w: "/api/v1/log/entries/0",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/log/proof/inclusion",
        lambda w: f"/api/v1/log/proof/inclusion?label={w.label.label_number}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/log/proof/consistency",
        lambda w: "/api/v1/log/proof/consistency?first=1&second=1",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case("GET", "/api/v1/trust-bundle", lambda w: "/api/v1/trust-bundle", EVERYONE, sees_private=frozenset()),
    Case(
        "GET",
        "/api/v1/log/verifier-keys",
        lambda w: "/api/v1/log/verifier-keys",
        EVERYONE,
        sees_private=frozenset(),
    ),
    # Traceability: A's events are private (A has not published them); only A and administrators see
    # them, in queries, per-EPC lists and journeys alike. Only A's members capture for A.
    Case(
        "GET",
        "/api/v1/trace",
        lambda w: f"/api/v1/trace?id={traced_item(w)}",
        EVERYONE,
        sees_private=A_SIDE,
    ),
    Case(
        "GET",
        "/epcis/events",
        lambda w: f"/epcis/events?MATCH_outputEPC={traced_item(w)}",
        EVERYONE,
        sees_private=A_SIDE,
    ),
    Case(
        "GET",
        "/epcis/epcs/<path:epc>/events",
        lambda w: f"/epcis/epcs/{quote(traced_item(w), safe='')}/events",
        EVERYONE,
        sees_private=A_SIDE,
    ),
    Case(
        "POST",
        "/epcis/capture",
        lambda w: f"/epcis/capture?organisation={w.a.tax_code}",
        _all("member_a"),
        body=_new_event,
    ),
    Case(
        "GET",
        "/epcis/capture/<int:capture_id>",
        lambda w: f"/epcis/capture/{w.capture_job_id}",
        A_SIDE,
    ),
    # A saved query is its owner's: its text names A's private lot, its results A's private event.
    Case(
        "POST",
        "/epcis/queries",
        lambda w: "/epcis/queries",
        AUTHENTICATED,
        body=lambda w: {"name": "walk-new", "query": {"eventType": ["ObjectEvent"]}},
        sees_private=frozenset(),
    ),
    Case("GET", "/epcis/queries", lambda w: "/epcis/queries", AUTHENTICATED, sees_private=_all("member_a")),
    Case("GET", "/epcis/queries/<string:name>", lambda w: f"/epcis/queries/walk-{w.a.id}", A_SIDE),
    Case(
        "GET", "/epcis/queries/<string:name>/events", lambda w: f"/epcis/queries/walk-{w.a.id}/events", A_SIDE
    ),
    Case("DELETE", "/epcis/queries/<string:name>", lambda w: f"/epcis/queries/walk-{w.a.id}", A_SIDE),
    # Spreadsheet import of events: the blank templates are for anyone; only A's members import for A.
    Case(
        "GET",
        "/api/v1/events/template.csv",
        lambda w: "/api/v1/events/template.csv",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/events/template.xlsx",
        lambda w: "/api/v1/events/template.xlsx",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "POST",
        "/api/v1/events/import",
        lambda w: f"/api/v1/events/import?organisation={w.a.tax_code}",
        _all("member_a"),
        files=lambda w: _event_import_file(w),
    ),
    # Watchlists, notices and webhooks are the retailer's own: nobody else (administrators neither)
    # sees or changes them.
    Case("GET", "/api/v1/watchlist", lambda w: "/api/v1/watchlist", RETAILER),
    Case(
        "POST",
        "/api/v1/watchlist",
        lambda w: "/api/v1/watchlist",
        RETAILER,
        body=lambda w: {"label_number": w.label.label_number},
    ),
    Case("GET", "/api/v1/notifications", lambda w: "/api/v1/notifications", RETAILER),
    Case(
        "POST",
        "/api/v1/notifications/<int:notification_id>/read",
        lambda w: f"/api/v1/notifications/{w.notification_id}/read",
        RETAILER,
    ),
    # An agency's reporter keeps its agency's endpoints (for the plan's reminders), never the retailer's.
    Case(
        "GET",
        "/api/v1/webhooks",
        lambda w: "/api/v1/webhooks",
        _all("retailer", "reporter"),
        sees_private=RETAILER,
    ),
    Case(
        "POST",
        "/api/v1/webhooks",
        lambda w: "/api/v1/webhooks",
        _all("retailer", "reporter"),
        body=lambda w: {"url": "https://hooks.example.vn/second"},
    ),
    Case(
        "PATCH",
        "/api/v1/webhooks/<int:endpoint_id>",
        lambda w: f"/api/v1/webhooks/{w.endpoint_id}",
        RETAILER,
        body=lambda w: {"description": "kho Biên Hòa"},
    ),
    Case(
        "GET",
        "/api/v1/webhooks/<int:endpoint_id>/deliveries",
        lambda w: f"/api/v1/webhooks/{w.endpoint_id}/deliveries",
        RETAILER,
    ),
    Case(
        "POST",
        "/api/v1/webhooks/<int:endpoint_id>/test",
        lambda w: f"/api/v1/webhooks/{w.endpoint_id}/test",
        RETAILER,
    ),
    Case("DELETE", "/api/v1/watchlist/<int:watch_id>", lambda w: f"/api/v1/watchlist/{w.watch_id}", RETAILER),
    Case(
        "DELETE",
        "/api/v1/webhooks/<int:endpoint_id>",
        lambda w: f"/api/v1/webhooks/{w.endpoint_id}",
        RETAILER,
    ),
    # The scan log's signals are for the authority and the certification bodies; they hold no tenant's
    # private data.
    Case(
        "GET",
        "/api/v1/signals",
        lambda w: "/api/v1/signals",
        _all("certifier", "other_certifier", "admin"),
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/signals.csv",
        lambda w: "/api/v1/signals.csv",
        _all("certifier", "other_certifier", "admin"),
        sees_private=frozenset(),
    ),
    # Anyone verifies codes; a code of A's draft product must not reveal it.
    Case(
        "POST",
        "/api/v1/verify",
        lambda w: "/api/v1/verify",
        EVERYONE,
        body=lambda w: {
            "codes": [w.draft_a.gtin, w.published_a.gtin, f"https://id.gs1.org/01/{w.draft_a.gtin}"]
        },
        sees_private=frozenset(),
    ),
    # The action plan: public, but an agency's drafts are its reporters' alone.
    Case("GET", "/api/v1/plan", lambda w: "/api/v1/plan", EVERYONE, sees_private=frozenset()),
    Case("GET", "/api/v1/plan/indicators", lambda w: "/api/v1/plan/indicators", EVERYONE),
    Case("GET", "/api/v1/plan/indicators.csv", lambda w: "/api/v1/plan/indicators.csv", EVERYONE),
    Case("GET", "/api/v1/plan/reporting", lambda w: "/api/v1/plan/reporting", EVERYONE),
    Case(
        "GET",
        "/api/v1/plan/reports",
        lambda w: "/api/v1/plan/reports",
        EVERYONE,
        sees_private=_all("reporter"),
    ),
    Case(
        "GET",
        "/api/v1/plan/reports/<int:report_id>",
        lambda w: f"/api/v1/plan/reports/{w.draft_report_id}",
        _all("reporter"),
    ),
    Case(
        "PATCH",
        "/api/v1/plan/reports/<int:report_id>",
        lambda w: f"/api/v1/plan/reports/{w.draft_report_id}",
        _all("reporter"),
        body=lambda w: {"figures": {"supermarkets-inspected": 14}},
    ),
    Case(
        "POST",
        "/api/v1/plan/reports/<int:report_id>/evidence",
        lambda w: f"/api/v1/plan/reports/{w.draft_report_id}/evidence",
        _all("reporter"),
        files=lambda w: {"file": (io.BytesIO(PDF + b"plan"), "plan.pdf")},
    ),
    Case(
        "POST",
        "/api/v1/plan/reports/<int:report_id>/submit",
        lambda w: f"/api/v1/plan/reports/{w.draft_report_id}/submit",
        _all("reporter"),
    ),
    Case(
        "POST",
        "/api/v1/plan/reports/<int:report_id>/review",
        lambda w: f"/api/v1/plan/reports/{w.submitted_report_id}/review",
        _all("admin"),
        body=lambda w: {"action": "return", "comment": "Bổ sung số liệu"},
    ),
    Case(
        "POST",
        "/api/v1/plan/reports",
        lambda w: "/api/v1/plan/reports",
        _all("reporter"),
        body=lambda w: {"organisation_id": w.agency.id, "year": current_year() - 2},
    ),
    Case("GET", "/api/v1/plan/models", lambda w: "/api/v1/plan/models", EVERYONE),
    Case(
        "POST",
        "/api/v1/plan/models/<int:model_id>/evidence",
        lambda w: f"/api/v1/plan/models/{w.model_id}/evidence",
        A_SIDE,
        files=lambda w: {"file": (io.BytesIO(PDF + b"model"), "model.pdf")},
    ),
    # An enterprise's consumption figures are its own (and the reviewers'); sector aggregates are public.
    Case(
        "GET",
        "/api/v1/plan/declarations",
        lambda w: "/api/v1/plan/declarations",
        AUTHENTICATED,
        sees_private=A_SIDE,
    ),
    Case(
        "GET",
        "/api/v1/plan/declarations/<int:declaration_id>",
        lambda w: f"/api/v1/plan/declarations/{w.declaration_id}",
        A_SIDE,
    ),
    Case(
        "POST",
        "/api/v1/plan/declarations",
        lambda w: "/api/v1/plan/declarations",
        _all("member_a"),
        body=lambda w: _declaration(w.a, current_year()),
    ),
    Case(
        "POST",
        "/api/v1/plan/declarations/import",
        lambda w: "/api/v1/plan/declarations/import",
        _all("member_a"),
        files=lambda w: {
            "file": (io.BytesIO(_declaration_file(current_year() - 2)), "d.csv"),
            "organisation_id": str(w.a.id),
        },
    ),
    Case(
        "GET",
        "/api/v1/plan/declarations/template.csv",
        lambda w: "/api/v1/plan/declarations/template.csv",
        EVERYONE,
    ),
    Case("GET", "/api/v1/plan/sectors", lambda w: "/api/v1/plan/sectors", EVERYONE, sees_private=frozenset()),
    # A year's consolidated figures and report are public; closing it is Sở Công Thương's.
    Case(
        "GET",
        "/api/v1/plan/years/<int:year>",
        lambda w: f"/api/v1/plan/years/{current_year() - 1}",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "GET",
        "/api/v1/plan/reports/<int:year>.xlsx",
        lambda w: f"/api/v1/plan/reports/{current_year() - 1}.xlsx",
        EVERYONE,
    ),
    Case(
        "GET",
        "/api/v1/plan/reports/<int:year>.pdf",
        lambda w: f"/api/v1/plan/reports/{current_year() - 1}.pdf",
        EVERYONE,
        sees_private=frozenset(),
    ),
    Case(
        "POST",
        "/api/v1/plan/years/<int:year>/close",
        lambda w: f"/api/v1/plan/years/{current_year() - 1}/close",
        _all("admin"),
    ),
    Case(
        "POST",
        "/api/v1/plan/models",
        lambda w: "/api/v1/plan/models",
        A_SIDE,
        body=lambda w: {
            "organisation_id": w.a.id,
            "name_vi": "Sản xuất sạch hơn",
            "model_type": "cleaner-production",
            "start_year": current_year(),
        },
    ),
    # Last: revoking A's token would lock member_a out of the cases after it.
    Case(
        "DELETE",
        "/api/v1/tokens/<int:token_id>",
        lambda w: f"/api/v1/tokens/{w.token_ids['member_a']}",
        A_SIDE,
    ),
]


def _first_job_id(world: World) -> int:
    """The job that issued the world's serial (made by the fixture, in the test's session)."""
    session = object_session(world.lot)
    return session.scalar(select(SerialJob.id).where(SerialJob.lot_id == world.lot.id).order_by(SerialJob.id))


def _import_file(world: World):
    row = f"{make_gtin(world.a.gs1_company_prefix, 88)},Hàng nhập,food"
    return {
        "file": (io.BytesIO(f"gtin,name_vi,sector\n{row}\n".encode()), "p.csv"),
        "holder_id": str(world.a.id),
    }


def _declaration_file(year: int) -> bytes:
    header = "year,sector,output_quantity,output_unit,kind,name,quantity,unit"
    return f"{header}\n{year},textiles,50,t,material,cotton,40,t\n".encode()


def _event_import_file(world: World):
    gln = make_gln(world.a.gs1_company_prefix, 5)
    row = f"object,2026-10-02 07:30,commissioning,{gln},{world.published_a.gtin}:IMPORT1"
    header = "event_type,event_time,biz_step,location_gln,items"
    return {"file": (io.BytesIO(f"{header}\n{row}\n".encode()), "events.csv")}


def _snapshot(session, world: World) -> tuple:
    session.expire_all()
    a = session.get(Organisation, world.a.id)
    draft, published = session.get(Product, world.draft_a.id), session.get(Product, world.published_a.id)
    count = len(session.scalars(select(Product.id).where(Product.holder_id == world.a.id)).all())
    token = session.get(ApiToken, world.token_ids["member_a"])
    members = len(session.get(Organisation, world.b.id).memberships)
    applications = [
        (x.id, x.state, x.claims, [p.gtin for p in x.products], len(x.evidence))
        for x in session.scalars(
            select(Application).where(Application.applicant_id == world.a.id).order_by(Application.id)
        )
    ]
    label = session.get(Label, world.label.id)
    criteria_versions = len(
        session.scalars(select(CriteriaSet.id).where(CriteriaSet.scheme_id == world.scheme.id)).all()
    )
    kinds, schemes = (len(session.scalars(select(model)).all()) for model in (LabelKind, Scheme))
    events = len(session.scalars(select(EpcisEvent.id).where(EpcisEvent.organisation_id == world.a.id)).all())
    saved_queries = len(
        session.scalars(select(NamedQuery.id).where(NamedQuery.name == f"walk-{world.a.id}")).all()
    )
    kept = world.retailer.id
    watchlist = (
        session.scalars(select(Watch.id).where(Watch.organisation_id == kept).order_by(Watch.id)).all(),
        [
            (e.url, e.description, e.active)
            for e in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.organisation_id == kept))
        ],
        session.scalars(select(Notification.read_at).where(Notification.organisation_id == kept)).all(),
        len(session.scalars(select(WebhookDelivery.id)).all()),
    )
    return (
        a.address,
        draft.name_en,
        published.published,
        count,
        token.revoked_at,
        members,
        applications,
        (label.status, len(label.events)),
        criteria_versions,
        kinds,
        schemes,
        events,
        saved_queries,
        watchlist,
    )


def _call(client, case: Case, world: World, role: str):
    headers = bearer(world.tokens[role]) if world.tokens[role] else {}
    if case.headers:
        headers |= case.headers(world)
    kwargs = {"headers": headers}
    if case.files:
        kwargs["data"] = case.files(world)
    elif case.body:
        kwargs["json"] = case.body(world)
    return client.open(case.path(world), method=case.method, **kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_respects_tenancy(client, session, world, role):
    failures = []
    for case in CASES:
        before = _snapshot(session, world)
        response = _call(client, case, world, role)
        text = response.get_data().decode("utf-8", "replace")  # a PNG is bytes, not text
        label = f"{case.method} {case.path(world)} as {role}: {response.status_code}"
        if role in case.allowed:
            if not 200 <= response.status_code < 300:
                failures.append(f"{label}, expected success; {text[:200]}")
        else:
            if response.status_code not in (401, 403, 404, 422):
                failures.append(f"{label}, expected a refusal")
            if _snapshot(session, world) != before:
                failures.append(f"{label} changed A's data")
        may_see = case.sees_private if case.sees_private is not None else case.allowed
        # A marker the caller put in the URL or the body is an echo of their own input, not a leak.
        sent = case.path(world) + (json.dumps(case.body(world), ensure_ascii=False) if case.body else "")
        leaked = [m for m in world.private_markers() if m in text and m not in sent]
        if role not in may_see and leaked:
            failures.append(f"{label} leaked {leaked}")
        if case.sees_private and role in case.sees_private and not leaked and response.status_code == 200:
            failures.append(f"{label} should have shown A's private data (the test would be toothless)")
    assert not failures, "\n".join(failures)


def test_the_tenancy_walk_covers_every_api_endpoint(app):
    def shape(rule: str) -> str:
        return re.sub(r"<(?:[^>:]*:)?([a-z_]+)>", r"<\1>", rule)

    cases = {(c.method, shape(c.rule)) for c in CASES}
    endpoints = {
        (method, shape(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/v1/", "/epcis/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert endpoints - cases == set(), "add a tenancy case for each new endpoint"
