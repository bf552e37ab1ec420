"""Private signing keys are sealed with scrypt + AES-GCM, no longer PKCS#8 PEM: rename the column.

Keys stored in the old format cannot be opened by the new code; generate new ones (`ecoreg keys
rotate`). No deployment holds such keys yet.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 21:50:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.alter_column("private_key_pem", new_column_name="private_key_sealed")


def downgrade():
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.alter_column("private_key_sealed", new_column_name="private_key_pem")
