"""event roles: organiser, moderator and jury are held per event (PROTOCOL 1.1)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 08:00:00.000000

Before this revision a moderator or juror acted on every event. So that an upgrade locks
nobody out in the middle of a season, every existing moderator and juror is given that role in
every existing event; an admin then takes away what is too much (``conference team remove``).
Users created from now on reach an event only through ``conference team add``.
"""
from datetime import UTC, datetime
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import conference.db


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('event_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', conference.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_roles_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_roles')),
    sa.UniqueConstraint('user_id', 'event_id', name=op.f('uq_event_roles_user_id_event_id'))
    )
    with op.batch_alter_table('event_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_roles_event_id'), ['event_id'], unique=False)

    # Keep what existing moderators and jurors could do: their role in every existing event.
    bind = op.get_bind()
    users = bind.execute(
        sa.text("SELECT id, role FROM users WHERE role IN ('moderator', 'jury')")
    ).all()
    events = bind.execute(sa.text("SELECT id FROM events")).scalars().all()
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC (conference.db)
    rows = [
        {"user_id": user_id, "event_id": event_id, "role": role, "created_at": now}
        for user_id, role in users
        for event_id in events
    ]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO event_roles (user_id, event_id, role, created_at) "
                "VALUES (:user_id, :event_id, :role, :created_at)"
            ),
            rows,
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('event_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_roles_event_id'))

    op.drop_table('event_roles')
