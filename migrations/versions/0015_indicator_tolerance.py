"""An indicator's tolerance for "the curve has turned": how far the latest result
must beat the trend, in the indicator's unit (empty: the rounding rule)

Revision ID: indicator_tolerance
Revises: board_summary
Create Date: 2026-12-04 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'indicator_tolerance'
down_revision = 'board_summary'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turn_tolerance', sa.Numeric(18, 6), nullable=True))


def downgrade():
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('turn_tolerance')
