"""The lead's own score and narrative for each CQC quality statement (the CQC
self-assessment), carried to the next cycle like the other judgements

Revision ID: cqc_judgements
Revises: published_carer_figures
Create Date: 2026-12-05 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cqc_judgements'
down_revision = 'published_carer_figures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cqc_judgement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('statement', sa.String(length=40), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('narrative', sa.Text(), nullable=True),
        sa.Column('needs_confirmation', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['audit_id'], ['audit.id'], name=op.f('fk_cqc_judgement_audit_id_audit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_cqc_judgement_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cqc_judgement')),
        sa.UniqueConstraint('audit_id', 'statement', name=op.f('uq_cqc_judgement_audit_id')),
    )
    with op.batch_alter_table('cqc_judgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cqc_judgement_audit_id'), ['audit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cqc_judgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cqc_judgement_audit_id'))
    op.drop_table('cqc_judgement')
