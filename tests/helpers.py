"""Building blocks for tests: real organisations, users and tokens made through the real services."""

from __future__ import annotations

import itertools

from labels.accounts import add_membership, create_user
from labels.gs1 import make_gtin
from labels.organisations import create_organisation
from labels.permissions import SCOPES, SYSTEM
from labels.products import create_product
from labels.taxcode import make_tax_code, tax_check_digit
from labels.tokens import issue_token

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


def make_user(session, organisation=None, role=None, email=None):
    user = create_user(session, SYSTEM, email or f"user{next(_serial)}@example.vn", PASSWORD)
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
