"""The trust endpoints: a label's signed credential, the log's checkpoint and proofs, the trust bundle,
and (outside /api) the JWKS and the status lists. All public: verifying needs no account."""

from __future__ import annotations

import base64
import json

from flask import Blueprint as FlaskBlueprint
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from app.database import db
from labels.certification.workflow import get_label
from labels.errors import InvalidInput
from labels.trust import bundle, credentials, tlog
from models import utcnow

blp = Blueprint(
    "trust", __name__, url_prefix="/api/v1", description="Signed records and the transparency log"
)
public = FlaskBlueprint("trust_public", __name__)

MAX_INDEX = 2**62
NUMBER = "<string(maxlength=40):label_number>"


class InclusionQuerySchema(Schema):
    label = fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "a label number"})
    index = fields.Integer(
        validate=validate.Range(min=0, max=MAX_INDEX), metadata={"description": "a leaf index"}
    )
    tree_size = fields.Integer(
        validate=validate.Range(min=1, max=MAX_INDEX),
        metadata={"description": "default: the latest checkpoint's size"},
    )

    @validates_schema
    def _one_of(self, data, **kwargs):
        if ("label" in data) == ("index" in data):
            raise SchemaError("give either label or index", "label")


class InclusionProofSchema(Schema):
    leaf_index = fields.Integer(required=True)
    tree_size = fields.Integer(required=True)
    leaf_hash = fields.String(required=True, metadata={"description": "base64"})
    hashes = fields.List(fields.String(), required=True, metadata={"description": "base64, leaf to root"})


class ConsistencyQuerySchema(Schema):
    first = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INDEX))
    second = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INDEX))


class ConsistencyProofSchema(Schema):
    first = fields.Integer(required=True)
    second = fields.Integer(required=True)
    hashes = fields.List(fields.String(), required=True)


def _b64(proof: dict) -> dict:
    encoded = dict(proof)
    for name in ("leaf_hash",):
        if name in encoded:
            encoded[name] = base64.b64encode(encoded[name]).decode()
    encoded["hashes"] = [base64.b64encode(h).decode() for h in proof["hashes"]]
    return encoded


def _json(document: dict, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(document, ensure_ascii=False), mimetype=mimetype)


@blp.route(f"/labels/{NUMBER}/credential")
class LabelCredential(MethodView):
    @blp.response(200)
    def get(self, label_number):
        """The label's signed Verifiable Credential, byte for byte the log leaf (RFC 8785 JSON)."""
        record = credentials.label_record(db.session, get_label(db.session, label_number).label_number)
        return Response(record.canonical, mimetype="application/json")


@blp.route("/log/checkpoint")
class Checkpoint(MethodView):
    @blp.response(200, content_type="text/plain")
    def get(self):
        """The latest signed checkpoint (C2SP tlog-checkpoint signed note)."""
        return Response(tlog.latest_checkpoint(db.session).note, mimetype="text/plain")


@blp.route("/log/verifier-keys")
class VerifierKeys(MethodView):
    @blp.response(200, content_type="text/plain")
    def get(self):
        """The log's C2SP verifier key strings, one a line, newest first (to open checkpoint notes)."""
        return Response(
            "".join(f"{key}\n" for key in bundle.log_verifier_keys(db.session)), mimetype="text/plain"
        )


@blp.route("/log/proof/inclusion")
class InclusionProof(MethodView):
    @blp.arguments(InclusionQuerySchema, location="query")
    @blp.response(200, InclusionProofSchema)
    def get(self, args):
        """An inclusion proof for a label's credential (``label``) or any leaf (``index``)."""
        index = args.get("index")
        if "label" in args:
            index = credentials.label_record(db.session, args["label"]).leaf_index
        return _b64(tlog.inclusion(db.session, index, args.get("tree_size")))


@blp.route("/log/proof/consistency")
class ConsistencyProof(MethodView):
    @blp.arguments(ConsistencyQuerySchema, location="query")
    @blp.response(200, ConsistencyProofSchema)
    def get(self, args):
        """A consistency proof between two tree sizes: the first log is a prefix of the second."""
        if args["first"] > args["second"]:
            raise InvalidInput.one("first", "range", "first may not exceed second")
        return _b64(tlog.consistency(db.session, args["first"], args["second"]))


@blp.route(f"/log/entries/<int(max={MAX_INDEX}):index>")
class LogEntry(MethodView):
    @blp.response(200)
    def get(self, index):
        """The exact bytes of one leaf, so anyone can recompute its leaf hash."""
        return Response(tlog.leaf_data(db.session, index), mimetype="application/json")


@blp.route("/trust-bundle")
class TrustBundle(MethodView):
    @blp.response(200)
    def get(self):
        """Keys, status lists and the latest checkpoint, signed, for verifiers that work offline."""
        return _json(bundle.trust_bundle(db.session, utcnow()))


@public.get("/.well-known/jwks.json")
def jwks():
    """Every public key the registry signs with or has signed with, with its validity window."""
    response = _json(bundle.jwks(db.session), "application/jwk-set+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@public.get("/status/<string(maxlength=40):list_id>")
def status_list(list_id: str):
    """A signed W3C Bitstring Status List credential (revocation-N or suspension-N)."""
    found = credentials.status_list(db.session, list_id)
    response = Response(found.credential, mimetype="application/vc+ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
