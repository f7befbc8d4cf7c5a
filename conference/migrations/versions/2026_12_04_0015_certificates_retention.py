"""certificates and retention: who signs an event's certificates; how long participants are kept

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 12:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from conference.db import Translated


# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_signer_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('certificate_signer_role', Translated(), nullable=True))
        batch_op.add_column(
            sa.Column('participants_retention_days', sa.Integer(), server_default='365', nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('participants_retention_days')
        batch_op.drop_column('certificate_signer_role')
        batch_op.drop_column('certificate_signer_name')
