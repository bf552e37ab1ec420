"""Signing keys, signed records, the transparency log (stored subtrees, state, checkpoints), status lists.

The single log_state row (size 0) is created here: appenders lock it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:50:00
"""

import sqlalchemy as sa
from alembic import op

import models.base  # autogenerate refers to models.base.UTCDateTime

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "log_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_log_nodes")),
    )
    log_state = op.create_table(
        "log_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_state")),
    )
    op.bulk_insert(log_state, [{"id": 1, "size": 0}])
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=80), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum("credential", "log", name="key_purpose", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("retired_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_signing_keys_kid")),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_keys_purpose"), ["purpose"], unique=False)

    op.create_table(
        "status_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "revocation", "suspension", name="status_purpose", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
    )
    op.create_table(
        "log_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["signing_keys.id"], name=op.f("fk_log_checkpoints_key_id_signing_keys")
        ),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_log_checkpoints")),
    )
    op.create_table(
        "signed_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leaf_index", sa.BigInteger(), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("canonical", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["signing_keys.id"], name=op.f("fk_signed_records_key_id_signing_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_records")),
        sa.UniqueConstraint("leaf_index", name=op.f("uq_signed_records_leaf_index")),
    )
    with op.batch_alter_table("signed_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signed_records_record_type"), ["record_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_signed_records_subject"), ["subject"], unique=False)

    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_labels_status_index"), ["status_index"])


def downgrade():
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_labels_status_index"), type_="unique")
        batch_op.drop_column("status_index")

    with op.batch_alter_table("signed_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signed_records_subject"))
        batch_op.drop_index(batch_op.f("ix_signed_records_record_type"))

    op.drop_table("signed_records")
    op.drop_table("log_checkpoints")
    op.drop_table("status_lists")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_keys_purpose"))

    op.drop_table("signing_keys")
    op.drop_table("log_state")
    op.drop_table("log_nodes")
