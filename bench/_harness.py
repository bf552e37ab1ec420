"""Shared set-up for the bench scripts: a fresh SQLite database in a temporary directory, keys, documents.

Not a benchmark itself. Each script measures the code under test and a baseline in the same run and
prints the ratio; nothing here asserts on time.
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `.venv/bin/python bench/<name>.py` from anywhere
    sys.path.insert(0, str(ROOT))


@contextmanager
def fresh_registry(database_url: str | None = None):
    """``(app, db)`` on a new migrated database with one active key per purpose.

    By default a SQLite file in a temporary directory, removed afterwards. ``database_url`` names a
    scratch PostgreSQL database instead: its ``public`` schema is dropped and recreated first.
    """
    from flask_migrate import upgrade

    from app import create_app
    from app.database import db
    from labels.registry.permissions import SYSTEM

    with tempfile.TemporaryDirectory(prefix="ecoreg-bench-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if url.startswith("postgresql"):
            _reset_postgresql(url)
        app = create_app({"ECOREG_ENV": "testing", "DATABASE_URL": url})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        with db.new_session() as session:
            app.extensions["notary"].generate_keys(session, SYSTEM)
            session.commit()
        try:
            yield app, db
        finally:
            db.engine.dispose()


def _reset_postgresql(url: str) -> None:
    from sqlalchemy import text

    from app.database import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_label(url: str | None) -> str:
    return "PostgreSQL" if url and url.startswith("postgresql") else "SQLite (temporary file)"


def label_like_document(notary, serial: int) -> dict:
    """An unsigned credential shaped and sized like a label credential (about 1.9 KB once signed)."""
    number = f"DN-GRN-2026-{serial:06d}"
    group, position = divmod(serial, 131_072)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": notary.url(f"/api/v1/labels/{number}/credential"),
        "type": ["VerifiableCredential", "EcoLabelCredential"],
        "issuer": notary.issuer,
        "validFrom": "2026-11-23T09:00:00Z",
        "validUntil": "2029-11-23T09:00:00Z",
        "credentialSubject": {
            "id": f"urn:ecoreg:label:{number}",
            "type": "EcoLabel",
            "labelNumber": number,
            "kind": "green",
            "isoType": "I",
            "scheme": {
                "code": "VGL-PAPER",
                "name": "Vietnam Green Label - Office paper",
                "nameVi": "Nhãn Xanh Việt Nam - Giấy văn phòng",
                "criteriaVersion": 1,
            },
            "holder": {"name": "Công ty TNHH Giấy Tân Mai Xanh", "taxCode": "3600201070"},
            "certifiedBy": {
                "name": "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Đồng Nai",
                "taxCode": "3600000021",
            },
            "products": [
                {
                    "gtin": f"0893600{serial % 10**6:06d}9",
                    "name": "Giấy in A4 tái chế",
                    "nameEn": "Recycled A4 paper",
                }
            ],
            "claims": {
                "criteria": [
                    {"code": "PPR-01", "passed": True, "value": 70},
                    {"code": "PPR-02", "passed": True},
                ]
            },
            "version": 1,
        },
        "credentialStatus": [
            {
                "id": notary.url(f"/status/{purpose}-{group + 1}#{position}"),
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(position),
                "statusListCredential": notary.url(f"/status/{purpose}-{group + 1}"),
            }
            for purpose in ("revocation", "suspension")
        ],
    }


def now() -> datetime:
    return datetime.now(UTC)


def machine() -> str:
    import os

    cores = os.cpu_count()
    return f"{platform.machine()}, {cores} cores, Python {platform.python_version()}, {platform.system()}"


def header(title: str) -> None:
    print(f"{title} - {datetime.now(UTC):%Y-%m-%d %H:%M} UTC - {machine()}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
