"""Lots of a product, serial-issuing jobs (idempotent), and issued serials with their signed claims.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 21:06:00
"""

import sqlalchemy as sa
from alembic import op

import models.base  # autogenerate refers to models.base.UTCDateTime

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(length=20), nullable=False),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("site_gln", sa.String(length=13), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_lots_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
        sa.UniqueConstraint("product_id", "lot_number", name="uq_lots_product_lot"),
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lots_product_id"), ["product_id"], unique=False)

    op.create_table(
        "serial_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "running",
                "done",
                "failed",
                name="serial_job_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.String(length=2000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_serial_jobs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_serial_jobs_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial_jobs")),
        sa.UniqueConstraint("lot_id", "idempotency_key", name="uq_serial_jobs_lot_key"),
    )
    with op.batch_alter_table("serial_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_serial_jobs_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "serials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=20), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["serial_jobs.id"], name=op.f("fk_serials_job_id_serial_jobs")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_serials_lot_id_lots")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_serials_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serials")),
        sa.UniqueConstraint("product_id", "serial", name="uq_serials_product_serial"),
    )
    with op.batch_alter_table("serials", schema=None) as batch_op:
        batch_op.create_index("ix_serials_lot_id", ["lot_id"], unique=False)


def downgrade():
    with op.batch_alter_table("serials", schema=None) as batch_op:
        batch_op.drop_index("ix_serials_lot_id")

    op.drop_table("serials")
    with op.batch_alter_table("serial_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_serial_jobs_lot_id"))

    op.drop_table("serial_jobs")
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lots_product_id"))

    op.drop_table("lots")
