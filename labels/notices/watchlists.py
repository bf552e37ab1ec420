"""Retailers' watchlists and the notices they get when a watched label is suspended, withdrawn,
reinstated or expires.

A retailer watches a product (every label covering it, now and later: a supermarket cares whether
what it stocks carries a valid label, whichever label that is) or one label. The notices are written
in the transaction of the status change itself (:func:`notify_status_change`, called by the
workflow), together with their webhook deliveries: an outbox, so a change that commits is always
told and one that rolls back never is. Expiry is no recorded event (a label reads expired from its
``valid_until`` on), so :func:`sweep_expiries`, run by the dispatcher, finds the labels that expired
while watched and not yet told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, or_, select, update
from sqlalchemy.orm import Session

from labels.common.paging import Page, paginate
from labels.errors import Conflict, InvalidInput, NotFound
from labels.notices import webhooks
from labels.registry import audit
from labels.registry.permissions import (
    Principal,
    require_watchlist_keeper,
    require_watchlist_keepers,
    watchlist_keepers,
)
from labels.registry.products import get_product
from models import Label, LabelEvent, Notification, Watch, utcnow
from models.label import label_products

#: The notice each recorded label action gives.
KIND_OF_ACTION = {"suspend": "suspended", "withdraw": "withdrawn", "reinstate": "reinstated"}


# --- watches -------------------------------------------------------------------------------------


def watch(
    session: Session,
    actor: Principal,
    gtin: str | None = None,
    label_number: str | None = None,
    organisation_id: int | None = None,
) -> Watch:
    """Watch a product by GTIN (a published one: what a shop can stock) or a label by its number."""
    if bool(gtin) == bool(label_number):
        raise InvalidInput.one("gtin", "one-of", "give either a gtin or a label_number")
    organisation_id = require_watchlist_keeper(actor, "watchlist:write", organisation_id)
    if gtin:
        product = get_product(session, actor, gtin)
        field, shown, target = "gtin", product.gtin, {"product_id": product.id}
        same = Watch.product_id == product.id
    else:
        label = _label(session, label_number)
        field, shown, target = "label_number", label.label_number, {"label_id": label.id}
        same = Watch.label_id == label.id
    if session.scalar(select(Watch.id).where(Watch.organisation_id == organisation_id, same)) is not None:
        raise Conflict(f"you watch {shown} already", field=field, rule="unique")
    found = Watch(organisation_id=organisation_id, created_by_id=actor.user_id, **target)
    session.add(found)
    session.flush()  # the audit entry names the watch's id
    audit.record(session, actor, "watch.create", "watch", found.id, organisation_id, **{field: shown})
    return found


def _label(session: Session, label_number: str) -> Label:
    label = session.scalar(select(Label).where(Label.label_number == (label_number or "").strip()))
    if label is None:
        raise NotFound(f"no label {label_number}")
    return label


def get_watch(session: Session, actor: Principal, watch_id: int, scope: str = "watchlist:read") -> Watch:
    found = session.get(Watch, watch_id)
    if found is None or found.organisation_id not in watchlist_keepers(actor, scope):
        raise NotFound(f"no watch {watch_id}")
    return found


def unwatch(session: Session, actor: Principal, watch_id: int) -> None:
    """Stop watching; the notices already given stay."""
    found = get_watch(session, actor, watch_id, "watchlist:write")
    what = {"gtin": found.product.gtin} if found.product else {"label_number": found.label.label_number}
    audit.record(session, actor, "watch.delete", "watch", found.id, found.organisation_id, **what)
    session.delete(found)


def list_watches(
    session: Session, actor: Principal, organisation_id: int | None = None, page: int = 1, per_page: int = 50
) -> Page[Watch]:
    keepers = require_watchlist_keepers(actor, "watchlist:read", organisation_id)
    query = select(Watch).where(Watch.organisation_id.in_(keepers)).order_by(Watch.id.desc())
    return paginate(session, query, page, per_page)


def watched_labels(session: Session, found: Watch) -> list[Label]:
    """The labels a watch covers today, newest first: every label of the product, or the one label."""
    if found.label is not None:
        return [found.label]
    query = (
        select(Label)
        .join(label_products, label_products.c.label_id == Label.id)
        .where(label_products.c.product_id == found.product_id)
        .order_by(Label.issued_at.desc(), Label.id.desc())
    )
    return list(session.scalars(query))


# --- notices -------------------------------------------------------------------------------------


def _notifications(actor: Principal, organisation_id: int | None, scope: str) -> Select:
    keepers = require_watchlist_keepers(actor, scope, organisation_id)
    return select(Notification).where(Notification.organisation_id.in_(keepers))


def list_notifications(
    session: Session,
    actor: Principal,
    organisation_id: int | None = None,
    unread: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Notification]:
    """The retailer's notices, newest first; ``unread=True`` for those not marked read yet."""
    query = _notifications(actor, organisation_id, "watchlist:read")
    if unread is not None:
        query = query.where(Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None))
    return paginate(
        session, query.order_by(Notification.occurred_at.desc(), Notification.id.desc()), page, per_page
    )


