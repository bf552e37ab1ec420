"""/api/v1/watchlist, /api/v1/notifications, /api/v1/webhooks: what a retailer watches, the notices
it gets when a watched label is suspended, withdrawn, reinstated or expires, and the webhook
endpoints those events are POSTed to, with their delivery log (docs/retailers.md)."""

from __future__ import annotations

import json

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import ROW_ID, PageArgsSchema, RowId, page_of
from app.auth import api_principal
from app.database import db
from labels.certification import workflow
from labels.notices import watchlists, webhooks
from models import DELIVERY_STATES, NOTIFICATION_KINDS

blp = Blueprint(
    "watchlists",
    __name__,
    url_prefix="/api/v1",
    description="Retailers' watchlists, notices and webhooks",
)


def _organisation() -> RowId:
    return RowId(
        load_default=None,
        metadata={"description": "the retailer, when you are a member of several; default: your only one"},
    )


class WatchedLabelSchema(Schema):
    label_number = fields.String()
    kind = fields.String(attribute="kind_code")
    status = fields.Function(
        lambda label: workflow.effective_status(label),
        metadata={"description": "active, suspended, withdrawn or expired, now"},
    )
    valid_until = fields.DateTime()


class WatchSchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    gtin = fields.Function(lambda w: w.product.gtin if w.product else None, dump_only=True)
    product_name_vi = fields.Function(lambda w: w.product.name_vi if w.product else None, dump_only=True)
    label_number = fields.Function(lambda w: w.label.label_number if w.label else None, dump_only=True)
    labels = fields.Function(
        lambda w: WatchedLabelSchema(many=True).dump(watchlists.watched_labels(db.session, w)),
        dump_only=True,
        metadata={"description": "the labels the watch covers today, newest first, with their status"},
    )
    created_at = fields.DateTime(dump_only=True)


class NewWatchSchema(Schema):
    gtin = fields.String(
        validate=validate.Regexp(r"^(\d{8}|\d{12,14})$"),
        metadata={"description": "a published product: every label covering it, now and later"},
    )
    label_number = fields.String(
        validate=validate.Length(min=1, max=40), metadata={"description": "one label (instead of gtin)"}
    )
    organisation_id = _organisation()


class OrganisationArgsSchema(Schema):
    organisation_id = RowId(metadata={"description": "only this retailer's (one of yours)"})


class ListArgsSchema(PageArgsSchema, OrganisationArgsSchema):
    pass


class NotificationArgsSchema(ListArgsSchema):
    unread = fields.Boolean(metadata={"description": "true: only unread notices; false: only read ones"})


class ProductSchema(Schema):
    gtin = fields.String()
    name_vi = fields.String()
    name_en = fields.String()


class NotificationSchema(Schema):
    id = fields.Integer()
    event_id = fields.Function(webhooks.event_id, metadata={"description": "as webhooks carry it"})
    organisation_id = fields.Integer()
    kind = fields.String(metadata={"description": ", ".join(NOTIFICATION_KINDS)})
    label_number = fields.Function(lambda n: n.label.label_number)
    products = fields.Function(lambda n: ProductSchema(many=True).dump(n.label.products))
    reason = fields.String()
    occurred_at = fields.DateTime()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class EndpointSchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "http(s) URL the events are POSTed to; https recommended"},
    )
    description = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(
        dump_only=True, metadata={"description": "inactive: no new deliveries; pending ones wait"}
    )
    secret_hint = fields.Function(
        lambda e: e.secret[: len(webhooks.SECRET_PREFIX) + 4] + "…",
        dump_only=True,
        metadata={"description": "the secret's first characters, to tell which one you hold"},
    )
    created_at = fields.DateTime(dump_only=True)


class NewEndpointSchema(EndpointSchema):
    organisation_id = _organisation()


class CreatedEndpointSchema(EndpointSchema):
    secret = fields.String(
        dump_only=True,
        metadata={"description": "verify the signatures with it; shown this once, never again"},
    )


class EndpointUpdateSchema(Schema):
    url = fields.String(validate=validate.Length(min=1, max=2000))
    description = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()


