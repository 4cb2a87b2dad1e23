"""after-sale care: the care of each won registration, its contacts, problems and needs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08

A won registration gets an after-sale care row (domain.aftersale) holding its deadlines, fixed when
set, with partial indexes on them so the sweep finds what is due by index; contacts and problems /
needs get tables of their own; the registration's events carry the item and the satisfaction score.

Registrations won before this revision get their care here, computed by domain.aftersale with the
default rules (the after-sale settings are new in this revision; the calendar is the official one
in Asia/Shanghai): care from the deal, first contact 3 working days after it, 12 months.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.tables
from domain.aftersale import start_care
from domain.rules import Rules

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "aftersale_care",
        sa.Column("registration_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("started_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_contact_due_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_contact_due_at", storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_contact_at", storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_contact_at", storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("satisfaction_score", sa.SmallInteger(), nullable=True),
        sa.Column("satisfaction_comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("satisfaction_at", storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("satisfaction_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
        ),
        sa.ForeignKeyConstraint(
            ["satisfaction_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("registration_id"),
    )
    with op.batch_alter_table("aftersale_care", schema=None) as batch_op:
        batch_op.create_index(
            "ix_aftersale_care_first_contact_due",
            ["first_contact_due_at"],
            unique=False,
            sqlite_where=sa.text("first_contact_at IS NULL"),
            postgresql_where=sa.text("first_contact_at IS NULL"),
        )
        batch_op.create_index(
            "ix_aftersale_care_next_contact_due",
            ["next_contact_due_at"],
            unique=False,
            sqlite_where=sa.text("next_contact_due_at IS NOT NULL"),
            postgresql_where=sa.text("next_contact_due_at IS NOT NULL"),
        )

    op.create_table(
        "aftersale_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("aftersale_contact", schema=None) as batch_op:
        batch_op.create_index("ix_aftersale_contact_registration", ["registration_id", "id"], unique=False)

    op.create_table(
        "aftersale_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("opened_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("due_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("close_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("aftersale_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_aftersale_item_open_due",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.create_index("ix_aftersale_item_registration", ["registration_id", "id"], unique=False)

    with op.batch_alter_table("registration_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score", sa.SmallInteger(), nullable=True))
    _start_care_of_won_registrations()


def downgrade() -> None:
    with op.batch_alter_table("registration_event", schema=None) as batch_op:
        batch_op.drop_column("score")
        batch_op.drop_column("item_id")

    with op.batch_alter_table("aftersale_item", schema=None) as batch_op:
        batch_op.drop_index("ix_aftersale_item_registration")
        batch_op.drop_index(
            "ix_aftersale_item_open_due",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.drop_table("aftersale_item")
    with op.batch_alter_table("aftersale_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_aftersale_contact_registration")

    op.drop_table("aftersale_contact")
    with op.batch_alter_table("aftersale_care", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_aftersale_care_next_contact_due",
            sqlite_where=sa.text("next_contact_due_at IS NOT NULL"),
            postgresql_where=sa.text("next_contact_due_at IS NOT NULL"),
        )
        batch_op.drop_index(
            "ix_aftersale_care_first_contact_due",
            sqlite_where=sa.text("first_contact_at IS NULL"),
            postgresql_where=sa.text("first_contact_at IS NULL"),
        )

    op.drop_table("aftersale_care")


def _start_care_of_won_registrations() -> None:
    connection = op.get_bind()
    registration = sa.table(
        "registration",
        sa.column("id", sa.Integer),
        sa.column("closure", sa.String),
        sa.column("closed_at", storage.tables.UTCDateTime()),
    )
    care = sa.table(
        "aftersale_care",
        sa.column("registration_id", sa.Integer),
        sa.column("started_at", storage.tables.UTCDateTime()),
        sa.column("first_contact_due_at", storage.tables.UTCDateTime()),
        sa.column("ends_at", storage.tables.UTCDateTime()),
        sa.column("next_contact_due_at", storage.tables.UTCDateTime()),
        sa.column("contacts", sa.Integer),
    )
    rules, last = Rules(), 0
    while True:
        rows = connection.execute(
            sa.select(registration.c.id, registration.c.closed_at)
            .where(
                registration.c.closure == "won",
                registration.c.closed_at.is_not(None),
                registration.c.id > last,
            )
            .order_by(registration.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        entries = []
        for row in rows:
            started = start_care(row.id, row.closed_at, rules)
            entries.append(
                {
                    "registration_id": row.id,
                    "started_at": started.started_at,
                    "first_contact_due_at": started.first_contact_due_at,
                    "ends_at": started.ends_at,
                    "next_contact_due_at": started.next_contact_due_at,
                    "contacts": 0,
                }
            )
        connection.execute(sa.insert(care), entries)
        last = rows[-1].id
