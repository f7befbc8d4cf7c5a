"""attendance: intervals each attendee identity was connected to a live event

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 12:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from conference.db import UTCDateTime


# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'attendance_intervals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('attendee_key', sa.String(length=80), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('ended_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_attendance_intervals_event_key',
        'attendance_intervals',
        ['event_id', 'attendee_key'],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_attendance_intervals_event_key', table_name='attendance_intervals')
    op.drop_table('attendance_intervals')
