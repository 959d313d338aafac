"""An index on audit.area_id: the earlier cycles of an audit (the compare page,
the overview, the report's last cycle) are found by area, which read every audit
of every area without it

Revision ID: audit_area_index
Revises: report_pdf_inputs
Create Date: 2026-12-06 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'audit_area_index'
down_revision = 'report_pdf_inputs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_area_id'), ['area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_area_id'))
