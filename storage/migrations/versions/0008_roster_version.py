"""a roster version, bumped by every roster write

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

One row, counted up in the transaction of every change to teams and staff (storage.repositories.roster),
so a running bot can keep the roster in memory and see in one cheap read whether it changed — here or
through the CLI in another process (storage.repositories.roster.StaffCache).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "roster_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("roster_version")
