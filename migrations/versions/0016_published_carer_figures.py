"""The area's published figures of the national carers' survey (SACE), beside the
local carers' quality of life

Revision ID: published_carer_figures
Revises: indicator_tolerance
Create Date: 2026-12-04 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'published_carer_figures'
down_revision = 'indicator_tolerance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'published_carer_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=40), nullable=False),
        sa.Column('year', sa.String(length=9), nullable=False),
        sa.Column('council_code', sa.String(length=12), nullable=True),
        sa.Column('value', sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column('base', sa.Integer(), nullable=True),
        sa.Column('ci_low', sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column('ci_high', sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['audit_id'], ['audit.id'], name=op.f('fk_published_carer_figure_audit_id_audit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_published_carer_figure_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_carer_figure')),
        sa.UniqueConstraint('audit_id', 'measure', 'year', name=op.f('uq_published_carer_figure_audit_id')),
    )
    with op.batch_alter_table('published_carer_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_carer_figure_audit_id'), ['audit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('published_carer_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_carer_figure_audit_id'))
    op.drop_table('published_carer_figure')
