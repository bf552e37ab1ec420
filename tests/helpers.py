"""Building blocks for tests: real organisations, users and tokens made through the real services."""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
from urllib.parse import urlsplit

from sqlalchemy import select

from labels.certification.applications import create_application
from labels.certification.schemes import create_scheme, ensure_built_in_kinds
from labels.certification.workflow import transition_application
from labels.gs1.identifiers import make_gtin
from labels.registry import accounts
from labels.registry.accounts import add_membership, create_user, principal_for
from labels.registry.organisations import create_organisation
from labels.registry.permissions import SCOPES, SYSTEM
from labels.registry.products import create_product
from labels.registry.taxcode import make_tax_code, tax_check_digit
from labels.registry.tokens import issue_token
from models import Label

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def fresh_tax_code() -> str:
    while True:
        nine = f"39{next(_serial):07d}"
        if tax_check_digit(nine) is not None:
            return make_tax_code(nine)


def fresh_prefix() -> str:
    return f"8939{next(_serial):04d}"


def make_org(session, kind="enterprise", **fields):
    n = next(_serial)
    defaults = {"legal_name": f"Công ty thử nghiệm {n}", "tax_code": fresh_tax_code(), "district": "bien-hoa"}
    if kind == "enterprise":
        defaults |= {"sector": "textiles", "gs1_company_prefix": fresh_prefix()}
    organisation = create_organisation(session, SYSTEM, kind=kind, **(defaults | fields))
    session.flush()  # requests in the test read it through their own session
    return organisation


_hash_password = accounts.hash_password


@functools.cache
def _hash_once(password: str) -> str:
    return _hash_password(password)


def make_user(session, organisation=None, role=None, email=None):
    # argon2 is slow on purpose; test users share one real hash of the same password.
    accounts.hash_password = _hash_once
    try:
        user = create_user(session, SYSTEM, email or f"user{next(_serial)}@example.vn", PASSWORD)
    finally:
        accounts.hash_password = _hash_password
    if organisation is not None:
        add_membership(session, SYSTEM, user, organisation, role)
    session.flush()
    return user


def make_token(session, user, scopes=None, days=30) -> str:
    _, secret = issue_token(session, SYSTEM, user, "test", list(scopes or SCOPES), days)
    session.flush()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def make_product(session, holder, number=None, published=False, **fields):
    gtin = make_gtin(holder.gs1_company_prefix, number or next(_serial) % 1000)
    defaults = {
        "gtin": gtin,
        "name_vi": f"Sản phẩm {gtin}",
        "sector": holder.sector or "textiles",
        "published": published,
    }
    product = create_product(session, SYSTEM, holder.id, **(defaults | fields))
    session.flush()
    return product


# --- schemes, applications, labels ---------------------------------------------------------------

#: Criteria per kind: one numeric criterion checked automatically, one mandatory yes/no criterion
#: judged on the applicant's declaration, and (green) one optional one.
CRITERIA = {
    "green": [
        {
            "code": "G-01",
            "kind": "numeric",
            "text_vi": "Tỷ lệ phân hủy sinh học",
            "text_en": "Biodegradation",
            "comparator": ">=",
            "threshold": 90,
            "unit": "%",
        },
        {"code": "G-02", "kind": "yes_no", "text_vi": "Không kim loại nặng", "text_en": "No heavy metals"},
        {
            "code": "G-03",
            "kind": "yes_no",
            "text_vi": "Hướng dẫn thải bỏ",
            "text_en": "Disposal instructions",
            "mandatory": False,
        },
    ],
    "energy": [
        {
            "code": "E-01",
            "kind": "numeric",
            "text_vi": "Điện năng tiêu thụ hằng năm",
            "text_en": "Annual energy use",
            "claim": "annual_energy_kwh",
            "comparator": "<=",
            "threshold": 1500,
            "unit": "kWh/year",
        },
        {
            "code": "E-02",
            "kind": "yes_no",
            "text_vi": "Phòng thử nghiệm được chỉ định",
            "text_en": "Designated laboratory",
        },
    ],
    "carbon": [
        {
            "code": "C-01",
            "kind": "numeric",
            "text_vi": "Tỷ lệ dữ liệu sơ cấp",
            "text_en": "Primary data share",
            "claim": "primary_data_share",
            "comparator": ">=",
            "threshold": 20,
            "unit": "%",
        },
        {"code": "C-02", "kind": "yes_no", "text_vi": "Thẩm tra ISO 14067", "text_en": "ISO 14067 verified"},
    ],
    "recycling": [
        {
            "code": "R-01",
            "kind": "numeric",
            "text_vi": "Hàm lượng tái chế",
            "text_en": "Recycled content",
            "claim": "recycled_content_percent",
            "comparator": ">=",
            "threshold": 30,
            "unit": "%",
        }
    ],
}


