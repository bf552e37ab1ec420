"""Bulk product registration from CSV or Excel, all or nothing, with a per-row error report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.common.tabular import read_rows
from labels.errors import InvalidInput, LabelsError
from labels.registry import audit
from labels.registry.permissions import Principal, require_product_editor
from labels.registry.products import REQUIRED, validate_product
from models import Organisation, Product

COLUMNS = ("gtin", "name_vi", "name_en", "brand", "product_group", "sector", "published", "holder_tax_code")
_TRUE = {"1", "true", "yes", "y", "x", "có", "co"}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "rule": self.rule, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class ImportRefused(LabelsError):
    """At least one row is wrong; nothing was imported."""

    problem = "import-refused"

    def __init__(self, report: ImportReport):
        self.report = report
        rows = sorted({e.row for e in report.errors})
        super().__init__(f"{len(rows)} of {report.rows} rows have errors; nothing was imported")


def import_products(
    session: Session,
    actor: Principal,
    filename: str,
    content: bytes,
    default_holder: Organisation | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Register every product in the file, or none: on any bad row raise :class:`ImportRefused`.

    Rows that name no ``holder_tax_code`` belong to ``default_holder`` or, when the caller is a
    member of exactly one enterprise, to that enterprise.
    """
    if default_holder is None:
        enterprises = actor.organisation_ids("enterprise")
        if len(enterprises) == 1:
            default_holder = session.get(Organisation, next(iter(enterprises)))
    report = ImportReport()
    planned: list[tuple[Organisation, dict]] = []
    seen: dict[str, int] = {}
    holders: dict[str, Organisation] = {}
    for number, row in read_rows(filename, content):
        report.rows += 1
        if progress:
            progress(1)
        holder = _row_holder(session, row, default_holder, holders, number, report)
        fields = {k: v for k, v in row.items() if k in COLUMNS and k != "holder_tax_code"}
        fields["published"] = fields.get("published", "").lower() in _TRUE
        for name in REQUIRED:
            if not fields.get(name):
                report.errors.append(RowError(number, name, "required", "this column is required"))
        if holder is None or any(e.row == number for e in report.errors):
            continue
        try:
            require_product_editor(actor, holder.id)
            clean = validate_product(fields, holder)
        except InvalidInput as exc:
            report.errors.extend(RowError(number, i.field, i.rule, i.message) for i in exc.issues)
            continue
        except LabelsError as exc:
            report.errors.append(RowError(number, "holder_tax_code", "permission", exc.detail))
            continue
        gtin = clean["gtin"]
        if gtin in seen:
            report.errors.append(RowError(number, "gtin", "unique", f"GTIN repeats row {seen[gtin]}"))
            continue
        seen[gtin] = number
        planned.append((holder, clean))
    existing = set(session.scalars(select(Product.gtin).where(Product.gtin.in_(seen)))) if seen else set()
    for gtin in sorted(existing):
        report.errors.append(RowError(seen[gtin], "gtin", "unique", f"GTIN {gtin} is registered already"))
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, e.field))
        raise ImportRefused(report)
    if report.rows == 0:
        raise InvalidInput.one("file", "rows", "the file has a header but no product rows")
    for holder, clean in planned:
        session.add(Product(holder=holder, **clean))
        report.created.append(clean["gtin"])
    for holder_id in sorted({h.id for h, _ in planned}):
        gtins = [c["gtin"] for h, c in planned if h.id == holder_id]
        audit.record(
            session,
            actor,
            "product.import",
            "organisation",
            holder_id,
            holder_id,
            filename=filename,
            count=len(gtins),
        )
    return report


def _row_holder(session, row, default_holder, cache, number, report) -> Organisation | None:
    tax_code = row.get("holder_tax_code", "").strip()
    if not tax_code:
        if default_holder is None:
            report.errors.append(
                RowError(
                    number,
                    "holder_tax_code",
                    "required",
                    "name the holder's tax code, or choose a holder for the whole file",
                )
            )
        return default_holder
    if tax_code not in cache:
        holder = session.scalar(select(Organisation).where(Organisation.tax_code == tax_code))
        if holder is None:
            report.errors.append(
                RowError(number, "holder_tax_code", "exists", f"no organisation with tax code {tax_code}")
            )
            return None
        cache[tax_code] = holder
    return cache[tax_code]
