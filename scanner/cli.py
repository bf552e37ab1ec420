"""``python -m scanner``: verify codes and photos, audit a shelf, fetch a trust bundle to take offline.

::

    python -m scanner fetch  --registry URL --pin JWKS --out bundle.json
    python -m scanner verify --bundle bundle.json --pin JWKS  PHOTO|URL|GTIN ...
    python -m scanner audit  --bundle bundle.json --pin JWKS  shelf.csv|PHOTO-FOLDER --report out.csv

Exit status: 0 every code is valid; 1 at least one failed (forged, expired, withdrawn, not an ecoreg
code, no code in a photo, ...); 3 none failed but some could not be decided offline (use ``--online``);
4 nothing could be checked (the bundle, the pin or the network); 2 a usage error.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from scanner.bundle import TrustBundle, fetch_bundle, open_bundle, pin
from scanner.errors import DecodeError, ScannerError
from scanner.online import OnlineResolver
from scanner.verify import DEFAULT_MAX_AGE, Verdict, verify_code

EXIT_OK, EXIT_FAILED, EXIT_UNDECIDED, EXIT_UNUSABLE = 0, 1, 3, 4
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"})
#: Header names of the column holding the code in a shelf CSV (the first one found is used).
CODE_COLUMNS = ("code", "uri", "url", "gtin", "barcode", "ma", "mã", "ma_so", "mã số")
#: A photo with no readable code, or an empty cell: not a verdict on a code, but a failed check.
NO_CODE = "no-code"
NO_CODE_MESSAGES = ("Không đọc được mã nào.", "No code could be read.")

HEADINGS = {
    "vi": ("#", "nguồn", "kết luận", "mã", "nhãn", "giải thích"),
    "en": ("#", "source", "verdict", "code", "labels", "message"),
}
SUMMARY = {
    "vi": "{total} mã: {valid} hợp lệ, {failed} không đạt, {undecided} cần kiểm tra trực tuyến; "
    "tỷ lệ đạt {percent}%",
    "en": "{total} codes: {valid} valid, {failed} failed, {undecided} need an online check; "
    "compliance {percent}%",
}


@dataclass
class Row:
    """One line of the report: a code's verdict, or a source where no code could be read."""

    source: str
    verdict: Verdict | None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def word(self) -> str:
        return self.verdict.verdict if self.verdict else NO_CODE

    @property
    def failed(self) -> bool:
        return self.verdict is None or self.verdict.failed

    def message(self, language: str) -> str:
        if self.verdict is None:
            return NO_CODE_MESSAGES[language == "en"]
        return self.verdict.message(language)


@dataclass
class Context:
    bundle: TrustBundle
    online: OnlineResolver | None
    language: str
    max_age: timedelta | None
    hosts: tuple[str, ...]
    now: datetime

    def verify(self, code) -> Verdict:
        return verify_code(
            code, self.bundle, self.now, self.online, extra_hosts=self.hosts, max_age=self.max_age
        )


# --- options shared by verify and audit ----------------------------------------------------------


