"""images: event logo, banner and accent colour; speaker photos; organisation logos

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-04 08:00:00.000000

Each picture is a JSON description of the files stored under MEDIA_DIR/images
(conference.images); the files themselves are not in the database.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_image', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('banner_image', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('accent_color', sa.String(length=7), nullable=True))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_image', sa.JSON(), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('photo')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('logo_image')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('accent_color')
        batch_op.drop_column('banner_image')
        batch_op.drop_column('logo_image')
