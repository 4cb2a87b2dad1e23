"""after-sale reminders: when care was recorded, and planned contacts found by index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

The care rows migration 0012 started for old deals are stamped with the time this revision runs
(`recorded_at`): no manager is told of a miss whose deadline had passed by then
(domain.aftersale_reminders). A partial index on the follow-ups' planned next contact lets the sweep
find the planned contacts due by index.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.tables

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("aftersale_care", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recorded_at", storage.tables.UTCDateTime(timezone=True), nullable=True)
        )
    care = sa.table("aftersale_care", sa.column("recorded_at", storage.tables.UTCDateTime()))
    op.get_bind().execute(sa.update(care).values(recorded_at=datetime.now(UTC)))
    with op.batch_alter_table("registration_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registration_event_next_contact",
            ["next_contact_at"],
            unique=False,
            sqlite_where=sa.text("next_contact_at IS NOT NULL"),
            postgresql_where=sa.text("next_contact_at IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_event", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_registration_event_next_contact",
            sqlite_where=sa.text("next_contact_at IS NOT NULL"),
            postgresql_where=sa.text("next_contact_at IS NOT NULL"),
        )
    with op.batch_alter_table("aftersale_care", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")
