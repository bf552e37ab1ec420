"""Traceability events from a spreadsheet, for enterprises that have no EPCIS system of their own.

One row is one EPCIS 2.0 event. The rows are read with :mod:`labels.common.tabular` (CSV or XLSX, row 1
names the columns), turned into one ``EPCISDocument`` and captured with
:func:`labels.traceability.capture.capture` in ``rollback`` mode, so every event is validated, hashed,
signed and logged exactly as a capture over the EPCIS interface would be, in one transaction.

All or nothing, and every problem at once: a row that cannot be read, an event the EPCIS schema
refuses and an event captured before are all reported together, each with its spreadsheet row
number and column, as :class:`labels.registry.product_import.ImportRefused`; then nothing is kept.

The columns and the template are in :mod:`labels.traceability.event_columns`; what a cell may hold,
and how a row becomes an event, in :mod:`labels.traceability.event_cells`. Headers may be the English
column names or their Vietnamese equivalents, with or without diacritics.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.common.tabular import read_rows
from labels.errors import Conflict, FieldIssue, InvalidEpcisDocument, InvalidInput, PayloadTooLarge
from labels.registry import audit
from labels.registry.permissions import Principal, require_event_capturer
from labels.registry.product_import import ImportRefused, ImportReport, RowError
from labels.registry.reference import VIETNAM
from labels.traceability.capture import capture
from labels.traceability.event_cells import CellError, LabelResolver, parse_row
from labels.traceability.event_columns import COLUMN_NAMES, COLUMNS, NOTE_COLUMNS, plain_key
from labels.traceability.event_hash import event_hash_id
from labels.traceability.validation import EPCIS_CONTEXT, validate_event
from labels.trust.notary import notary_of
from models import CaptureJob, EpcisEvent, Label, Organisation

HEADER_ROW = 1
ROW_WIDE = "row"  # the "column" of a problem that belongs to the whole row
_EVENT_FIELD = re.compile(r"epcisBody\.eventList\[(\d+)\](?:\.([A-Za-z@]+))?")
_EVENT_LABEL = re.compile(r"^Event \d+(?: \(eventID .*?\))?: ")
#: Where an EPCIS field came from in the spreadsheet, to name the column of a schema problem.
_COLUMN_OF_FIELD = {
    "type": "event_type",
    "eventTime": "event_time",
    "eventTimeZoneOffset": "event_time",
    "action": "action",
    "bizStep": "biz_step",
    "disposition": "disposition",
    "readPoint": "location_gln",
    "bizLocation": "location_gln",
    "epcList": "items",
    "childEPCs": "items",
    "quantityList": "lots",
    "childQuantityList": "lots",
    "parentID": "parent",
    "inputEPCList": "inputs",
    "inputQuantityList": "inputs",
    "outputEPCList": "outputs",
    "outputQuantityList": "outputs",
    "certificationInfo": "certification",
}


# --- the import ----------------------------------------------------------------------------------


def import_events(
    session: Session,
    actor: Principal,
    organisation: Organisation,
    filename: str,
    content: bytes,
    limit: int = 10_000,
) -> CaptureJob:
    """Capture one event per row for ``organisation``, all or none; never commits.

    Raises :class:`ImportRefused` listing every problem of every row; ``InvalidInput`` for a file
    that cannot be read at all; ``PayloadTooLarge`` past ``limit`` rows.
    """
    require_event_capturer(actor, organisation.id)
    rows = read_event_rows(filename, content)
    if len(rows) > limit:
        raise PayloadTooLarge(
            f"an import takes at most {limit} rows (GS1-EPCIS-Capture-Limit); split the file", "file", limit
        )
    report = ImportReport(rows=len(rows))
    events, row_numbers, report.errors = build_events(rows, label_resolver(session))
    document = epcis_document(events)
    report.errors += check_events(session, document, row_numbers)
    _refuse_if_wrong(report)
    try:
        job = capture(session, actor, organisation, document, "rollback", limit=limit)
    except (InvalidEpcisDocument, Conflict) as exc:  # what only capture knows, such as a race
        report.errors += _capture_errors(exc, row_numbers)
        _refuse_if_wrong(report)
        raise
    audit.record(
        session,
        actor,
        "epcis.import",
        "capture_job",
        job.id,
        organisation.id,
        filename=filename,
        rows=len(rows),
    )
    return job


def read_event_rows(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """``(row number, {column name: text})`` per non-empty row, headers mapped to :data:`COLUMNS`."""
    try:
        rows = list(read_rows(filename, content))
    except csv.Error as exc:  # a field past the csv module's size limit, a broken quote
        raise InvalidInput.one("file", "csv", f"the CSV file cannot be read: {exc}") from None
    if not rows:
        raise InvalidInput.one("file", "rows", "the file has a header but no event rows")
    columns, errors = map_headers(rows[0][1].keys())
    if errors:
        raise ImportRefused(ImportReport(rows=len(rows), errors=errors))
    return [
        (number, {name: row.get(header, "") for header, name in columns.items()} | _blank_columns(columns))
        for number, row in rows
    ]


def _blank_columns(columns: dict[str, str]) -> dict[str, str]:
    present = set(columns.values())
    return {name: "" for name in COLUMN_NAMES if name not in present}


def map_headers(headers: Iterable[str]) -> tuple[dict[str, str], list[RowError]]:
    """``{header as written: column name}``, and the problems of row 1 (unknown, repeated, missing)."""
    known = _header_keys()
    columns: dict[str, str] = {}
    errors: list[RowError] = []
    for header in headers:
        key = plain_key(header)
        if key in NOTE_COLUMNS:
            continue
        name = known.get(key)
        if name is None:
            message = (
                f"unknown column '{header}'; the columns are {', '.join(COLUMN_NAMES)} (or a note column)"
            )
            errors.append(RowError(HEADER_ROW, header, "unknown-column", message))
        elif name in columns.values():
            errors.append(RowError(HEADER_ROW, name, "duplicate-column", f"the column {name} appears twice"))
        else:
            columns[header] = name
    for column in COLUMNS:
        if column.required and column.name not in columns.values():
            errors.append(
                RowError(HEADER_ROW, column.name, "missing-column", f"the file needs a {column.name} column")
            )
    return columns, errors


@functools.cache
def _header_keys() -> dict[str, str]:
    keys = {}
    for column in COLUMNS:
        keys[plain_key(column.name)] = column.name
        keys[plain_key(column.header_vi)] = column.name
    keys |= {"trang_thai": "disposition", "cong_doan": "biz_step", "chung_nhan": "certification"}
    return keys


def build_events(
    rows: list[tuple[int, Mapping[str, str]]], resolve_label: LabelResolver
) -> tuple[list[dict], list[int], list[RowError]]:
    """The events of the rows that read well, the row number of each event, and every row's problems."""
    events: list[dict] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    for number, row in rows:
        event, problems = parse_row(number, row, resolve_label)
        errors += problems
        if event is not None:
            events.append(event)
            numbers.append(number)
    return events, numbers, errors


