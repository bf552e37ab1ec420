"""SQLAlchemy 2.x declarative models: tables and relationships only, no Flask, no business rules."""

from models.audit import AuditEntry
from models.base import Base, UTCDateTime, utcnow
from models.organisation import ORGANISATION_KINDS, ROLES, Membership, Organisation
from models.product import Product
from models.user import ApiToken, User

__all__ = [
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
]
