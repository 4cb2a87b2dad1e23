"""the open registrations' candidate keys, written again with the current key scheme

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

The keys a registration is found under are derived from its customer's name and address by
domain.matching.stored_keys. They are data derived by code, so this revision recomputes them with
the code that runs it: every key is deleted and the open registrations' keys are written again
(closed registrations never hold a customer again and need none). A later change to the key
scheme adds another revision like this one.
"""

import sqlalchemy as sa
from alembic import op

from domain.matching import stored_keys

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    connection = op.get_bind()
    keys = sa.table("registration_key", sa.column("key", sa.String), sa.column("registration_id", sa.Integer))
    registration = sa.table(
        "registration",
        sa.column("id", sa.Integer),
        sa.column("customer_name", sa.String),
        sa.column("address", sa.String),
        sa.column("closure", sa.String),
    )
    connection.execute(sa.delete(keys))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(registration.c.id, registration.c.customer_name, registration.c.address)
            .where(registration.c.closure.is_(None), registration.c.id > last)
            .order_by(registration.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        entries = [
            {"key": key, "registration_id": row.id}
            for row in rows
            for key in stored_keys(row.customer_name, row.address)
        ]
        if entries:
            op.bulk_insert(keys, entries)
        last = rows[-1].id


def downgrade() -> None:
    # The keys stay: revision 0009's table is unchanged, and the code of its key scheme is gone.
    pass