def epcis_document(events: list[dict]) -> dict:
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": datetime.now(VIETNAM).isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": events},
    }


def check_events(session: Session, document: dict, row_numbers: list[int]) -> list[RowError]:
    """What capture would refuse, for every event at once: schema problems and duplicates.

    Capture in rollback mode stops at the first duplicate; a person fixing a spreadsheet wants the
    whole list, so the same checks run here first, with the same validator and hash.
    """
    errors: list[RowError] = []
    hashes: dict[str, int] = {}
    context = document["@context"]
    for index, event in enumerate(document["epcisBody"]["eventList"]):
        issues = validate_event(event, index)
        errors += [_row_error(issue, row_numbers) for issue in issues]
        if issues:
            continue
        try:
            digest = event_hash_id(event, context)
        except ValueError as exc:  # valid to the schema, yet not hashable: told like capture tells it
            errors.append(RowError(row_numbers[index], ROW_WIDE, "hash", f"cannot compute its hash: {exc}"))
            continue
        if digest in hashes:
            first = row_numbers[hashes[digest]]
            errors.append(
                RowError(row_numbers[index], ROW_WIDE, "duplicate", f"the same event as row {first}")
            )
        else:
            hashes[digest] = index
    known = session.scalars(select(EpcisEvent.event_hash).where(EpcisEvent.event_hash.in_(list(hashes))))
    for digest in known:
        message = f"this event has been captured before ({digest})"
        errors.append(RowError(row_numbers[hashes[digest]], ROW_WIDE, "duplicate", message))
    return errors


def label_resolver(session: Session) -> LabelResolver:
    """Label number -> the label's public page, which the consumer's journey links to."""
    base_url = notary_of(session).base_url

    @functools.cache  # a file cites the same few labels on many rows
    def resolve(number: str) -> str:
        if session.scalar(select(Label.id).where(Label.label_number == number)) is None:
            raise CellError("exists", f"no label is numbered {number}")
        return f"{base_url}/catalogue/{number}"

    return resolve


def _refuse_if_wrong(report: ImportReport) -> None:
    if report.errors:
        order = {name: i for i, name in enumerate((*COLUMN_NAMES, ROW_WIDE))}
        report.errors.sort(key=lambda e: (e.row, order.get(e.field, len(order)), e.rule))
        raise ImportRefused(report)


def _capture_errors(exc: InvalidEpcisDocument | Conflict, row_numbers: list[int]) -> list[RowError]:
    if isinstance(exc, InvalidEpcisDocument):
        return [_row_error(issue, row_numbers) for issue in exc.issues]
    return [_row_error(FieldIssue(exc.field or "", exc.rule or "conflict", exc.detail), row_numbers)]


def _row_error(issue: FieldIssue, row_numbers: list[int]) -> RowError:
    """A problem of ``epcisBody.eventList[i].field``, told as the row and column that made it."""
    match = _EVENT_FIELD.match(issue.field)
    if match is None or int(match[1]) >= len(row_numbers):
        return RowError(HEADER_ROW, "file", issue.rule, issue.message)
    column = _COLUMN_OF_FIELD.get(match[2] or "", ROW_WIDE)
    return RowError(row_numbers[int(match[1])], column, issue.rule, _EVENT_LABEL.sub("", issue.message))
