"""The action plan's summary for the board: overall position, top achievements, key
challenges and the decisions asked of the board (the report's first page)

Revision ID: board_summary
Revises: proposal_answered
Create Date: 2026-12-04 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'board_summary'
down_revision = 'proposal_answered'
branch_labels = None
depends_on = None

COLUMNS = ('overall_position', 'achievements', 'challenges', 'board_decisions')


def upgrade():
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