def _trust_options(command):
    options = [
        click.option(
            "--bundle",
            "bundle_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A trust bundle saved earlier (python -m scanner fetch), for offline checks.",
        ),
        click.option(
            "--registry",
            metavar="URL",
            help="The registry's base URL: fetch a fresh bundle from it (when no --bundle), and "
            "ask its resolver with --online.",
        ),
        click.option(
            "--pin",
            "pins",
            multiple=True,
            metavar="JWKS|KEY",
            help="What you trust the registry's key by: a JWKS or JWK file (the registry's "
            "/.well-known/jwks.json, checked out of band) or a key's base64url x. Repeatable.",
        ),
        click.option("--online", is_flag=True, help="Ask the registry's resolver for the live verdict."),
        click.option(
            "--report",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write every result to a .csv or .json file.",
        ),
        click.option("--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True),
        click.option(
            "--max-age-days",
            type=float,
            default=DEFAULT_MAX_AGE.days,
            show_default=True,
            help="Past this bundle age a clear status is no longer taken as valid (0: no limit).",
        ),
        click.option(
            "--host",
            "hosts",
            multiple=True,
            metavar="HOST",
            help="A mirror of the registry's resolver host to accept besides the bundle's.",
        ),
        click.option("--timeout", type=float, default=10.0, show_default=True, help="Network timeout, s."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _context(bundle_path, registry, pins, online, language, max_age_days, hosts, timeout) -> Context:
    if bundle_path is None and registry is None:
        raise click.UsageError("give --bundle FILE or --registry URL")
    if not pins:
        raise click.UsageError(
            "give --pin: the registry's JWKS (its /.well-known/jwks.json, checked out of band) or key. "
            "A trust bundle is signed by a key it carries itself, so without a pin it proves nothing."
        )
    pinned = pin([_pin_source(text) for text in pins])
    now = datetime.now(UTC)
    if bundle_path is not None:
        bundle = open_bundle(bundle_path, pinned, now=now)
    else:
        bundle = fetch_bundle(registry, pinned, now=now, timeout=timeout)
    resolver = OnlineResolver(registry or bundle.issuer, timeout=timeout) if online else None
    click.echo(_bundle_line(bundle, now, language), err=True)
    max_age = timedelta(days=max_age_days) if max_age_days > 0 else None
    return Context(bundle, resolver, language, max_age, tuple(hosts), now)


def _pin_source(text: str):
    path = Path(text)
    return path if path.is_file() else text


def _bundle_line(bundle: TrustBundle, now: datetime, language: str) -> str:
    hours = bundle.age(now).total_seconds() / 3600
    issued = bundle.issued_at.strftime("%Y-%m-%d %H:%M UTC")
    size = bundle.checkpoint.size
    if language == "en":
        return f"trust bundle of {bundle.issuer}, issued {issued} ({hours:.1f} h ago), log size {size}"
    return f"gói tin cậy của {bundle.issuer}, cấp lúc {issued} ({hours:.1f} giờ trước), nhật ký {size} mục"


def _run(work) -> None:
    """Run a command body; an unusable bundle, pin or network ends it with one sentence and exit 4."""
    try:
        code = work()
    except ScannerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    sys.exit(code)


# --- commands ------------------------------------------------------------------------------------


@click.group()
def main() -> None:
    """Verify ecoreg eco-label codes offline against a signed trust bundle, or online."""


@main.command()
@click.option("--registry", required=True, metavar="URL", help="The registry's base URL.")
@click.option("--pin", "pins", multiple=True, required=True, metavar="JWKS|KEY", help="As for verify.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--timeout", type=float, default=10.0, show_default=True)
def fetch(registry: str, pins: tuple[str, ...], out: Path, timeout: float) -> None:
    """Fetch the registry's trust bundle, check it against the pin, and save it for offline use."""

    def work() -> int:
        bundle = fetch_bundle(registry, pin([_pin_source(text) for text in pins]), timeout=timeout)
        bundle.save(out)
        click.echo(f"saved {bundle!r} to {out}")
        return EXIT_OK

    _run(work)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PHOTO|URL|GTIN...")
@_trust_options
def verify(inputs: tuple[str, ...], report: Path | None, **options) -> None:
    """Verify the codes in photos, or codes given as text (a scanned URL or a GTIN)."""

    def work() -> int:
        _check_report(report)
        context = _context(**options)
        rows: list[Row] = []
        for item in inputs:
            path = Path(item)
            rows.extend(
                _photo_rows(context, path, item) if path.is_file() else [Row(item, context.verify(item))]
            )
        return _finish(context, rows, report)

    _run(work)


@main.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@_trust_options
def audit(source: Path, report: Path | None, **options) -> None:
    """Audit a shelf: a CSV of codes or GTINs (one column named code, gtin, uri...), or a folder of photos."""

    def work() -> int:
        _check_report(report)
        context = _context(**options)
        if source.is_dir():
            photos = sorted(p for p in source.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
            items = [(str(photo.relative_to(source)), photo) for photo in photos]

            def check(item):
                return _photo_rows(context, item[1], item[0])
        else:
            items = _shelf_rows(source)

            def check(item):
                row_number, code, extra = item
                source_name = f"{source.name}:{row_number}"
                if not code:
                    return [Row(source_name, None, extra)]
                return [Row(source_name, context.verify(code), extra)]

        rows: list[Row] = []
        label = "kiểm tra" if context.language == "vi" else "checking"
        with click.progressbar(items, label=label, file=sys.stderr, show_pos=True) as progress:
            for item in progress:
                rows.extend(check(item))
        return _finish(context, rows, report)

    _run(work)


def _check_report(report: Path | None) -> None:
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        raise click.UsageError(f"--report names a .csv or .json file, not {report.name}")


def _photo_rows(context: Context, path: Path, name: str) -> list[Row]:
    from scanner.decode import decode_image  # zxing-cpp only when a picture is read

    try:
        codes = decode_image(path)
    except DecodeError as exc:
        click.echo(f"{name}: {exc}", err=True)
        return [Row(name, None)]
    return [Row(name, context.verify(code)) for code in codes] or [Row(name, None)]


def _shelf_rows(path: Path) -> list[tuple[int, str, dict[str, str]]]:
    """``(line number, code, other columns)`` of a shelf CSV; a header row is recognised by its names."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise click.UsageError(f"cannot read {path} as a UTF-8 CSV file: {exc}") from None
    if not lines:
        return []
    names = [cell.strip().lower() for cell in lines[0]]
    column = next((names.index(name) for name in CODE_COLUMNS if name in names), None)
    header = column is not None
    column = column or 0
    rows = []
    for number, cells in enumerate(lines[1:] if header else lines, start=2 if header else 1):
        if not any(cell.strip() for cell in cells):
            continue
        code = cells[column].strip() if column < len(cells) else ""
        extra = (
            {lines[0][i]: cell for i, cell in enumerate(cells) if i != column and i < len(lines[0])}
            if header
            else {}
        )
        rows.append((number, code, extra))
    return rows


# --- output --------------------------------------------------------------------------------------


def _finish(context: Context, rows: list[Row], report: Path | None) -> int:
    _print_table(rows, context.language)
    summary = _summary(rows)
    click.echo(SUMMARY[context.language].format(**summary))
    if report is not None:
        _write_report(report, context, rows, summary)
    if summary["failed"]:
        return EXIT_FAILED
    return EXIT_UNDECIDED if summary["undecided"] else EXIT_OK


def _summary(rows: list[Row]) -> dict:
    counts = Counter(row.word for row in rows)
    total = len(rows)
    valid = counts.get("valid", 0)
    undecided = sum(1 for row in rows if row.verdict is not None and row.verdict.undecided)
    return {
        "total": total,
        "valid": valid,
        "failed": sum(1 for row in rows if row.failed),
        "undecided": undecided,
        "percent": round(100 * valid / total, 1) if total else 0.0,
        "by_verdict": dict(sorted(counts.items())),
    }


def _clip(text: str, width: int) -> str:
    # A scanned text may hold terminal escape sequences: show control characters, never send them.
    text = "".join(char if char.isprintable() else "\N{REPLACEMENT CHARACTER}" for char in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_table(rows: list[Row], language: str) -> None:
    widths = (4, 24, 18, 48, 24)
    heading = HEADINGS[language]
    click.echo("  ".join(h.ljust(w) for h, w in zip(heading, widths, strict=False)) + "  " + heading[-1])
    for number, row in enumerate(rows, start=1):
        verdict = row.verdict
        # What a claim that did not verify names is the forger's text, not a fact: not shown here.
        labels = (
            " ".join(s.label_number for s in verdict.labels if s.status != "unverified") if verdict else ""
        )
        cells = (str(number), row.source, row.word, verdict.code if verdict else "", labels)
        line = "  ".join(_clip(cell, w).ljust(w) for cell, w in zip(cells, widths, strict=True))
        colour = (
            "green" if verdict and verdict.passed else "yellow" if verdict and verdict.undecided else "red"
        )
        click.echo(click.style(line, fg=colour) + "  " + row.message(language))


REPORT_COLUMNS = (
    "source",
    "code",
    "format",
    "verdict",
    "message",
    "gtin",
    "lot",
    "serial",
    "labels",
    "expires",
    "genuine",
    "checked",
    "offline_verdict",
    "notes",
    "bundle_issued_at",
    "bundle_age_hours",
)


def _write_report(path: Path, context: Context, rows: list[Row], summary: dict) -> None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        document = {
            "generated_at": context.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "bundle": {
                "issuer": context.bundle.issuer,
                "issued_at": context.bundle.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "age_seconds": int(context.bundle.age(context.now).total_seconds()),
                "log_origin": context.bundle.checkpoint.origin,
                "log_size": context.bundle.checkpoint.size,
            },
            "summary": summary,
            "results": [_json_row(row, context.language) for row in rows],
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif suffix == ".csv":
        extra_names = list(dict.fromkeys(name for row in rows for name in row.extra))
        columns = [*REPORT_COLUMNS, *(n if n not in REPORT_COLUMNS else f"shelf_{n}" for n in extra_names)]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                cells = [*_csv_cells(row, context.language), *(row.extra.get(n, "") for n in extra_names)]
                writer.writerow([_inert(cell) for cell in cells])
    else:
        raise click.UsageError(f"--report names a .csv or .json file, not {path.name}")  # checked before


def _inert(cell):
    """A scanned text is anyone's text: keep a spreadsheet from reading ``=...`` as a formula (OWASP)."""
    return f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _json_row(row: Row, language: str) -> dict:
    body = row.verdict.to_dict() if row.verdict else {"code": None, "verdict": NO_CODE}
    if row.verdict is None:
        body["message_vi"], body["message_en"] = NO_CODE_MESSAGES
    return {"source": row.source, **body, "message": row.message(language), "extra": row.extra}


def _csv_cells(row: Row, language: str) -> list:
    verdict = row.verdict
    if verdict is None:
        return [row.source, "", "", NO_CODE, row.message(language), *[""] * (len(REPORT_COLUMNS) - 5)]
    age = verdict.bundle_age.total_seconds() / 3600 if verdict.bundle_age is not None else None
    return [
        row.source,
        verdict.code,
        verdict.format or "",
        verdict.verdict,
        verdict.message(language),
        verdict.gtin or "",
        verdict.lot or "",
        verdict.serial or "",
        " ".join(f"{s.label_number}:{s.status}" for s in verdict.labels),
        verdict.expires.isoformat() if verdict.expires else "",
        "" if verdict.genuine is None else str(verdict.genuine).lower(),
        verdict.checked,
        verdict.offline_verdict or "",
        " ".join(verdict.notes),
        verdict.bundle_issued_at.strftime("%Y-%m-%dT%H:%M:%SZ") if verdict.bundle_issued_at else "",
        f"{age:.2f}" if age is not None else "",
    ]
