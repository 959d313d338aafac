"""When the lead answered a partner's rating proposal (answered_at), so the grid and
the overview can say which proposals still wait

Revision ID: proposal_answered
Revises: import_queued_at
Create Date: 2026-12-04 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'proposal_answered'
down_revision = 'import_queued_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating_proposal') as batch_op:
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
    # A proposal whose cell the lead saved after it was made was answered then; the
    # others wait. (Set aside did not exist before.)
    op.execute(
        "UPDATE rating_proposal SET answered_at = ("
        " SELECT rating.updated_at FROM rating"
        " WHERE rating.audit_id = rating_proposal.audit_id"
        " AND rating.intervention = rating_proposal.intervention"
        " AND rating.group_code = rating_proposal.group_code"
        " AND rating.updated_at > rating_proposal.proposed_at)"
    )


def downgrade():
    with op.batch_alter_table('rating_proposal') as batch_op:
        batch_op.drop_column('answered_at')
