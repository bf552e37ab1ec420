"""Label kinds and certification schemes with their versioned criteria."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.certification.claims import claims_schema
from labels.errors import Conflict, FieldIssue, InvalidInput, NotFound
from labels.registry import audit
from labels.registry.permissions import Principal, require_scheme_editor
from models import COMPARATORS, CriteriaSet, Criterion, LabelKind, Organisation, Scheme, utcnow

BUILT_IN_KINDS = {
    "green": ("GRN", "Nhãn xanh Việt Nam", "Vietnam Green Label"),
    "energy": ("ENR", "Nhãn năng lượng", "Energy label"),
    "carbon": ("CBN", "Nhãn carbon", "Carbon footprint label"),
    "recycling": ("RCY", "Nhãn tái chế", "Recycled content and recyclability label"),
}


def ensure_built_in_kinds(session: Session) -> None:
    """The four kinds every registry has; idempotent."""
    existing = set(session.scalars(select(LabelKind.code)))
    for code, (prefix, name_vi, name_en) in BUILT_IN_KINDS.items():
        if code not in existing:
            session.add(
                LabelKind(code=code, number_prefix=prefix, name_vi=name_vi, name_en=name_en, built_in=True)
            )
    session.flush()  # schemes created next refer to the kinds


def create_kind(
    session: Session, actor: Principal, code: str, number_prefix: str, name_vi: str, name_en: str
):
    require_scheme_editor(actor)
    issues = []
    if not (code.isascii() and code.replace("-", "").isalnum()) or code != code.lower():
        issues.append(
            FieldIssue("code", "pattern", "lower-case letters, digits and '-', e.g. green-building")
        )
    if not re.fullmatch(r"[A-Z]{3}", number_prefix):
        issues.append(FieldIssue("number_prefix", "pattern", "three capital letters, e.g. BLD"))
    if issues:
        raise InvalidInput(issues)
    if session.get(LabelKind, code) is not None:
        raise Conflict(f"the kind {code} exists already", field="code", rule="unique")
    if session.scalar(select(LabelKind).where(LabelKind.number_prefix == number_prefix)) is not None:
        raise Conflict(f"the prefix {number_prefix} is taken", field="number_prefix", rule="unique")
    kind = LabelKind(code=code, number_prefix=number_prefix, name_vi=name_vi, name_en=name_en, built_in=False)
    session.add(kind)
    audit.record(session, actor, "kind.create", "label_kind", code)
    return kind


def list_kinds(session: Session) -> list[LabelKind]:
    return list(session.scalars(select(LabelKind).order_by(LabelKind.built_in.desc(), LabelKind.code)))


def _criteria(specs: list[dict], kind: str) -> list[Criterion]:
    issues, criteria, codes = [], [], set()
    claim_names = set(claims_schema(kind)().fields) - {"criteria"}
    for position, spec in enumerate(specs):
        where = f"criteria.{position}"
        if spec.get("claim") and spec["claim"] not in claim_names:
            # Such a criterion could never be met: no application can state that claim.
            issues.append(
                FieldIssue(f"{where}.claim", "one-of", f"a {kind} label has no claim {spec['claim']}")
            )
        if spec["code"] in codes:
            issues.append(
                FieldIssue(f"{where}.code", "unique", "criterion codes are unique within a version")
            )
        codes.add(spec["code"])
        if spec["kind"] == "numeric":
            # Without a claim, the value declared for the criterion itself is compared.
            for name in ("comparator", "threshold", "unit"):
                if spec.get(name) in (None, ""):
                    issues.append(FieldIssue(f"{where}.{name}", "required", "numeric criteria need it"))
            if spec.get("comparator") and spec["comparator"] not in COMPARATORS:
                issues.append(FieldIssue(f"{where}.comparator", "one-of", f"one of {', '.join(COMPARATORS)}"))
        criteria.append(
            Criterion(
                position=position,
                code=spec["code"],
                text_vi=spec["text_vi"],
                text_en=spec["text_en"],
                kind=spec["kind"],
                mandatory=spec.get("mandatory", True),
                claim=spec.get("claim"),
                comparator=spec.get("comparator"),
                threshold=Decimal(str(spec["threshold"])) if spec.get("threshold") is not None else None,
                unit=spec.get("unit"),
                evidence_vi=spec.get("evidence_vi", ""),
                evidence_en=spec.get("evidence_en", ""),
            )
        )
    if not specs:
        issues.append(FieldIssue("criteria", "min-length", "a scheme has at least one criterion"))
    if issues:
        raise InvalidInput(issues)
    return criteria


def create_scheme(session: Session, actor: Principal, *, criteria: list[dict], **fields) -> Scheme:
    require_scheme_editor(actor)
    if session.get(LabelKind, fields["kind_code"]) is None:
        raise InvalidInput.one("kind_code", "exists", "no such label kind")
    certifier = session.get(Organisation, fields["certifier_id"])
    if certifier is None or certifier.kind not in ("certifier", "authority"):
        raise InvalidInput.one(
            "certifier_id", "certifier", "the certifier is a certification body or the authority"
        )
    if session.scalar(select(Scheme.id).where(Scheme.code == fields["code"])) is not None:
        raise Conflict(f"the scheme {fields['code']} exists already", field="code", rule="unique")
    scheme = Scheme(**fields)
    scheme.criteria_sets.append(CriteriaSet(version=1, criteria=_criteria(criteria, fields["kind_code"])))
    session.add(scheme)
    session.flush()  # the audit entry needs the new id
    audit.record(session, actor, "scheme.create", "scheme", scheme.code, certifier.id)
    return scheme


def add_criteria_version(
    session: Session, actor: Principal, scheme_code: str, criteria: list[dict]
) -> CriteriaSet:
    """A new version of the scheme's criteria; applications started from now on are assessed on it."""
    scheme = get_scheme(session, scheme_code)
    require_scheme_editor(actor, scheme.certifier_id)
    version = CriteriaSet(
        version=current_criteria(scheme).version + 1,
        effective_from=utcnow(),
        criteria=_criteria(criteria, scheme.kind_code),
    )
    scheme.criteria_sets.append(version)
    session.flush()  # assigns the version's id
    audit.record(
        session, actor, "scheme.criteria", "scheme", scheme.code, scheme.certifier_id, version=version.version
    )
    return version


def current_criteria(scheme: Scheme) -> CriteriaSet:
    return scheme.criteria_sets[-1]


def get_scheme(session: Session, code: str) -> Scheme:
    scheme = session.scalar(select(Scheme).where(Scheme.code == code))
    if scheme is None:
        raise NotFound(f"no scheme {code}")
    return scheme


def list_schemes(session: Session, kind: str | None = None, active: bool | None = True) -> list[Scheme]:
    query = select(Scheme).order_by(Scheme.kind_code, Scheme.code)
    if kind:
        query = query.where(Scheme.kind_code == kind)
    if active is not None:
        query = query.where(Scheme.active.is_(active))
    return list(session.scalars(query))
