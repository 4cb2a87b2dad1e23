"""an invitation keeps the name the admin gave and the admin's language

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

The invitee is enrolled under `name`, not their Telegram name; the admin is told in `language`
when the invitation is used (a notice in the outbox). Invitations made before have neither: their
invitee keeps the Telegram name, and the admin is told in the default language.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("name")