def mark_read(session: Session, actor: Principal, notification_id: int, now: datetime | None = None):
    found = session.get(Notification, notification_id)
    if found is None or found.organisation_id not in watchlist_keepers(actor, "watchlist:write"):
        raise NotFound(f"no notification {notification_id}")
    if found.read_at is None:
        found.read_at = now or utcnow()
    return found


def mark_all_read(
    session: Session, actor: Principal, organisation_id: int | None = None, now: datetime | None = None
) -> int:
    keepers = require_watchlist_keepers(actor, "watchlist:write", organisation_id)
    done = session.execute(
        update(Notification)
        .where(Notification.organisation_id.in_(keepers), Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return done.rowcount


# --- what happens to watched labels --------------------------------------------------------------


def _watchers(session: Session, label: Label) -> list[int]:
    """Retailers watching the label itself or any product it covers."""
    product_ids = [p.id for p in label.products]
    query = (
        select(Watch.organisation_id)
        .where(or_(Watch.label_id == label.id, Watch.product_id.in_(product_ids)))
        .distinct()
        .order_by(Watch.organisation_id)
    )
    return list(session.scalars(query))


def notify_status_change(
    session: Session, label: Label, event: LabelEvent, now: datetime | None = None
) -> list[Notification]:
    """Notices and webhook deliveries for a recorded status change, in the caller's transaction.

    Called by the workflow with each suspension, reinstatement and withdrawal; other actions (issue)
    tell no one."""
    kind = KIND_OF_ACTION.get(event.action)
    if kind is None:
        return []
    made = [
        Notification(
            organisation_id=organisation_id,
            label=label,
            label_event=event,
            kind=kind,
            reason=event.reason or "",
            occurred_at=event.at,
        )
        for organisation_id in _watchers(session, label)
    ]
    session.add_all(made)
    webhooks.enqueue_for(session, made, now or utcnow())
    return made


def sweep_expiries(session: Session, now: datetime | None = None) -> list[Notification]:
    """Notices (and deliveries) for watched labels that expired since the last sweep.

    A label counts when its ``valid_until`` has passed, it was not withdrawn first, the watch existed
    by then (a retailer that starts watching a long-expired label is not told of old news), and this
    retailer has not been told yet. Two sweeps racing on different workers would insert the same
    notice: the unique constraint refuses the second, whose transaction the caller rolls back."""
    now = now or utcnow()
    told = exists().where(
        Notification.organisation_id == Watch.organisation_id,
        Notification.label_id == Label.id,
        Notification.kind == "expired",
    )
    covers_product = and_(
        Watch.product_id.is_not(None),
        exists().where(
            label_products.c.label_id == Label.id, label_products.c.product_id == Watch.product_id
        ),
    )
    # Ids only: DISTINCT over a whole label would compare its JSON claims, which PostgreSQL cannot.
    query = (
        select(Label.id, Watch.organisation_id)
        .join(Watch, or_(Watch.label_id == Label.id, covers_product))
        .where(
            Label.valid_until <= now,
            Label.status != "withdrawn",
            Watch.created_at <= Label.valid_until,
            ~told,
        )
        .distinct()
        .order_by(Label.id, Watch.organisation_id)
    )
    made = []
    for label_id, organisation_id in session.execute(query).all():
        label = session.get(Label, label_id)
        made.append(
            Notification(
                organisation_id=organisation_id,
                label=label,
                kind="expired",
                reason="",
                occurred_at=label.valid_until,
            )
        )
    session.add_all(made)
    webhooks.enqueue_for(session, made, now)
    return made
