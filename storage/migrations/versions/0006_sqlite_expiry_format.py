"""repair field expiries that revision 0002 wrote on SQLite without microseconds

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Revision 0002 used to set the expiry of field registrations filed before it with SQLite's
datetime(filed_at, '+15 days'), which writes 'YYYY-MM-DD HH:MM:SS': the microseconds of filed_at
lost, and a text the application never writes (it stores 'YYYY-MM-DD HH:MM:SS.ffffff'). SQLite
compares such times as text, so the reminder sweep's `delivery.deadline_at = registration.expires_at`
never matched for those registrations. Revision 0002 now writes the right value; this one repairs
databases that went through the old 0002. A row is repaired only while it still holds exactly what
the old 0002 wrote (an extension since rewrote it in the application's format): it gets filed_at's
fraction back, i.e. filed_at + 15 days to the microsecond. Data only, no schema change; nothing to
do on PostgreSQL, whose timestamps are typed.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "UPDATE registration SET expires_at = expires_at || substr(filed_at, 20) "
        "WHERE channel = 'field' AND length(expires_at) = 19 AND length(filed_at) > 19 "
        "AND expires_at = datetime(filed_at, '+15 days')"
    )


def downgrade() -> None:
    pass  # the repaired values are what the application would have written: nothing to undo
