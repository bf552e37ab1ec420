"""SQLAlchemy 2.x declarative models: tables and relationships only, no Flask, no business rules."""

from models.application import APPLICATION_STATES, Application, ApplicationEvent, Evidence
from models.audit import AuditEntry
from models.base import Base, UTCDateTime, utcnow
from models.epcis import (
    CAPTURE_BEHAVIOURS,
    IDENTIFIER_ROLES,
    CaptureJob,
    EpcisEvent,
    EventIdentifier,
    NamedQuery,
)
from models.label import LABEL_STATUSES, Label, LabelEvent, NumberCounter
from models.ledger import (
    KEY_PURPOSES,
    STATUS_PURPOSES,
    LogCheckpoint,
    LogNode,
    LogState,
    SignedRecord,
    SigningKey,
    StatusList,
)
from models.lot import JOB_STATES, Lot, Serial, SerialJob
from models.organisation import ORGANISATION_KINDS, ROLES, Membership, Organisation
from models.product import Product
from models.scan import CLIENT_CLASSES, Scan
from models.scheme import COMPARATORS, CRITERION_KINDS, ISO_TYPES, CriteriaSet, Criterion, LabelKind, Scheme
from models.shelf import ShelfAudit, ShelfAuditItem
from models.user import ApiToken, User
from models.watchlist import (
    DELIVERY_STATES,
    NOTIFICATION_KINDS,
    Notification,
    Watch,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ = [
    "CLIENT_CLASSES",
    "Scan",
    "ShelfAudit",
    "ShelfAuditItem",
    "CAPTURE_BEHAVIOURS",
    "IDENTIFIER_ROLES",
    "CaptureJob",
    "EpcisEvent",
    "EventIdentifier",
    "NamedQuery",
    "JOB_STATES",
    "Lot",
    "Serial",
    "SerialJob",
    "KEY_PURPOSES",
    "STATUS_PURPOSES",
    "LogCheckpoint",
    "LogNode",
    "LogState",
    "SignedRecord",
    "SigningKey",
    "StatusList",
    "APPLICATION_STATES",
    "COMPARATORS",
    "CRITERION_KINDS",
    "ISO_TYPES",
    "LABEL_STATUSES",
    "Application",
    "ApplicationEvent",
    "CriteriaSet",
    "Criterion",
    "Evidence",
    "Label",
    "LabelEvent",
    "LabelKind",
    "NumberCounter",
    "Scheme",
    "ORGANISATION_KINDS",
    "ROLES",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Membership",
    "Organisation",
    "Product",
    "UTCDateTime",
    "User",
    "utcnow",
    "DELIVERY_STATES",
    "NOTIFICATION_KINDS",
    "Notification",
    "Watch",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
