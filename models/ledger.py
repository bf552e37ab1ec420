"""Signing keys, signed records, the transparency log's stored tree, checkpoints and status lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

KEY_PURPOSES = ("credential", "log")
STATUS_PURPOSES = ("revocation", "suspension")


class SigningKey(Base):
    """An Ed25519 key; the private half is sealed (scrypt + AES-GCM, passphrase from the environment)."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(80), unique=True)
    purpose: Mapped[str] = mapped_column(
        Enum(*KEY_PURPOSES, name="key_purpose", native_enum=False, create_constraint=True), index=True
    )
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_key_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Signs from activated_at until deactivated_at (rotation); published for ever so old signatures verify.
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Retired: signs nothing new, even if it was the active key (a suspected compromise).
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.deactivated_at is None and self.retired_at is None


class SignedRecord(Base):
    """A signed document, as the exact canonical bytes that are the log leaf at ``leaf_index``."""

    __tablename__ = "signed_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    record_type: Mapped[str] = mapped_column(String(30), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    key: Mapped[SigningKey] = relationship()


class LogNode(Base):
    """The hash of one perfect subtree of the log: level 0 are the leaves, (l, i) covers 2^l leaves."""

    __tablename__ = "log_nodes"

    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogState(Base):
    """One row: the log's size. Appenders lock it, so the log never forks nor skips an index."""

    __tablename__ = "log_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger, default=0)


class LogCheckpoint(Base):
    """A signed checkpoint (C2SP tlog-checkpoint note) of the log at ``tree_size``."""

    __tablename__ = "log_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StatusList(Base):
    """One W3C Bitstring Status List: ``group`` numbers the lists, each label has an index in its group."""

    __tablename__ = "status_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    group: Mapped[int] = mapped_column()
    purpose: Mapped[str] = mapped_column(
        Enum(*STATUS_PURPOSES, name="status_purpose", native_enum=False, create_constraint=True)
    )
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    # The latest signed BitstringStatusListCredential, re-signed in the transaction that changes a bit.
    credential: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def list_id(self) -> str:
        return f"{self.purpose}-{self.group}"
