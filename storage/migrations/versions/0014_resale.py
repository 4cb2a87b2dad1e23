"""repeat purchase: a registration opened from a won one

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08

`registration.resale_of_id` links a repeat purchase (RULES §7) to the won registration it was opened
from (domain.resale); empty for every registration filed before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resale_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_registration_resale_of_id", "registration", ["resale_of_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint("fk_registration_resale_of_id", type_="foreignkey")
        batch_op.drop_column("resale_of_id")
