"""Label records as W3C Verifiable Credentials, their status lists, and signed status changes.

Issuing a label signs its credential and logs it; every status change updates the status lists,
re-signs them and logs a signed status-change record, all in the caller's transaction, so a change
and its publication commit together or not at all.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.common.counters import next_in_series
from labels.errors import NotFound
from labels.trust.notary import Notary, notary_of, timestamp
from labels.trust.statuslist import LIST_BITS, empty_bits, set_bit, status_entry, status_list_credential
from models import STATUS_PURPOSES, Label, LabelEvent, SignedRecord, StatusList

CONTEXT = ["https://www.w3.org/ns/credentials/v2"]
LABEL_CREDENTIAL = "label-credential"
STATUS_CHANGE = "status-change"
# What each label status sets in the two lists: (revocation bit, suspension bit).
STATUS_BITS = {"active": (False, False), "suspended": (False, True), "withdrawn": (True, False)}


def _list_url(notary: Notary, purpose: str, group: int) -> str:
    return notary.url(f"/status/{purpose}-{group}")


def label_credential(notary: Notary, label: Label) -> dict:
    """The unsigned credential: what is certified, for whom, by whom, until when, and where its status is."""
    group, position = divmod(label.status_index, LIST_BITS)
    subject = {
        "id": f"urn:ecoreg:label:{label.label_number}",
        "type": "EcoLabel",
        "labelNumber": label.label_number,
        "kind": label.kind_code,
        "isoType": label.iso_type,
        "scheme": {
            "code": label.scheme.code,
            "name": label.scheme.name_en,
            "nameVi": label.scheme.name_vi,
            "criteriaVersion": label.criteria_set.version,
        },
        "holder": {"name": label.holder.legal_name, "taxCode": label.holder.tax_code},
        "certifiedBy": {"name": label.issuer.legal_name, "taxCode": label.issuer.tax_code},
        # By GTIN, as the label's products load from the database: the in-memory list of a label
        # just issued keeps the order the application named them in, and the audit compares the two.
        "products": [
            {"gtin": p.gtin, "name": p.name_vi, "nameEn": p.name_en}
            for p in sorted(label.products, key=lambda product: product.gtin)
        ],
        "claims": label.claims,
        "version": label.version,
    }
    if label.replaces is not None:
        subject["replaces"] = label.replaces.label_number
    return {
        "@context": CONTEXT,
        "id": notary.url(f"/api/v1/labels/{label.label_number}/credential"),
        "type": ["VerifiableCredential", "EcoLabelCredential"],
        "issuer": notary.issuer,
        "validFrom": timestamp(label.valid_from),
        "validUntil": timestamp(label.valid_until),
        "credentialSubject": subject,
        "credentialStatus": [
            status_entry(_list_url(notary, purpose, group + 1), purpose, position)
            for purpose in STATUS_PURPOSES
        ],
    }


def _status_lists(session: Session, notary: Notary, group: int, now: datetime) -> list[StatusList]:
    lists = list(
        session.scalars(select(StatusList).where(StatusList.group == group).order_by(StatusList.purpose))
    )
    for purpose in set(STATUS_PURPOSES) - {sl.purpose for sl in lists}:
        created = StatusList(group=group, purpose=purpose, bits=empty_bits(), updated_at=now)
        session.add(created)
        _sign_list(session, notary, created, now)
        lists.append(created)
    return lists


def _sign_list(session: Session, notary: Notary, status_list: StatusList, now: datetime) -> None:
    document = status_list_credential(
        _list_url(notary, status_list.purpose, status_list.group),
        status_list.purpose,
        status_list.bits,
        notary.issuer,
        timestamp(now),
    )
    signed, _ = notary.sign(session, document, now)
    status_list.credential = json.dumps(signed, ensure_ascii=False)
    status_list.updated_at = now


def issue_credential(session: Session, label: Label, now: datetime) -> dict:
    """Give the label its status index, then sign and log its credential."""
    notary = notary_of(session)
    label.status_index = next_in_series(session, "status-index") - 1
    _status_lists(session, notary, label.status_index // LIST_BITS + 1, now)
    signed = notary.record(
        session, LABEL_CREDENTIAL, label.label_number, label_credential(notary, label), now
    )
    notary.checkpoint(session)
    return signed


def record_status_change(session: Session, label: Label, event: LabelEvent, now: datetime) -> dict:
    """Set the label's bits, re-sign the changed lists, and sign and log the change with its reason."""
    notary = notary_of(session)
    group, position = divmod(label.status_index, LIST_BITS)
    wanted = dict(zip(STATUS_PURPOSES, STATUS_BITS[event.to_status], strict=True))
    for status_list in _status_lists(session, notary, group + 1, now):
        bits = set_bit(status_list.bits, position, wanted[status_list.purpose])
        if bits != status_list.bits:
            status_list.bits = bits
            _sign_list(session, notary, status_list, now)
    document = {
        "@context": CONTEXT,
        "type": ["VerifiableCredential", "EcoLabelStatusChange"],
        "issuer": notary.issuer,
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"urn:ecoreg:label:{label.label_number}",
            "labelNumber": label.label_number,
            "action": event.action,
            "from": event.from_status,
            "to": event.to_status,
            "reason": event.reason,
            "at": timestamp(now),
        },
    }
    signed = notary.record(session, STATUS_CHANGE, label.label_number, document, now)
    notary.checkpoint(session)
    return signed


def label_record(session: Session, label_number: str) -> SignedRecord:
    record = session.scalar(
        select(SignedRecord).where(
            SignedRecord.record_type == LABEL_CREDENTIAL, SignedRecord.subject == label_number
        )
    )
    if record is None:
        raise NotFound(f"no signed credential for label {label_number}")
    return record


def status_list(session: Session, list_id: str) -> StatusList:
    purpose, _, group = list_id.partition("-")
    found = None
    if purpose in STATUS_PURPOSES and group.isdigit():
        found = session.scalar(
            select(StatusList).where(StatusList.purpose == purpose, StatusList.group == int(group))
        )
    if found is None:
        raise NotFound(f"no status list {list_id}")
    return found
