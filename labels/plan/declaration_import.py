"""Consumption declarations from a spreadsheet: all or nothing, every row's problems at once.

One row is one material, fuel or energy consumed; the rows of one enterprise, year and sector make one
declaration, and must agree on its output. The columns (:data:`COLUMNS`) and a template with examples
(CSV or XLSX) are below; the rules are those of :func:`labels.plan.declarations.check`, each problem
told as the row and column that caused it.
"""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy.orm import Session

from labels.common.tabular import read_rows
from labels.errors import InvalidInput, LabelsError
from labels.plan.declarations import Checked, check, store
from labels.registry.permissions import Principal
from labels.registry.product_import import ImportRefused, ImportReport, RowError
from models import Organisation, Plan

COLUMNS = (
    "year",
    "sector",
    "output_quantity",
    "output_unit",
    "kind",
    "name",
    "quantity",
    "unit",
    "baseline_year",
)
REQUIRED = COLUMNS[:-1]
_INPUT_FIELD = re.compile(r"inputs\[(\d+)\]\.(\w+)")

EXAMPLE = (
    ("2025", "textiles", "1250", "t", "material", "cotton", "1190", "t", "2022"),
    ("2025", "textiles", "1250", "t", "energy", "electricity", "4800000", "kWh", "2022"),
    ("2025", "textiles", "1250", "t", "fuel", "coal", "610", "t", "2022"),
)


def import_declarations(
    session: Session, actor: Principal, plan: Plan, organisation: Organisation, filename: str, content: bytes
) -> ImportReport:
    """Store every declaration in the file for ``organisation``, or none (:class:`ImportRefused`)."""
    report = ImportReport()
    groups: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    for number, row in read_rows(filename, content):
        report.rows += 1
        missing = [name for name in REQUIRED if not row.get(name, "").strip()]
        report.errors += [RowError(number, name, "required", "this column is required") for name in missing]
        if not missing:
            groups.setdefault((row["year"].strip(), row["sector"].strip()), []).append((number, row))
    if report.rows == 0:
        raise InvalidInput.one("file", "rows", "the file has a header but no rows")
    planned: list[Checked] = []
    for rows in groups.values():
        checked = _group(session, actor, plan, organisation, rows, report)
        if checked is not None:
            planned.append(checked)
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, e.field))
        raise ImportRefused(report)
    for checked in planned:
        report.created.append(f"{checked.sector} {checked.year}")
        store(session, actor, plan, checked)
    return report


def _group(session, actor, plan, organisation, rows, report: ImportReport) -> Checked | None:
    first_number, first = rows[0]
    for number, row in rows[1:]:
        for name in ("output_quantity", "output_unit", "baseline_year"):
            if row.get(name, "").strip() != first.get(name, "").strip():
                message = f"the rows of one year and sector give the same {name} as row {first_number}"
                report.errors.append(RowError(number, name, "consistent", message))
    data = {
        "organisation_id": organisation.id,
        "sector": first["sector"].strip(),
        "year": _integer(first["year"]),
        "baseline_year": _integer(first.get("baseline_year", "")) or None,
        "output_quantity": first["output_quantity"],
        "output_unit": first["output_unit"].strip(),
        "inputs": [
            {
                "kind": r["kind"].strip(),
                "name": r["name"].strip(),
                "quantity": r["quantity"],
                "unit": r["unit"].strip(),
            }
            for _, r in rows
        ],
    }
    try:
        return check(session, actor, plan, data)
    except InvalidInput as exc:
        for issue in exc.issues:
            match = _INPUT_FIELD.fullmatch(issue.field)
            if match:
                number, column = rows[int(match[1])][0], match[2]
            else:
                number, column = first_number, issue.field
            report.errors.append(RowError(number, column, issue.rule, issue.message))
    except LabelsError as exc:
        report.errors.append(RowError(first_number, "file", exc.problem, exc.detail))
    return None


def _integer(text: str) -> int | str:
    text = (text or "").strip()
    return int(text) if text.isdigit() else text


def template_csv() -> bytes:
    """The template as CSV (UTF-8 with a byte-order mark, which Excel needs for Vietnamese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
