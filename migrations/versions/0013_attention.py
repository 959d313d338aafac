"""When the lead answered a partner's rating proposal (answered_at), so the grid and
the overview can say which proposals still wait

Revision ID: attention_proposal_answered
Revises: import_queued_at
Create Date: 2026-12-04 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'attention_proposal_answered'
down_revision = 'import_queued_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating_proposal') as batch_op:
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('rating_proposal') as batch_op:
        batch_op.drop_column('answered_at')
