"""Label kinds, schemes, versioned criteria, applications, evidence, issued labels, number counters.

labels.application_id and applications.renews_label_id point at each other; the first foreign key
is added after both tables exist.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:31:33
"""

import sqlalchemy as sa
from alembic import op

import models.base  # autogenerate refers to models.base.UTCDateTime

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "label_kinds",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("number_prefix", sa.String(length=3), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("built_in", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_label_kinds")),
        sa.UniqueConstraint("number_prefix", name=op.f("uq_label_kinds_number_prefix")),
    )
    op.create_table(
        "number_counters",
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_number_counters")),
    )
    op.create_table(
        "schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind_code", sa.String(length=40), nullable=False),
        sa.Column(
            "iso_type",
            sa.Enum("I", "II", "III", name="iso_type", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("description_vi", sa.String(length=2000), nullable=False),
        sa.Column("description_en", sa.String(length=2000), nullable=False),
        sa.Column("product_groups", sa.JSON(), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column("certifier_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certifier_id"], ["organisations.id"], name=op.f("fk_schemes_certifier_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["kind_code"], ["label_kinds.code"], name=op.f("fk_schemes_kind_code_label_kinds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schemes")),
        sa.UniqueConstraint("code", name=op.f("uq_schemes_code")),
    )
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schemes_certifier_id"), ["certifier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_schemes_kind_code"), ["kind_code"], unique=False)

    op.create_table(
        "criteria_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_criteria_sets_scheme_id_schemes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_sets")),
        sa.UniqueConstraint("scheme_id", "version", name="uq_criteria_sets_scheme_version"),
    )
    with op.batch_alter_table("criteria_sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_sets_scheme_id"), ["scheme_id"], unique=False)

    op.create_table(
        "criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criteria_set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("text_vi", sa.String(length=1000), nullable=False),
        sa.Column("text_en", sa.String(length=1000), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("yes_no", "numeric", name="criterion_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("claim", sa.String(length=100), nullable=True),
        sa.Column(
            "comparator",
            sa.Enum("<=", "<", ">=", ">", "==", name="comparator", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column("threshold", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("evidence_vi", sa.String(length=500), nullable=False),
        sa.Column("evidence_en", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["criteria_set_id"],
            ["criteria_sets.id"],
            name=op.f("fk_criteria_criteria_set_id_criteria_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria")),
        sa.UniqueConstraint("criteria_set_id", "code", name="uq_criteria_set_code"),
    )
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_criteria_set_id"), ["criteria_set_id"], unique=False)

    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label_number", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("criteria_set_id", sa.Integer(), nullable=False),
        sa.Column("kind_code", sa.String(length=40), nullable=False),
        sa.Column("iso_type", sa.String(length=3), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("valid_from", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                "withdrawn",
                name="label_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.String(length=2000), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issued_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["criteria_set_id"], ["criteria_sets.id"], name=op.f("fk_labels_criteria_set_id_criteria_sets")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["organisations.id"], name=op.f("fk_labels_holder_id_organisations")
        ),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_labels_issued_by_id_users")),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["organisations.id"], name=op.f("fk_labels_issuer_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["kind_code"], ["label_kinds.code"], name=op.f("fk_labels_kind_code_label_kinds")
        ),
        sa.ForeignKeyConstraint(["replaces_id"], ["labels.id"], name=op.f("fk_labels_replaces_id_labels")),
        sa.ForeignKeyConstraint(["scheme_id"], ["schemes.id"], name=op.f("fk_labels_scheme_id_schemes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
        sa.UniqueConstraint("application_id", name=op.f("uq_labels_application_id")),
        sa.UniqueConstraint("label_number", name=op.f("uq_labels_label_number")),
    )
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_labels_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_labels_kind_code"), ["kind_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_labels_scheme_id"), ["scheme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_labels_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_labels_valid_until"), ["valid_until"], unique=False)

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("criteria_set_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "under_review",
                "changes_requested",
                "approved",
                "rejected",
                "issued",
                name="application_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("renews_label_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.String(length=2000), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["organisations.id"], name=op.f("fk_applications_applicant_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_applications_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["criteria_set_id"],
            ["criteria_sets.id"],
            name=op.f("fk_applications_criteria_set_id_criteria_sets"),
        ),
        sa.ForeignKeyConstraint(
            ["renews_label_id"], ["labels.id"], name=op.f("fk_applications_renews_label_id_labels")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_applications_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_applicant_id"), ["applicant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_scheme_id"), ["scheme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_state"), ["state"], unique=False)

    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_labels_application_id_applications"), "applications", ["application_id"], ["id"]
        )

    op.create_table(
        "label_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_label_events_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["label_id"], ["labels.id"], name=op.f("fk_label_events_label_id_labels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_events")),
    )
    with op.batch_alter_table("label_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_label_events_label_id"), ["label_id"], unique=False)

    op.create_table(
        "label_products",
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["label_id"], ["labels.id"], name=op.f("fk_label_products_label_id_labels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_label_products_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("label_id", "product_id", name=op.f("pk_label_products")),
    )
    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_application_events_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_events_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "application_products",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_products_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_application_products_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("application_id", "product_id", name=op.f("pk_application_products")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion_code", sa.String(length=40), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_evidence_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)


def downgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_application_id"))

    op.drop_table("evidence")
    op.drop_table("application_products")
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_events_application_id"))

    op.drop_table("application_events")
    op.drop_table("label_products")
    with op.batch_alter_table("label_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_label_events_label_id"))

    op.drop_table("label_events")
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_labels_application_id_applications"), type_="foreignkey")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_state"))
        batch_op.drop_index(batch_op.f("ix_applications_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_applications_applicant_id"))

    op.drop_table("applications")
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labels_valid_until"))
        batch_op.drop_index(batch_op.f("ix_labels_status"))
        batch_op.drop_index(batch_op.f("ix_labels_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_labels_kind_code"))
        batch_op.drop_index(batch_op.f("ix_labels_holder_id"))

    op.drop_table("labels")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_criteria_set_id"))

    op.drop_table("criteria")
    with op.batch_alter_table("criteria_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_sets_scheme_id"))

    op.drop_table("criteria_sets")
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schemes_kind_code"))
        batch_op.drop_index(batch_op.f("ix_schemes_certifier_id"))

    op.drop_table("schemes")
    op.drop_table("number_counters")
    op.drop_table("label_kinds")
