"""The GS1 Digital Link resolver: ``/01/{gtin}[/22/..][/10/{lot}][/21/{serial}]`` on the registry's host.

It follows the GS1-Conformant Resolver conventions: GET, HEAD and OPTIONS; CORS on every answer; a 400
problem for bad syntax or a bad check digit (never a 200 for an error); content negotiation (the
consumer page for browsers, the JSON verdict for ``Accept: application/json``, an RFC 9264 link set for
``Accept: application/linkset+json`` or ``?linkType=linkset``) and a ``Link`` header to the link set on
every answer; ``?linkType=gs1:...`` answered with a 307 to that resource; and the resolver description
at ``/.well-known/gs1resolver``. The verdict itself comes from :mod:`labels.codes.resolver`.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, json, redirect, render_template, request, url_for

from app import scan_log
from app.database import db
from app.errors import problem, wants_problem
from app.extensions import limiter
from labels.codes.qrclaim import split_claim
from labels.codes.resolver import Resolution, resolve_facts, with_rows
from labels.gs1.digital_link import parse_digital_link
from labels.gs1.identifiers import InvalidIdentifier
from models import utcnow

bp = Blueprint("resolver", __name__)

METHODS = ("GET", "HEAD", "OPTIONS")
LINKSET = "application/linkset+json"
GS1 = "https://gs1.org/voc/"
#: The link types this resolver answers.
LINK_TYPES = (
    "certificationInfo",
    "sustainabilityInfo",
    "recyclingInfo",
    "traceability",
    "epcis",
    "pip",
    "defaultLink",
)


@limiter.request_filter
def _scans_are_not_rate_limited() -> bool:
    """No rate limit applies to the resolver (a shop's scanners share one address); said here, the
    limiter no longer works that out again on every scan, which cost about a tenth of one."""
    return request.blueprint == bp.name


#: On every answer of the resolver (here and in the scan lane).
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "Link, Location"))


@bp.after_request
def _cors(response: Response) -> Response:
    for name, value in CORS_HEADERS:
        response.headers[name] = value
    response.vary.add("Accept")
    return response


def linkset_header(canonical: str) -> str:
    """The ``Link`` header every answer carries: where the item's link set is."""
    return f'<{canonical}?linkType=linkset>; rel="linkset"; type="{LINKSET}"'


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def _raw_path() -> str:
    """The request path as sent, escapes kept (a lot may hold an escaped ``/``)."""
    return raw_path(request.environ) or quote(request.path, safe="/")


def raw_path(environ: dict) -> str | None:
    """The path of the request target as the server received it, without the script root; ``None`` when
    the server does not say (neither ``RAW_URI`` nor ``REQUEST_URI``)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        return None
    raw = raw.split("?", 1)[0].split("#", 1)[0]
    if "://" in raw:  # an absolute-form request target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    root = environ.get("SCRIPT_NAME", "").rstrip("/")
    return raw[len(root) :] if root and raw.startswith(root) else raw


def _normal_link_type(value: str) -> str:
    return "gs1:" + value[len(GS1) :] if value.startswith(GS1) else value


@bp.route("/01/<path:rest>", methods=METHODS)
def resolve_gtin(rest: str):
    """Resolve a GTIN, a lot or a serial: the consumer page, the JSON verdict, a link set or a redirect."""
    if request.method == "OPTIONS":
        return _options()
    claim, query = split_claim(request.query_string.decode("utf-8", "replace"))
    try:
        link = parse_digital_link(f"https://resolver.invalid{_raw_path()}" + (f"?{query}" if query else ""))
    except InvalidIdentifier as exc:
        return _error(
            400,
            "bad-request",
            f"not a valid GS1 Digital Link: {exc.message}",
            errors=[
                {"field": exc.field or "path", "rule": exc.rule, "message": exc.message, "location": "path"}
            ],
        )
    resolution = resolve_facts(db.read_session, link, claim, utcnow())
    canonical = _base() + link.path()
    link_types = [_normal_link_type(value) for name, value in link.other if name == "linkType"]
    link_type = link_types[0] if link_types else None
    if request.method == "GET" and link_type is None:
        # A scan, not the follow-up navigation of one (a link type) nor a link checker's HEAD.
        scan_log.note(*scan_log.scanned(resolution), scan_log.client_class(), scan_log.offered_district())
    response = _answer(resolution, canonical, link_type, claim)
    response.headers["Link"] = linkset_header(canonical)
    return response


def _answer(resolution: Resolution, canonical: str, link_type: str | None, claim: str | None) -> Response:
    unknown = resolution.product is None
    if link_type in ("linkset", "all"):
        return _linkset(resolution, canonical)
    if link_type is not None:
        return _redirect(resolution, link_type, claim)
    best = _preferred()
    if best == LINKSET:
        return _linkset(resolution, canonical)
    status = 404 if unknown else 200
    if best == "application/json":
        response = current_app.response_class(
            json.dumps(verdict_json(resolution, canonical), ensure_ascii=False),
            status=status,
            mimetype="application/json",
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    # The page reads more of the rows than the facts hold (addresses, issuers, criteria).
    resolution = with_rows(db.read_session, resolution)
    html = render_template(
        "resolver/page.html",
        r=resolution,
        canonical=canonical,
        label_url=lambda label: url_for("catalogue.label", label_number=label.label_number),
        journey_url=url_for("journey.page", id=_base() + resolution.link.path()),
    )
    response = current_app.response_class(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _preferred() -> str | None:
    """The representation the client prefers: the page, the JSON verdict or the link set."""
    # Exactly what scanning apps send (scanner/online.py does), answered without parsing the
    # header: werkzeug's content negotiation alone cost about a twentieth of a scan.
    if request.headers.get("Accept") == "application/json":
        return "application/json"
    return request.accept_mimetypes.best_match(["text/html", "application/json", LINKSET])


def _options() -> Response:
    response = current_app.response_class(status=204)
    response.headers["Allow"] = ", ".join(METHODS)
    response.headers["Access-Control-Allow-Methods"] = ", ".join(METHODS)
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _error(status: int, name: str, detail: str, **extra) -> Response:
    if wants_problem():
        return problem(name, detail, status, **extra)
    html = render_template("errors/error.html", status=status, title=name, detail=detail)
    return current_app.response_class(html, status=status, mimetype="text/html")


def _label_href(label) -> str:
    return _base() + url_for("catalogue.label", label_number=label.label_number)


def _consumer_page(claim: str | None) -> str:
    """The consumer page: this request's URI without ``linkType`` (the claim and other parameters kept)."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "linkType" and k != claim]
    query = "&".join(part for part in (claim or "", urlencode(kept, safe=":")) if part)
    return _raw_path() + (f"?{query}" if query else "")


def _redirect(resolution: Resolution, link_type: str, claim: str | None) -> Response:
    name = link_type.removeprefix("gs1:")
    if not link_type.startswith("gs1:") or name not in LINK_TYPES:
        return _error(404, "not-found", f"this resolver has no link of type {link_type}")
    if resolution.product is None:
        return _error(404, "not-found", "this product is not in the registry")
    if name in ("pip", "defaultLink"):
        return redirect(_consumer_page(claim), 307)
    if name == "traceability":
        return redirect(_journey_href(resolution), 307)
    if name == "epcis":
        return redirect(_events_href(resolution), 307)
    # Every label the link set offers is served, an active one first: a suspended or withdrawn label's
    # page is still its certification information, and says first what its status is.
    labels = sorted(resolution.labels, key=lambda item: item.status != "active")
    if name == "recyclingInfo":
        labels = [item for item in labels if item.label.kind_code == "recycling"]
    if not labels:
        return _error(
            404, "not-found", f"this product has no {'recycling ' if name == 'recyclingInfo' else ''}label"
        )
    return redirect(url_for("catalogue.label", label_number=labels[0].label.label_number), 307)


def _journey_href(resolution: Resolution) -> str:
    """The product's journey page for the identified item, lot or product."""
    return _base() + url_for("journey.page", id=_base() + resolution.link.path())


def _events_href(resolution: Resolution) -> str:
    """The EPCIS events naming the identified item, lot or product (the registry's EPCIS interface)."""
    # The EPC is one path segment, percent-encoded once (EPCIS 2.0 REST binding). url_for would encode it
    # a second time ("%253A"), and the events view would then look for an EPC nobody captured.
    epc = quote(_base() + resolution.link.path(), safe="")
    return _base() + url_for("epcis.EventsOfEpc", epc="EPC").replace("EPC", epc, 1)


def _target(href: str, title_vi: str, title_en: str) -> dict:
    return {
        "href": href,
        "title": title_vi,
        "title*": [{"value": title_en, "language": "en"}],
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }


def _label_targets(items) -> list[dict]:
    return [
        _target(
            _label_href(item.label),
            f"{item.label.scheme.name_vi} ({item.label.label_number})",
            f"{item.label.scheme.name_en} ({item.label.label_number})",
        )
        for item in items
    ]


def linkset(resolution: Resolution, canonical: str) -> dict:
    """The RFC 9264 link set of the identified item (with the GS1 link types as relation types)."""
    product = resolution.product
    entry: dict = {"anchor": canonical}
    page = _target(canonical, product.name_vi, product.name_en or product.name_vi)
    labels = list(resolution.labels)
    if labels:
        entry[GS1 + "certificationInfo"] = _label_targets(labels)
        entry[GS1 + "sustainabilityInfo"] = _label_targets(labels)
    recycling = [item for item in labels if item.label.kind_code == "recycling"]
    if recycling:
        entry[GS1 + "recyclingInfo"] = _label_targets(recycling)
    entry[GS1 + "traceability"] = [
        _target(_journey_href(resolution), "Hành trình sản phẩm", "Product journey")
    ]
    entry[GS1 + "epcis"] = [
        _target(_events_href(resolution), "Sự kiện EPCIS", "EPCIS events") | {"type": "application/ld+json"}
    ]
    entry[GS1 + "pip"] = [page]
    entry[GS1 + "defaultLink"] = [page]
    return {"linkset": [entry]}


def _linkset(resolution: Resolution, canonical: str) -> Response:
    if resolution.product is None:
        return _error(404, "not-found", "this product is not in the registry")
    response = current_app.response_class(
        json.dumps(linkset(resolution, canonical), ensure_ascii=False), mimetype=LINKSET
    )
    return response


def _instant(value) -> str | None:
    return value.isoformat() if value else None


def verdict_json(resolution: Resolution, canonical: str, label_href=_label_href) -> dict:
    """The JSON verdict: the scanner's word, the sentence in both languages, and the facts behind it."""
    r = resolution
    product, holder = r.product, r.holder
    lot_number, serial = r.link.qualifier("10"), r.serial
    hrefs = [label_href(item.label) for item in r.labels]
    return {
        "verdict": r.verdict,
        "message_vi": r.message_vi,
        "message_en": r.message_en,
        "genuine": r.genuine,
        "uri": canonical,
        "product": product
        and {
            "gtin": product.gtin,
            "name_vi": product.name_vi,
            "name_en": product.name_en,
            "brand": product.brand,
        },
        "holder": holder and {"name": holder.legal_name, "tax_code": holder.tax_code},
        "labels": [
            {
                "label_number": item.label.label_number,
                "kind": item.label.kind_code,
                "scheme": item.label.scheme.code,
                "name_vi": item.label.scheme.name_vi,
                "name_en": item.label.scheme.name_en,
                "status": item.status,
                "valid_from": _instant(item.label.valid_from),
                "valid_until": _instant(item.label.valid_until),
                "url": href,
            }
            for item, href in zip(r.labels, hrefs, strict=True)
        ],
        "lot": lot_number
        and {
            "lot_number": lot_number,
            "known": r.lot is not None,
            "production_date": _instant(r.lot and r.lot.production_date),
            "expiry_date": _instant(r.lot and r.lot.expiry_date),
        },
        "serial": serial and {"serial": serial, "issued": bool(r.serial_found)},
        "links": {
            "linkset": f"{canonical}?linkType=linkset",
            "pip": canonical if product else None,
            "certificationInfo": hrefs,
        },
    }


@bp.route("/.well-known/gs1resolver", methods=("GET", "HEAD"))
def description():
    """The resolver description (GS1-Conformant Resolver standard)."""
    body = {
        "name": "ecoreg — Đồng Nai eco-label registry resolver",
        "resolverRoot": _base(),
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1, "prefix": "gs1:"}],
        "supportedLinkTypes": [f"gs1:{name}" for name in LINK_TYPES],
        "linkTypeDefaultCanBeLinkset": True,
        "linkTypeDefaultCanBeAll": True,
        "supportedContextValuesEnumerated": [],
        "supportedLanguages": ["vi", "en"],
        "jwks": _base() + "/.well-known/jwks.json",
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
