"""participants: registration mode and certificate minutes per event, the participants table

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import conference.db


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration', sa.String(length=16), server_default='off', nullable=False))
        batch_op.add_column(sa.Column('certificate_min_minutes', sa.Integer(), server_default='0', nullable=False))

    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('consent_list', sa.Boolean(), nullable=False),
    sa.Column('registered_at', conference.db.UTCDateTime(), nullable=False),
    sa.Column('erased_at', conference.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_participants_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('event_id', 'attendee_id', name=op.f('uq_participants_event_id_attendee_id'))
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_event_id'), ['event_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_event_id'))
    op.drop_table('participants')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('certificate_min_minutes')
        batch_op.drop_column('registration')
