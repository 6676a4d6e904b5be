"""QBR figures: registration events by time

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02 04:30:00

The QBR's pipeline stages read a registration's status on the as-of date from its current status
unless it changed after that date: finding those registrations (events at or after the date)
and the quarter's moves (events in a date range) reads an index on the event time, not the table.
"""

from __future__ import annotations

from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_registration_events_at", "registration_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_registration_events_at", table_name="registration_events")
