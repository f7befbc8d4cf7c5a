"""agenda item time revisions: the calendar feed's SEQUENCE and LAST-MODIFIED per item

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-04 08:00:00.000000

Existing items start at revision 0, last revised at the moment of the migration (a stable
value from then on; the feed's DTSTAMP and LAST-MODIFIED no longer follow the clock).
"""
from datetime import UTC, datetime
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import conference.db


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        'agenda_items',
        sa.Column('times_revision', sa.Integer(), server_default='0', nullable=False),
    )
    op.add_column(
        'agenda_items', sa.Column('times_revised_at', conference.db.UTCDateTime(), nullable=True)
    )
    items = sa.table('agenda_items', sa.column('times_revised_at', conference.db.UTCDateTime()))
    op.execute(items.update().values(times_revised_at=datetime.now(UTC).replace(microsecond=0)))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('agenda_items') as batch:
        batch.drop_column('times_revised_at')
        batch.drop_column('times_revision')
