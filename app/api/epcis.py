"""/epcis: the EPCIS 2.0 REST binding (capture, capture jobs, events query), GS1's paths and headers.

Capture runs while the request waits (about 2,000 events a second), then answers 202 with the
``Location`` of its finished capture job, as the binding prescribes, so that clients written for
asynchronous repositories work unchanged.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.schemas import ROW_ID
from app.auth import api_principal
from app.database import db
from labels.errors import (
    FieldIssue,
    InvalidEpcisDocument,
    InvalidInput,
    InvalidQuery,
    PayloadTooLarge,
    PermissionDenied,
)
from labels.registry.organisations import find_by_tax_code, get_organisation
from labels.registry.permissions import EVENT_CAPTURING_ROLES, require_authenticated
from labels.traceability import capture, named_queries, query
from models import CaptureJob, utcnow

blp = Blueprint("epcis", __name__, url_prefix="/epcis", description="EPCIS 2.0: capture and query events")

EPCIS_VERSION = "2.0.0"
CBV_VERSION = "2.0.0"
BEHAVIOURS = ("rollback", "proceed")
_DOCUMENT = {"application/json", "application/ld+json"}


LD_JSON = "application/ld+json"


@blp.after_request
def _versions(response):
    response.headers["GS1-EPCIS-Version"] = EPCIS_VERSION
    response.headers["GS1-CBV-Version"] = CBV_VERSION
    return response


def _no_content(headers: dict):
    response = current_app.response_class(status=204, headers=headers)
    del response.headers["Content-Type"]  # a 204 has no body, so no media type to declare
    return response


def _capture_headers() -> dict[str, str]:
    config = current_app.config
    return {
        "GS1-EPCIS-Capture-Limit": str(config["EPCIS_CAPTURE_LIMIT"]),
        "GS1-EPCIS-Capture-File-Size-Limit": str(config["EPCIS_CAPTURE_FILE_SIZE_LIMIT"]),
    }


def job_json(job: CaptureJob) -> dict:
    errors = json.loads(job.errors)
    return {
        "captureID": str(job.id),
        "createdAt": job.created_at.isoformat().replace("+00:00", "Z"),
        "finishedAt": job.finished_at.isoformat().replace("+00:00", "Z") if job.finished_at else None,
        "running": job.finished_at is None,
        "success": job.state == "succeeded",
        "captureErrorBehaviour": job.error_behaviour,
        "eventCount": job.event_count,
        "capturedCount": job.captured_count,
        "errors": errors,
    }


def _behaviour() -> str:
    value = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").strip().lower()
    if value not in BEHAVIOURS:
        raise InvalidInput(
            FieldIssue("GS1-Capture-Error-Behaviour", "enum", "the header is rollback (default) or proceed")
        )
    return value


def _document() -> object:
    limit = current_app.config["EPCIS_CAPTURE_FILE_SIZE_LIMIT"]
    if (request.content_length or 0) > limit:
        raise PayloadTooLarge(f"a capture document has at most {limit} bytes", "body", limit)
    if request.mimetype not in _DOCUMENT:
        raise InvalidEpcisDocument(
            FieldIssue(
                "Content-Type", "media-type", "send the document as application/json or application/ld+json"
            )
        )
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise PayloadTooLarge(f"a capture document has at most {limit} bytes", "body", limit)
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEpcisDocument(FieldIssue("body", "json", f"the body is not JSON: {exc}")) from None


def capturing_organisation(principal):
    """The organisation captured for: ``?organisation=<tax code>``, else the caller's only one."""
    require_authenticated(principal)
    tax_code = request.args.get("organisation")
    if tax_code:
        return find_by_tax_code(db.session, tax_code.strip())
    own = sorted(principal.organisation_ids(*EVENT_CAPTURING_ROLES))
    if len(own) != 1:
        if not own:
            raise PermissionDenied("only members of an enterprise or retailer capture events")
        raise InvalidInput(
            FieldIssue(
                "organisation", "required", "you belong to several organisations: name one by tax code"
            )
        )
    return get_organisation(db.session, own[0])


@blp.route("/capture")
class Capture(MethodView):
    @blp.doc(
        summary="Capture an EPCIS document",
        parameters=[
            {
                "name": "GS1-Capture-Error-Behaviour",
                "in": "header",
                "schema": {"type": "string", "enum": list(BEHAVIOURS)},
                "description": "rollback (default): all or nothing; proceed: keep the valid events",
            },
            {
                "name": "organisation",
                "in": "query",
                "schema": {"type": "string"},
                "description": "tax code of the organisation captured for (needed if you belong to several)",
            },
        ],
        requestBody={
            "required": True,
            "content": {"application/ld+json": {"schema": {"type": "object"}}},
            "description": "an EPCIS 2.0 JSON-LD EPCISDocument",
        },
    )
    @blp.response(202, description="the finished capture job; Location names it")
    def post(self):
        principal = api_principal()
        behaviour = _behaviour()
        organisation = capturing_organisation(principal)
        document = _document()
        job = capture.capture(
            db.session,
            principal,
            organisation,
            document,
            behaviour,
            limit=current_app.config["EPCIS_CAPTURE_LIMIT"],
        )
        db.session.flush()
        location = url_for("epcis.CaptureJobById", capture_id=job.id)
        return job_json(job), 202, {"Location": location} | _capture_headers()

    @blp.doc(
        summary="The capture limits (GS1-EPCIS-Capture-Limit, GS1-EPCIS-Capture-File-Size-Limit)",
    )
    @blp.response(204, description="the limits, in the response headers")
    def options(self):
        return _no_content({"Allow": "OPTIONS, POST"} | _capture_headers())