def good_claims(kind: str) -> dict:
    """Complete claims of the kind that meet every criterion in :data:`CRITERIA` (a fresh copy)."""
    claims = {
        "green": {
            "criteria": [
                {"code": "G-01", "value": 94.5, "passed": True},
                {"code": "G-02", "passed": True},
                {"code": "G-03", "passed": True},
            ]
        },
        "energy": {
            "label_type": "comparative",
            "stars": 4,
            "annual_energy_kwh": 1210,
            "energy_efficiency": 4.6,
            "test_standard": "TCVN 7830:2021",
            "test_laboratory": "QUATEST 3",
            "criteria": [{"code": "E-02", "passed": True}],
        },
        "carbon": {
            "label_level": "measured",
            "declared_unit": "kilogram",
            "unitary_product_amount": 1,
            "pcf_excluding_biogenic": 3.42,
            "pcf_including_biogenic": 3.38,
            "fossil_ghg_emissions": 3.1,
            "characterization_factors": "AR6",
            "cross_sectoral_standards": ["ISO 14067"],
            "boundary": "cradle-to-gate",
            "reference_period_start": "2025-01-01T00:00:00+00:00",
            "reference_period_end": "2026-01-01T00:00:00+00:00",
            "primary_data_share": 62,
            "assurance_level": "limited",
            "assurance_provider": "Vinacontrol CE",
            "criteria": [{"code": "C-02", "passed": True}],
        },
        "recycling": {
            "components": [
                {
                    "name": "Sợi",
                    "material": "Polyester (rPET)",
                    "resin_code": 1,
                    "post_consumer_recycled_percent": 85,
                    "recyclability": "recyclable-with-conditions",
                }
            ],
            "recycled_content_percent": 85,
        },
    }
    return copy.deepcopy(claims.get(kind, claims["green"]))


def make_scheme(session, certifier_org, kind="green", criteria=None, code=None, **fields):
    """A scheme of ``kind`` decided by ``certifier_org``, made by the system as an administrator."""
    ensure_built_in_kinds(session)
    defaults = {
        "code": code or f"T-{kind[:3].upper()}-{next(_serial)}",
        "kind_code": kind,
        "iso_type": "III" if kind == "carbon" else "I",
        "name_vi": f"Chương trình thử {kind}",
        "name_en": f"Test scheme {kind}",
        "validity_months": 36,
        "certifier_id": certifier_org.id,
    }
    scheme = create_scheme(
        session,
        SYSTEM,
        criteria=copy.deepcopy(criteria if criteria is not None else CRITERIA.get(kind, CRITERIA["green"])),
        **(defaults | fields),
    )
    session.flush()
    return scheme


def principal(user, scopes=None):
    """The user as an API caller (``scopes=None``: every scope the roles allow)."""
    return principal_for(user, "api", frozenset(scopes) if scopes is not None else None)


#: The path of an application from draft, each step with who takes it.
PATH = [
    ("submit", "applicant"),
    ("start_review", "certifier"),
    ("approve", "certifier"),
    ("issue", "certifier"),
]


def make_application(session, applicant_user, scheme, products, claims=None, until="draft", reviewer=None):
    """An application of the applicant user's enterprise, taken through the workflow to ``until``.

    ``until`` is one of the application states; ``changes_requested`` and ``rejected`` branch off
    the main path after ``under_review``.
    """
    applicant = principal(applicant_user)
    organisation_id = next(iter(applicant.organisation_ids("enterprise")))
    application = create_application(
        session,
        applicant,
        organisation_id,
        scheme.code,
        [p.gtin for p in products],
        good_claims(scheme.kind_code) if claims is None else claims,
    )
    actors = {"applicant": applicant, "certifier": principal(reviewer) if reviewer else None}
    branches = {"changes_requested": "request_changes", "rejected": "reject"}
    for action, by in PATH:
        if application.state == until:
            break
        if until in branches and application.state == "under_review":
            action, by = branches[until], "certifier"
        reason = "needs work" if action in branches.values() else ""
        transition_application(session, actors[by], application.id, action, reason=reason)
        if until in branches and application.state == until:
            break
    assert application.state == until, f"could not take the application to {until}"
    session.flush()
    return application


def make_label(session, applicant_user, scheme, products, reviewer, claims=None):
    """An issued label, through the whole workflow."""
    application = make_application(session, applicant_user, scheme, products, claims, "issued", reviewer)
    return application.label or session.scalar(select(Label).where(Label.application_id == application.id))


@contextlib.contextmanager
def evidence_dir(app, path):
    """Evidence written under ``path`` for the duration, never into the repository's instance/."""
    saved = {key: app.config[key] for key in ("EVIDENCE_DIR", "EVIDENCE_MAX_BYTES")}
    app.config["EVIDENCE_DIR"] = str(path)
    try:
        yield path
    finally:
        app.config.update(saved)


def block_outside_requests(page, server: str) -> list[str]:
    """Abort every request the page makes to any host but the test server; returns the list of them.

    The pages must work with no internet: a request elsewhere is both a failure and a privacy leak.
    """
    host = urlsplit(server).hostname
    outside: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname != host:
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.context.route("**/*", only_local)
    return outside


@contextlib.contextmanager
def scratch_database_url(name: str, directory):
    """A new, empty database: a SQLite file in ``directory``, or, when the suite runs on PostgreSQL
    (``DATABASE_URL``), a database of its own on that server, dropped afterwards."""
    import os
    import secrets

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.database import make_engine

    base = os.environ.get("DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        yield f"sqlite:///{directory / f'{name}.sqlite3'}"
        return
    database = f"ecoreg_{name}_{secrets.token_hex(6)}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(base).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
