"""Serial jobs run in the background: queued and succeeded states, a heartbeat, and pending serials.

A job's serials wait in `pending_serials` while it signs them chunk by chunk, and move into `serials`
in one transaction when it succeeds. The state `done` becomes `succeeded`.

SQLite cannot change a CHECK constraint in place, and batch mode's copy-and-rename of `serial_jobs`
fails while `serials` refers to it (foreign keys stay on in the migration's transaction). So on SQLite
the table's rows are set aside, the table is made anew, and the rows go back in with foreign key
checks deferred to the commit: putting a parent row back resolves its children's references.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 23:10:00
"""

import sqlalchemy as sa
from alembic import op

import models.base  # autogenerate refers to models.base.UTCDateTime

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_STATES = ("running", "done", "failed")
NEW_STATES = ("queued", "running", "succeeded", "failed")
CHECK = "ck_serial_jobs_serial_job_state"
COLUMNS = (
    "id, lot_id, idempotency_key, requested, issued, state, error, created_by_id, created_at, finished_at"
)


def _state_case(renames):
    cases = " ".join(f"WHEN '{before}' THEN '{after}'" for before, after in renames)
    return f"CASE state {cases} ELSE state END"


def _rebuild_on_sqlite(states, renames, progressed_at):
    op.execute("PRAGMA defer_foreign_keys = ON")  # until this transaction commits
    op.execute("CREATE TABLE _serial_jobs_rows AS SELECT * FROM serial_jobs")
    with op.batch_alter_table("serial_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_serial_jobs_lot_id"))
    op.drop_table("serial_jobs")
    columns = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*states, name="serial_job_state", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("error", sa.String(length=2000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(timezone=True), nullable=True),
    ]
    if progressed_at:
        columns.append(sa.Column("progressed_at", models.base.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "serial_jobs",
        *columns,
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_serial_jobs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_serial_jobs_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial_jobs")),
        sa.UniqueConstraint("lot_id", "idempotency_key", name="uq_serial_jobs_lot_key"),
    )
    with op.batch_alter_table("serial_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_serial_jobs_lot_id"), ["lot_id"], unique=False)
    selected = COLUMNS.replace("state", _state_case(renames))
    op.execute(f"INSERT INTO serial_jobs ({COLUMNS}) SELECT {selected} FROM _serial_jobs_rows")
    op.execute("DROP TABLE _serial_jobs_rows")


def _change_states_in_place(states, renames):
    op.drop_constraint(op.f(CHECK), "serial_jobs", type_="check")
    op.alter_column("serial_jobs", "state", type_=sa.String(length=9), existing_nullable=False)
    op.execute(f"UPDATE serial_jobs SET state = {_state_case(renames)}")
    quoted = ", ".join(f"'{state}'" for state in states)
    op.create_check_constraint(op.f(CHECK), "serial_jobs", f"state IN ({quoted})")
    length = max(len(state) for state in states)
    op.alter_column("serial_jobs", "state", type_=sa.String(length=length), existing_nullable=False)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(NEW_STATES, [("done", "succeeded")], progressed_at=True)
    else:
        _change_states_in_place(NEW_STATES, [("done", "succeeded")])
        op.add_column(
            "serial_jobs", sa.Column("progressed_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )

    op.create_table(
        "pending_serials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=20), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["serial_jobs.id"], name=op.f("fk_pending_serials_job_id_serial_jobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_serials")),
        sa.UniqueConstraint("job_id", "serial", name="uq_pending_serials_job_serial"),
    )


def downgrade():
    op.drop_table("pending_serials")
    # Jobs that never finished issued nothing: in the old states they are failed.
    renames = [("succeeded", "done"), ("queued", "failed")]
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(OLD_STATES, renames, progressed_at=False)
    else:
        op.drop_column("serial_jobs", "progressed_at")
        _change_states_in_place(OLD_STATES, renames)
