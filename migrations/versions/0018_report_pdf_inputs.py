"""What else a PDF of the report shows, besides the audit at its revision
(report_pdf.inputs_key): a PDF is reused, and said to be up to date, only while
the areas and cycle it compares with, the evidence and answers it shows are as
they were

Revision ID: report_pdf_inputs
Revises: cqc_judgements
Create Date: 2026-12-05 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'report_pdf_inputs'
down_revision = 'cqc_judgements'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_pdf', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inputs_key', sa.String(32), nullable=True))


def downgrade():
    with op.batch_alter_table('report_pdf', schema=None) as batch_op:
        batch_op.drop_column('inputs_key')