class AttemptSchema(Schema):
    number = fields.Integer()
    started_at = fields.DateTime()
    duration_ms = fields.Integer(allow_none=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String()
    response_excerpt = fields.String(metadata={"description": "the start of the receiver's answer"})


class DeliverySchema(Schema):
    id = fields.Integer()
    message_id = fields.Function(lambda d: f"dlv_{d.id}", metadata={"description": "the webhook-id header"})
    event_type = fields.String()
    event_id = fields.Function(lambda d: f"evt_{d.notification_id}" if d.notification_id else None)
    state = fields.String(metadata={"description": ", ".join(DELIVERY_STATES)})
    attempts = fields.Integer()
    next_attempt_at = fields.Function(
        lambda d: d.next_attempt_at.isoformat() if d.state == "pending" else None,
        metadata={"description": "when the next attempt is due (pending only)", "format": "date-time"},
    )
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String()
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    payload = fields.Function(lambda d: json.loads(d.payload), metadata={"description": "the body sent"})
    log = fields.List(fields.Nested(AttemptSchema), attribute="attempt_log")


class DeliveryArgsSchema(PageArgsSchema):
    state = fields.String(validate=validate.OneOf(DELIVERY_STATES))


def _allow_private() -> bool:
    return current_app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"]


@blp.route("/watchlist")
class Watchlist(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, page_of(WatchSchema, "WatchPage"))
    def get(self, args):
        """Your retailer's watches, newest first, each with the labels it covers and their status."""
        return watchlists.list_watches(db.session, api_principal(), **args)

    @blp.arguments(NewWatchSchema)
    @blp.response(201, WatchSchema)
    def post(self, data):
        """Watch a product (`gtin`: every label covering it, now and later) or one label (`label_number`)."""
        return watchlists.watch(db.session, api_principal(), **data)


@blp.route(f"/watchlist/<{ROW_ID}:watch_id>")
class WatchById(MethodView):
    @blp.response(204, description="no longer watched")
    def delete(self, watch_id):
        """Stop watching; the notices already given stay."""
        watchlists.unwatch(db.session, api_principal(), watch_id)


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.arguments(NotificationArgsSchema, location="query")
    @blp.response(200, page_of(NotificationSchema, "NotificationPage"))
    def get(self, args):
        """Notices of watched labels suspended, withdrawn, reinstated or expired; newest first."""
        return watchlists.list_notifications(db.session, api_principal(), **args)


@blp.route(f"/notifications/<{ROW_ID}:notification_id>/read")
class NotificationRead(MethodView):
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark a notice read (it stays listed)."""
        return watchlists.mark_read(db.session, api_principal(), notification_id)


@blp.route("/webhooks")
class Webhooks(MethodView):
    @blp.arguments(OrganisationArgsSchema, location="query")
    @blp.response(200, EndpointSchema(many=True))
    def get(self, args):
        """Your retailer's webhook endpoints (never their secrets)."""
        return webhooks.list_endpoints(db.session, api_principal(), args.get("organisation_id"))

    @blp.arguments(NewEndpointSchema)
    @blp.response(201, CreatedEndpointSchema)
    def post(self, data):
        """Add an endpoint; copy its `secret` from this response, it is never shown again."""
        return webhooks.create_endpoint(db.session, api_principal(), allow_private=_allow_private(), **data)


@blp.route(f"/webhooks/<{ROW_ID}:endpoint_id>")
class WebhookById(MethodView):
    @blp.arguments(EndpointUpdateSchema)
    @blp.response(200, EndpointSchema)
    def patch(self, data, endpoint_id):
        """Change the URL or description, or pause (`active: false`) and resume deliveries."""
        return webhooks.update_endpoint(
            db.session, api_principal(), endpoint_id, allow_private=_allow_private(), **data
        )

    @blp.response(204, description="deleted, with its delivery log")
    def delete(self, endpoint_id):
        """Remove an endpoint, its pending deliveries and its delivery log."""
        webhooks.delete_endpoint(db.session, api_principal(), endpoint_id)


@blp.route(f"/webhooks/<{ROW_ID}:endpoint_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.arguments(DeliveryArgsSchema, location="query")
    @blp.response(200, page_of(DeliverySchema, "DeliveryPage"))
    def get(self, args, endpoint_id):
        """The delivery log: each event sent to the endpoint, newest first, with every attempt."""
        return webhooks.list_deliveries(db.session, api_principal(), endpoint_id, **args)


@blp.route(f"/webhooks/<{ROW_ID}:endpoint_id>/test")
class WebhookTest(MethodView):
    @blp.response(202, DeliverySchema)
    def post(self, endpoint_id):
        """Queue a signed `ping` to the endpoint; follow it in the delivery log."""
        return webhooks.send_test(db.session, api_principal(), endpoint_id)