@blp.route(f"/capture/<{ROW_ID}:capture_id>")
class CaptureJobById(MethodView):
    @blp.doc(
        summary="A capture job: what was captured and why any event was refused",
    )
    @blp.response(200, description="the capture job")
    def get(self, capture_id):
        return job_json(capture.get_job(db.session, api_principal(), capture_id))


_QUERY_PARAMETERS = [
    {"name": name, "in": "query", "schema": {"type": "string"}, "required": False}
    for name in query.PARAMETERS
]


def _answer(params, parsed=None):
    parsed = parsed or query.parse(params)
    page = query.run(db.read_session, api_principal(), parsed)
    headers = {}
    if page.next_page_token:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "nextPageToken"]
        args.append(("nextPageToken", page.next_page_token))
        headers["Link"] = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    body = query.query_document(page.events, utcnow())
    return current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype=LD_JSON, headers=headers)


@blp.route("/events")
class Events(MethodView):
    @blp.doc(
        summary="Query events (SimpleEventQuery parameters; an unknown one is a 400)",
        parameters=_QUERY_PARAMETERS,
    )
    @blp.response(200, content_type=LD_JSON, description="an EPCISQueryDocument")
    def get(self):
        return _answer(request.args.items(multi=True))


# merge_slashes off: the EPC may be a Digital Link, whose "https://" must reach the view intact.
@blp.route("/epcs/<path:epc>/events", merge_slashes=False)
class EventsOfEpc(MethodView):
    @blp.doc(
        summary="Events naming one EPC (EPC URN or Digital Link) in any list", parameters=_QUERY_PARAMETERS
    )
    @blp.response(200, content_type=LD_JSON, description="an EPCISQueryDocument")
    def get(self, epc):
        return _answer([("MATCH_anyEPC", epc), *request.args.items(multi=True)])


def _saved_json(saved) -> dict:
    return {
        "name": saved.name,
        "query": json.loads(saved.query),
        "createdAt": saved.created_at.isoformat().replace("+00:00", "Z"),
        "events": url_for("epcis.NamedQueryEvents", name=saved.name),
    }


_NAMED_QUERY_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["name", "query"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,100}$"},
                    "query": {
                        "type": "object",
                        "description": "SimpleEventQuery parameters (EPCIS 2.0 query schema)",
                    },
                },
            }
        }
    },
}
NAME = "<string(maxlength=100):name>"


@blp.route("/queries")
class NamedQueries(MethodView):
    @blp.doc(
        summary="Save a query under a name (its parameters are checked now)", requestBody=_NAMED_QUERY_BODY
    )
    @blp.response(201, description="the saved query")
    def post(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise InvalidInput(FieldIssue("body", "type", "send a JSON object with name and query"))
        saved = named_queries.create(db.session, api_principal(), body.get("name"), body.get("query"))
        location = url_for("epcis.NamedQueryByName", name=saved.name)
        return _saved_json(saved), 201, {"Location": location}

    @blp.doc(summary="Your saved queries")
    @blp.response(200, description="your saved queries")
    def get(self):
        return {"queries": [_saved_json(q) for q in named_queries.list_own(db.session, api_principal())]}


@blp.route(f"/queries/{NAME}")
class NamedQueryByName(MethodView):
    @blp.doc(summary="A saved query")
    @blp.response(200, description="the saved query")
    def get(self, name):
        return _saved_json(named_queries.get(db.session, api_principal(), name))

    @blp.doc(summary="Delete a saved query")
    @blp.response(204, description="deleted")
    def delete(self, name):
        named_queries.delete(db.session, api_principal(), name)
        return _no_content({})


@blp.route(f"/queries/{NAME}/events")
class NamedQueryEvents(MethodView):
    @blp.doc(
        summary="Run a saved query (perPage and nextPageToken may be added)",
        parameters=[p for p in _QUERY_PARAMETERS if p["name"] in ("perPage", "nextPageToken")],
    )
    @blp.response(200, content_type=LD_JSON, description="an EPCISQueryDocument")
    def get(self, name):
        paging = list(request.args.items(multi=True))
        extra = [k for k, _ in paging if k not in ("perPage", "nextPageToken")]
        if extra:
            raise InvalidQuery(
                [
                    FieldIssue(k, "unknown-parameter", "a saved query takes only perPage and nextPageToken")
                    for k in extra
                ]
            )
        saved = named_queries.get(db.session, api_principal(), name)
        return _answer(paging, named_queries.compiled(saved, paging))
