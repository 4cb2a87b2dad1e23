"""possible duplicates found by their flat and place, not by a name or an address prefix

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

A registration is found as a candidate under keys made from its parsed address and the sound of
the customer's surname: its flat, for a household, and its place with the surname, for the same
person written another way. They replace the name key and the first six characters of the
address, which missed every household and most rewritings. The keys of the open registrations
are written by revision 0010, with the key scheme of the code that runs it.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_key",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registration.id"]),
        sa.PrimaryKeyConstraint("key", "registration_id"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_open_address")
        batch_op.drop_index("ix_registration_open_name")
        batch_op.drop_column("address_prefix")
        batch_op.drop_column("name_key")


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column(
                "address_prefix",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(
            "ix_registration_open_name",
            ["name_key", "filed_at"],
            unique=False,
            sqlite_where=sa.text("holds_claim = 1"),
            postgresql_where=sa.text("holds_claim"),
        )
        batch_op.create_index(
            "ix_registration_open_address",
            ["address_prefix", "filed_at"],
            unique=False,
            sqlite_where=sa.text("holds_claim = 1"),
            postgresql_where=sa.text("holds_claim"),
        )
    op.drop_table("registration_key")
