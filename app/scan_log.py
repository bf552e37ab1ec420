"""Recording scans off the request path: the resolver answers from a read-only session and must not
wait for a write, so each worker buffers its scans in memory and a background thread stores them in
batches every ``SCAN_FLUSH_SECONDS``. A worker killed outright loses at most that much of the log;
the log feeds statistics, never a verdict. With ``SCAN_FLUSH_SECONDS = 0`` (the tests) each request's
scans are stored when it ends, in the request's thread.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque

from flask import Flask, current_app, g, request

from app.database import db
from labels.registry.reference import DISTRICTS
from labels.retail import scans
from models import CLIENT_CLASSES, utcnow

log = logging.getLogger(__name__)

_buffer: deque[dict] = deque(maxlen=100_000)  # bounded: a stuck database cannot exhaust memory
_lock = threading.Lock()
_flusher: threading.Thread | None = None


def client_class(default: str | None = None) -> str:
    """What kind of client asked: a declared one (``Ecoreg-Client``), else ``default``, else a browser or
    an app by what it accepts."""
    declared = declared_class(request.headers.get("Ecoreg-Client"))
    if declared:
        return declared
    if default:
        return default
    return "browser" if request.accept_mimetypes.best == "text/html" else "app"


def declared_class(header: str | None) -> str | None:
    """The client class an ``Ecoreg-Client`` header declares, if it is one we know."""
    declared = (header or "").strip().lower()
    return declared if declared in CLIENT_CLASSES else None


def offered_district(value: str | None = None) -> str | None:
    """The district a client offered (``Ecoreg-District`` or a field), if it is one of the province's."""
    return district(value or request.headers.get("Ecoreg-District", ""))


def district(value: str | None) -> str | None:
    """``value`` if it names one of the province's districts."""
    value = (value or "").strip()
    return value if value in DISTRICTS else None


def note(
    gtin: str, lot: str | None, serial: str | None, verdict: str, client: str, district: str | None
) -> None:
    """Remember one scan of this request; stored after the response (or by the flusher)."""
    g.setdefault("scans", []).append(entry(gtin, lot, serial, verdict, client, district))


def scanned(resolution) -> tuple[str, str | None, str | None, str]:
    """``(gtin, lot, serial, verdict)`` of a resolver's :class:`labels.codes.resolver.Resolution`: what a scan
    at the resolver logs (the view's and the scan lane's alike)."""
    link = resolution.link
    return link.primary, link.qualifier("10"), resolution.serial, resolution.verdict


def entry(
    gtin: str, lot: str | None, serial: str | None, verdict: str, client: str, district: str | None
) -> dict:
    """One scan as the log stores it: no address, agent or account."""
    return {
        "scanned_at": utcnow(),
        "gtin": gtin,
        "lot": lot,
        "serial": serial,
        "verdict": verdict,
        "client_class": client,
        "district": district,
    }


def _at_teardown(_exc) -> None:
    """After the response and the request's own commit (so that its sessions are done with)."""
    found = g.pop("scans", None)
    if found:
        keep(current_app._get_current_object(), found)


def keep(app: Flask, found: list[dict]) -> None:
    """Store ``found`` now (``SCAN_FLUSH_SECONDS = 0``) or hand it to this worker's flusher."""
    if app.config["SCAN_FLUSH_SECONDS"] <= 0:
        _store(found)
    else:
        _buffer.extend(found)
        _start(app)


def _store(batch: list[dict]) -> None:
    with db.new_session() as session:
        scans.record(session, batch)
        session.commit()


def flush() -> None:
    """Store everything buffered now (the flusher's loop, and the process's exit)."""
    with _lock:
        batch = list(_buffer)
        _buffer.clear()
    if batch:
        try:
            _store(batch)
        except Exception:  # the log must never take a worker down; the batch is lost and said so
            log.exception("could not store %d scans", len(batch))


def _start(app: Flask) -> None:
    global _flusher
    if _flusher is not None and _flusher.is_alive():
        return
    with _lock:
        if _flusher is not None and _flusher.is_alive():
            return
        interval = app.config["SCAN_FLUSH_SECONDS"]

        def loop():
            while True:
                threading.Event().wait(interval)
                with app.app_context():
                    flush()

        def at_exit():
            with app.app_context():
                flush()

        _flusher = threading.Thread(target=loop, name="scan-log", daemon=True)
        _flusher.start()
        atexit.register(at_exit)


def init_app(app: Flask) -> None:
    app.teardown_request(_at_teardown)
