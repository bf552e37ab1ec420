"""The identifier role check as comparisons: SQLite builds a temporary index per row for "IN (...)".

The rule is unchanged (a role is one of nine words); only how it is written. SQLite evaluates
``role IN ('epc', ...)`` in a CHECK by building an ephemeral index on every insert, which cost
about a quarter of a capture's insert time; ``role = 'epc' OR ...`` costs next to nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 01:30:02
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NAME = "ck_epcis_event_identifiers_identifier_role"
ROLES = (
    "epc",
    "child",
    "parent",
    "input",
    "output",
    "class",
    "child-class",
    "input-class",
    "output-class",
)


def _replace_check(condition: str) -> None:
    # On SQLite the batch copies the table into a new one with the new constraint.
    with op.batch_alter_table("epcis_event_identifiers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), condition)


def upgrade():
    _replace_check(" OR ".join(f"role = '{role}'" for role in ROLES))


def downgrade():
    _replace_check("role IN ({})".format(", ".join(f"'{role}'" for role in ROLES)))
