"""care days: the customer's birthday on the after-sale care

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08

Month and day (the year optional) of the customer's birthday, for the greeting reminders
(domain.care_days).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("aftersale_care", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_month", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("birth_day", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("birth_year", sa.SmallInteger(), nullable=True))
        batch_op.create_index(
            "ix_aftersale_care_birthday",
            ["birth_month", "birth_day"],
            unique=False,
            sqlite_where=sa.text("birth_month IS NOT NULL"),
            postgresql_where=sa.text("birth_month IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("aftersale_care", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_aftersale_care_birthday",
            sqlite_where=sa.text("birth_month IS NOT NULL"),
            postgresql_where=sa.text("birth_month IS NOT NULL"),
        )
        batch_op.drop_column("birth_year")
        batch_op.drop_column("birth_day")
        batch_op.drop_column("birth_month")
