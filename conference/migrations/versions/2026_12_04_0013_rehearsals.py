"""rehearsals: an event may be the unlisted rehearsal copy of another

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-04 09:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    A plain ADD COLUMN, not a batch copy of ``events``: on SQLite the batch would drop the
    old table, and with foreign keys on, that cascades to every row that hangs on an event.
    No foreign key (SQLite cannot add one to an existing table): deleting an event deletes
    its rehearsal in the same transaction (``conference.admin.services.events.delete_event``).
    """
    op.add_column('events', sa.Column('rehearsal_of', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_events_rehearsal_of'), 'events', ['rehearsal_of'], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_events_rehearsal_of'), table_name='events')
    op.drop_column('events', 'rehearsal_of')
