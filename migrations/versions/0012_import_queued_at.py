"""When a questionnaire import was queued (queued_at), so its status page can tell
that nothing is processing it

Revision ID: import_queued_at
Revises: session_version
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'import_queued_at'
down_revision = 'session_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_import') as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('questionnaire_import') as batch_op:
        batch_op.drop_column('queued_at')
