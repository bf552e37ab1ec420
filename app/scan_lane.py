"""The scan lane: the request that makes up nearly all of the resolver's traffic, a scanning app's
``GET /01/...`` with ``Accept: application/json``, answered straight from WSGI in front of Flask.

Why by hand, next to a Flask view that gives the same answer: that request needs none of what Flask and
its extensions do for every other page (a session cookie, CSRF, login, languages, the rate limiter,
the database session committed at the edge), and doing it anyway cost more than half of each scan
(``bench/bench_resolver.py --profile``). The lane shares the work that matters with the view: the
path and claim parsing, :func:`labels.codes.resolver.resolve_facts` and :func:`app.web.resolver.verdict_json`;
it adds only the headers, which ``tests/functional/test_scan_lane.py`` holds to the view's byte for byte
for every verdict.

Anything else goes on to Flask: another method or ``Accept``, a ``linkType``, a path that does not
parse (Flask answers the 400 problem), a server that does not give the raw request path, and any error
in the lane (Flask's error handling answers it, and the lane's failure is logged).
"""

from __future__ import annotations

import logging

from flask import Flask

from app import SECURITY_HEADERS, scan_log
from app.database import db
from app.web.resolver import CORS_HEADERS, linkset_header, raw_path, verdict_json
from labels.codes.qrclaim import split_claim
from labels.codes.resolver import resolve_facts
from labels.gs1.digital_link import parse_digital_link
from labels.gs1.identifiers import InvalidIdentifier
from models import utcnow

log = logging.getLogger(__name__)


class ScanLane:
    """WSGI middleware: answers scans as the resolver view would, hands everything else to ``next_app``."""

    def __init__(self, app: Flask, next_app) -> None:
        self.app = app
        self.next = next_app

    def __call__(self, environ: dict, start_response):
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("HTTP_ACCEPT") != "application/json"
            or not environ.get("PATH_INFO", "").startswith("/01/")
        ):
            return self.next(environ, start_response)
        try:
            answer = self._answer(environ)
        except Exception:
            log.exception("the scan lane failed on %s; Flask answers instead", environ.get("PATH_INFO"))
            answer = None
        if answer is None:
            return self.next(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
        path = raw_path(environ)
        if path is None:
            return None
        query_string = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace")
        claim, query = split_claim(query_string)
        try:
            link = parse_digital_link(f"https://resolver.invalid{path}" + (f"?{query}" if query else ""))
        except InvalidIdentifier:
            return None
        if any(name == "linkType" for name, _ in link.other):
            return None
        with db.read_connection() as connection:
            resolution = resolve_facts(connection, link, claim, utcnow())
        base = self.app.config["PUBLIC_BASE_URL"].rstrip("/")
        canonical = base + link.path()
        adapter = self.app.url_map.bind("localhost", script_name=environ.get("SCRIPT_NAME") or "/")

        def label_href(label) -> str:
            return base + adapter.build("catalogue.label", {"label_number": label.label_number})

        body = self.app.json.dumps(verdict_json(resolution, canonical, label_href), ensure_ascii=False)
        body = body.encode("utf-8")
        scan = scan_log.entry(
            *scan_log.scanned(resolution),
            scan_log.declared_class(environ.get("HTTP_ECOREG_CLIENT")) or "app",
            scan_log.district(environ.get("HTTP_ECOREG_DISTRICT")),
        )
        scan_log.keep(self.app, [scan])
        status = "404 NOT FOUND" if resolution.product is None else "200 OK"
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Link", linkset_header(canonical)),
            *CORS_HEADERS,
            ("Vary", "Accept"),
            *SECURITY_HEADERS,
        ]
        return status, headers, body
