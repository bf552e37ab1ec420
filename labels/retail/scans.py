"""The scan log and the counterfeit signals the authority reads from it.

A scan is kept without personal data: time, code (GTIN, lot, serial), verdict, the class of client
(browser, app, API, scanner) and the district only if the client offered one. From these the
authority sees where fakes turn up:

- **suspicious codes**: forged codes and serials the registry never issued, by code;
- **roaming serials**: one serial scanned in several districts (a genuine item is in one place; a
  cloned code is printed on many);
- **over-scanned serials and lots**: one serial scanned more than ``serial_limit`` times, or a lot's
  serials scanned more than ``lot_factor`` times its size (clones of genuine codes);
- **withdrawn labels still scanned**: products whose label was withdrawn, still on shelves.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, insert, select
from sqlalchemy.orm import Session

from labels.errors import PermissionDenied
from labels.registry.permissions import Principal, require_scope
from models import Lot, Product, Scan

SUSPICIOUS = ("forged", "serial-not-issued")
DEFAULT_SERIAL_LIMIT = 20
DEFAULT_LOT_FACTOR = 3


def record(session: Session, scans: list[dict]) -> None:
    """Store a batch of scans (``scanned_at, gtin, lot, serial, verdict, client_class, district``)."""
    if scans:
        session.execute(insert(Scan), scans)


@dataclass
class Signal:
    kind: str
    gtin: str
    lot: str | None
    serial: str | None
    scans: int
    districts: list[str]
    first: datetime
    last: datetime
    detail: str = ""


@dataclass
class Signals:
    since: datetime
    until: datetime
    signals: list[Signal] = field(default_factory=list)
    #: district (or "" when not offered) -> verdict -> scans
    by_district: dict[str, dict[str, int]] = field(default_factory=dict)


def require_surveillance(principal: Principal) -> None:
    """The Department of Industry and Trade and the certification bodies watch the market."""
    require_scope(principal, "signals:read")
    if not principal.is_certifier:
        raise PermissionDenied("only the authority's and certification bodies' staff read scan signals")


def signals(
    session: Session,
    principal: Principal,
    since: datetime,
    until: datetime,
    serial_limit: int = DEFAULT_SERIAL_LIMIT,
    lot_factor: int = DEFAULT_LOT_FACTOR,
) -> Signals:
    require_surveillance(principal)
    window = (Scan.scanned_at >= since, Scan.scanned_at < until)
    found = Signals(since, until)
    for district, verdict, count in session.execute(
        select(Scan.district, Scan.verdict, func.count()).where(*window).group_by(Scan.district, Scan.verdict)
    ):
        found.by_district.setdefault(district or "", {})[verdict] = count
    found.signals += _grouped(session, window, "suspicious-code", Scan.verdict.in_(SUSPICIOUS))
    found.signals += _grouped(
        session, window, "withdrawn-still-scanned", Scan.verdict == "withdrawn", by_serial=False
    )
    found.signals += [
        signal
        for signal in _grouped(session, window, "roaming-serial", Scan.serial.is_not(None))
        if len(signal.districts) > 1
    ]
    found.signals += [
        signal
        for signal in _grouped(session, window, "over-scanned-serial", Scan.serial.is_not(None))
        if signal.scans > serial_limit
    ]
    found.signals += _over_scanned_lots(session, window, lot_factor)
    return found


def _grouped(session: Session, window, kind: str, condition, by_serial: bool = True) -> list[Signal]:
    keys = [Scan.gtin, Scan.lot, Scan.serial] if by_serial else [Scan.gtin]
    rows = session.execute(
        select(*keys, func.count(), func.min(Scan.scanned_at), func.max(Scan.scanned_at))
        .where(*window, condition)
        .group_by(*keys)
        .order_by(func.count().desc())
        .limit(500)
    ).all()
    result = []
    for row in rows:
        gtin, lot, serial = (row[0], row[1], row[2]) if by_serial else (row[0], None, None)
        count, first, last = row[-3:]
        result.append(
            Signal(kind, gtin, lot, serial, count, _districts(session, window, gtin, serial), first, last)
        )
    return result


def _districts(session: Session, window, gtin: str, serial: str | None) -> list[str]:
    query = select(distinct(Scan.district)).where(*window, Scan.gtin == gtin, Scan.district.is_not(None))
    if serial is not None:
        query = query.where(Scan.serial == serial)
    return sorted(session.scalars(query))


def _over_scanned_lots(session: Session, window, lot_factor: int) -> list[Signal]:
    rows = session.execute(
        select(
            Scan.gtin,
            Scan.lot,
            Lot.quantity,
            func.count(),
            func.min(Scan.scanned_at),
            func.max(Scan.scanned_at),
        )
        .join(Product, Product.gtin == Scan.gtin)
        .join(Lot, (Lot.product_id == Product.id) & (Lot.lot_number == Scan.lot))
        .where(*window, Scan.lot.is_not(None), Lot.quantity > 0)
        .group_by(Scan.gtin, Scan.lot, Lot.quantity)
        .having(func.count() > Lot.quantity * lot_factor)
    ).all()
    return [
        Signal(
            "over-scanned-lot",
            gtin,
            lot,
            None,
            count,
            _districts(session, window, gtin, None),
            first,
            last,
            f"{count} scans of a lot of {quantity}",
        )
        for gtin, lot, quantity, count, first, last in rows
    ]


CSV_COLUMNS = ("signal", "gtin", "lot", "serial", "scans", "districts", "first_seen", "last_seen", "detail")


def signals_csv(found: Signals) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in found.signals:
        writer.writerow(
            [
                s.kind,
                s.gtin,
                _cell(s.lot),
                _cell(s.serial),
                s.scans,
                " ".join(s.districts),
                s.first.isoformat(),
                s.last.isoformat(),
                s.detail,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()  # a BOM, so that Excel reads the Vietnamese right


def _cell(value: str | None) -> str:
    """A code's lot or serial comes from whoever printed it; one that starts like a formula is quoted
    so that a spreadsheet shows it instead of running it."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
